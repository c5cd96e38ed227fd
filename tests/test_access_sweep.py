"""A chair of one union reaches nothing of another union, through any URL the project has.

The URLs come from the URLconf itself, so a new view is covered without anyone
remembering to add it here.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import get_resolver

from tests.factories import get_user
from tests.urls_sweep import _walk
from unions.querysets import ScopedQuerySet

pytestmark = pytest.mark.django_db

OWN, OTHER = "chutich.m2", "chutich.sunvigo"


def scoped_models():
    for model in apps.get_models():
        if isinstance(model._default_manager.all(), ScopedQuerySet) and model._meta.app_label != "auth":
            yield model


def other_union_pks(own_user, other_user, per_model: int = 4) -> set[int]:
    """IDs of rows the other union's chair sees and this chair must not."""
    pks: set[int] = set()
    for model in scoped_models():
        theirs = model._default_manager.for_user(other_user).values_list("pk", flat=True)
        mine = set(model._default_manager.for_user(own_user).values_list("pk", flat=True))
        pks.update([pk for pk in theirs if pk not in mine][:per_model])
    return pks


def markers(own_user, other_user) -> set[str]:
    """Texts that identify the other union's people and that this chair's own data does not contain."""
    from candidates.models import Person

    theirs = set(Person.objects.for_user(other_user).values_list("full_name", flat=True))
    mine = set(Person.objects.for_user(own_user).values_list("full_name", flat=True))
    citizen = set(Person.objects.for_user(other_user).values_list("citizen_id", flat=True))
    return (theirs - mine) | citizen | {"SunVigo"}


def text_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return " ".join(
                archive.read(name).decode("utf-8", "replace") for name in archive.namelist() if name.endswith(".xml")
            )
    return content.decode("utf-8", "replace")


def patterns_with_ids():
    for name, regex in _walk(get_resolver().url_patterns):
        if name.startswith("admin:"):
            continue  # administrators only: chairs get nothing there (tested in test_scoping)
        if "(?P<pk>" in regex or re.search(r"\(\?P<\w+>\[0-9\]\+\)", regex):
            yield name, regex


def plain(regex: str) -> str:
    """The literal path of a pattern whose groups are already filled: drop anchors and escapes."""
    path = regex.lstrip("^").rstrip("$").replace("\\Z", "")
    return "/" + re.sub(r"\\(.)", r"\1", path)


def fill(regex: str, value: int) -> str:
    return plain(re.sub(r"\(\?P<\w+>[^)]*\)", str(value), regex))


@pytest.fixture
def world(db):
    call_command("seed_demo", verbosity=0)
    return get_user(OWN), get_user(OTHER)


def test_object_urls_of_another_union_answer_404_or_hold_nothing_of_it(client, world):
    own, other = world
    ids = sorted(other_union_pks(own, other))
    forbidden = markers(own, other)
    assert ids and forbidden
    client.force_login(own)
    leaks = []
    for name, regex in patterns_with_ids():
        for pk in ids:
            path = fill(regex, pk)
            response = client.get(path)
            if response.status_code in (403, 404, 405) or 300 <= response.status_code < 400:
                continue
            assert response.status_code == 200, f"{path} → {response.status_code}"
            body = text_of(response)
            seen = [m for m in forbidden if m in body]
            if seen:
                leaks.append(f"{name} {path}: {seen[:2]}")
    assert leaks == []


def test_lists_searches_and_exports_hold_only_the_own_union(client, world):
    own, other = world
    forbidden = markers(own, other)
    client.force_login(own)
    leaks = []
    for name, regex in _walk(get_resolver().url_patterns):
        if name.startswith("admin:") or "(?P<" in regex:
            continue
        path = plain(regex)
        for query in ("", "?q=a", "?export=xlsx", "?year=2022", "?q=SunVigo"):
            response = client.get(path + query)
            if response.status_code != 200:
                continue
            # A search page repeats what was typed; only the other union's data counts as a leak.
            looked_for = forbidden - {"SunVigo"} if "SunVigo" in query else forbidden
            seen = [m for m in looked_for if m in text_of(response)]
            if seen:
                leaks.append(f"{path}{query}: {seen[:2]}")
    for kind in ("quota", "roster", "stipends", "introductions", "coverage", "history"):
        response = client.get(f"/reports/{kind}.xlsx?year=2022")
        if response.status_code == 200:
            seen = [m for m in forbidden - {"SunVigo"} if m in text_of(response)]
            if seen:
                leaks.append(f"report {kind}: {seen[:2]}")
    assert leaks == []


def test_chair_posts_to_another_unions_objects_change_nothing(client, world):
    from candidates.models import Nomination

    own, other = world
    theirs = Nomination.objects.for_user(other).first()
    client.force_login(own)
    for path in (f"/candidates/{theirs.pk}/move/", f"/candidates/{theirs.pk}/correct/"):
        response = client.post(path, {"to_status": "withdrawn", "reason": "x", "version": theirs.version})
        assert response.status_code in (403, 404)
    theirs.refresh_from_db()
    assert theirs.status != "withdrawn"
