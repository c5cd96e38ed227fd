"""Enumerate every URL pattern of the project, so access tests cover new views automatically."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils.regex_helper import normalize

SAMPLE_VALUES = ["1", "unions", "auth", "enterprise", "x"]


@dataclass
class SampleURL:
    name: str
    path: str


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for entry in patterns:
        regex = entry.pattern.regex.pattern
        part = regex.lstrip("^").rstrip("$").removesuffix("\\Z")
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _walk(entry.url_patterns, prefix + part, ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or regex)
            yield name, "^" + prefix + part + "$"


def sample_urls() -> list[SampleURL]:
    """One concrete, resolvable path per URL pattern (placeholders filled with sample values)."""
    urls = []
    for name, regex in _walk(get_resolver().url_patterns):
        for template, params in normalize(regex):
            for value in SAMPLE_VALUES:
                path = "/" + (template % {p: value for p in params})
                try:
                    resolve(path)
                except Resolver404:
                    continue
                urls.append(SampleURL(name, path))
                break
            else:
                continue
            break
    return urls
