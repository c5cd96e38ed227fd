"""The dashboard's figures, kept for a short time per user and scope, and never older than the data.

Computing the dashboard means a dozen grouped queries over the year's nominations, classes,
payments and quotas and the legal clocks of up to 2,000 people after the introduction: most of
a request's time at the size of a city or the nation. The figures are kept in Django's cache
(`CACHES`, per process by default) for `DASHBOARD_CACHE_SECONDS`, under a key made of
everything they depend on: the user, their role, federation and union, the federation opened
(`?federation=`), the year, today's date, the language, and the **data version**.

The data version (`tienlang.lib.kept`) is counted by the database itself, so a user's own
write is always in the figures of their next page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils import timezone, translation

from tienlang.lib.kept import data_version, kept


def cache_seconds() -> int:
    return max(0, int(getattr(settings, "DASHBOARD_CACHE_SECONDS", 60)))


def dashboard_key(user, scope_key: str, year: int) -> str:
    """Everything the figures depend on besides the data (`kept` adds the data version)."""
    profile = getattr(user, "profile", None)
    parts = [
        f"u{user.pk}",
        f"r{getattr(profile, 'role', '') or ('admin' if user.is_superuser else '')}",
        f"f{getattr(profile, 'federation_id', '') or ''}",
        f"c{getattr(profile, 'union_id', '') or ''}",
        f"s{scope_key}",
        f"y{year}",
        f"d{timezone.localdate().isoformat()}",
        f"l{translation.get_language() or ''}",
    ]
    return ":".join(parts)


def cached_figures(user, scope_key: str, year: int, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """`compute()`'s figures, from the cache when nothing was written since they were computed.

    The version is read before computing: figures computed while a write commits are kept
    under the older version, which no later page asks for. Not held in the process as they
    are: each page gets its own copy."""
    seconds = cache_seconds()
    version = data_version() if seconds else None
    key = dashboard_key(user, scope_key, year)
    return kept("dashboard", key, version, compute, seconds=seconds, hold=False)
