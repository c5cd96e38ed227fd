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
def world(demo):
    return get_user(OWN), get_user(OTHER)


def safe_redirect(client, response, forbidden: set[str]) -> str | None:
    """None when a redirect goes to the login page or to a page of the user's own that shows
    nothing of the other union; otherwise what is wrong with it."""
    location = response["Location"]
    if location.startswith("/accounts/login/"):
        return None
    target = client.get(location)
    if target.status_code not in (200, 403, 404):
        return f"redirects to {location} → {target.status_code}"
    seen = [m for m in forbidden if m in text_of(target)]
    return f"redirects to {location}, which shows {seen[:2]}" if seen else None


def judge(client, name: str, path: str, response, forbidden: set[str]) -> str | None:
    """None when the answer discloses nothing of the other union."""
    if response.status_code in (400, 403, 404, 405):
        return None
    if response.status_code in (301, 302, 303):
        problem = safe_redirect(client, response, forbidden)
        return f"{name} {path}: {problem}" if problem else None
    if response.status_code != 200:
        return f"{name} {path} → {response.status_code}"
    seen = [m for m in forbidden if m in text_of(response)]
    return f"{name} {path}: {seen[:2]}" if seen else None


def _shown(value) -> str:
    # A binary field (a scan) reads back as a memoryview, whose repr names its address.
    return bytes(value).hex() if isinstance(value, memoryview) else str(value)


def fingerprint(user) -> dict[str, list]:
    """Every row a user can see, every field, and the number of history rows of each model."""
    state = {}
    for model in scoped_models():
        rows = list(model._default_manager.for_user(user).order_by("pk").values())
        state[model._meta.label] = [sorted((k, _shown(v)) for k, v in row.items()) for row in rows]
        history = getattr(model, "history", None)
        if history is not None:
            pk_name = model._meta.pk.attname
            state[model._meta.label + ".history"] = history.filter(
                **{f"{pk_name}__in": [row[pk_name] for row in rows]}
            ).count()
    return state


# Field names that the project's forms accept, with values that would change something if accepted.
POST_PAYLOAD = {
    "to_status": "withdrawn",
    "reason": "Thử chiếm quyền",
    "happened_on": "01/06/2022",
    "name": "Đã bị đổi",
    "full_name": "Đã Bị Đổi",
    "note": "x",
    "selected": ["1", "2", "3"],
    "confirm": "1",
    "amount": "1",
    "status": "paid",
    "union": "1",
    "training_class": "1",
}


def test_object_urls_of_another_union_answer_404_or_hold_nothing_of_it(client, world):
    own, other = world
    ids = sorted(other_union_pks(own, other))
    forbidden = markers(own, other)
    assert ids and forbidden
    client.force_login(own)
    leaks, looked = [], 0
    for name, regex in patterns_with_ids():
        for pk in ids:
            path = fill(regex, pk)
            looked += 1
            leak = judge(client, name, path, client.get(path), forbidden)
            if leak:
                leaks.append(leak)
    assert looked > 100
    assert leaks == []


def test_posts_to_every_url_change_nothing_of_another_union(client, world):
    """A chair POSTs to every URL of the project, with the other union's IDs where a URL takes one."""
    from candidates.models import Nomination

    own, other = world
    ids = sorted(other_union_pks(own, other))
    forbidden = markers(own, other)
    before = fingerprint(other)
    theirs = Nomination.objects.for_user(other).first()
    payload = {**POST_PAYLOAD, "version": theirs.version}
    problems, posted = [], 0
    for name, regex in _walk(get_resolver().url_patterns):
        if name.startswith("admin:") or name in {"logout", "accounts:logout"}:
            continue
        paths = [fill(regex, pk) for pk in ids] if "(?P<" in regex else [plain(regex)]
        for path in paths:
            if "(?P<" in path:
                continue  # a pattern with a non-numeric part: swept by test_urls_sweep
            client.force_login(own)
            posted += 1
            problem = judge(client, name, path, client.post(path, payload), forbidden)
            if problem:
                problems.append(problem)
    assert posted > 100
    assert problems == []
    assert fingerprint(other) == before, "nothing the other union's chair sees has changed"


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
            # A search page repeats what was typed; only the other union's data counts as a leak.
            looked_for = forbidden - {"SunVigo"} if "SunVigo" in query else forbidden
            leak = judge(client, name, path + query, response, looked_for)
            if leak:
                leaks.append(leak)
    for kind in ("quota", "roster", "stipends", "introductions", "coverage", "history"):
        response = client.get(f"/reports/{kind}.xlsx?year=2022")
        if response.status_code == 200:
            seen = [m for m in forbidden - {"SunVigo"} if m in text_of(response)]
            if seen:
                leaks.append(f"report {kind}: {seen[:2]}")
    assert leaks == []
