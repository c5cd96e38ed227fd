"""Every page, export, job download and admin page that shows a person's data leaves an access-log
row naming who looked, and which people. The URLs come from the URLconf, so new views are covered."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import get_resolver

from candidates.models import Person
from reports.exports import KINDS
from tests.test_access_sweep import fill, plain, scoped_models, text_of
from tests.urls_sweep import _walk
from unions.models import AccessLog

pytestmark = pytest.mark.django_db

USERS = ["canbo", "lanhdao", "chutich.m2", "huyenuy", "admin"]
QUERIES = ["", "?year=2022", "?q=a"]


def own_pks(user, per_model: int = 2) -> list[int]:
    pks: set[int] = set()
    for model in scoped_models():
        pks.update(model._default_manager.for_user(user).order_by("pk").values_list("pk", flat=True)[:per_model])
    return sorted(pks)


def paths_for(user):
    ids = own_pks(user)
    for name, regex in _walk(get_resolver().url_patterns):
        if name in {"logout"} or name.endswith(("logout", "password_change", "password_change_done")):
            continue
        if "(?P<kind>" in regex:
            for kind in KINDS:
                for query in QUERIES:
                    yield name, plain(re.sub(r"\(\?P<kind>[^)]*\)", kind, regex)) + query
        elif "(?P<" in regex:
            if not re.search(r"\(\?P<\w+>\[0-9\]\+\)|\(\?P<pk>", regex):
                continue
            for pk in ids:
                yield name, fill(regex, pk)
        else:
            for query in QUERIES:
                yield name, plain(regex) + query


@pytest.mark.parametrize("username", USERS)
def test_every_page_that_shows_people_is_in_the_access_log(client, demo, username):
    user = get_user_model().objects.get(username=username)
    names = set(Person.objects.for_user(user).values_list("full_name", flat=True))
    if user.is_superuser:
        names = set(Person.objects.values_list("full_name", flat=True))
    names = {n for n in names if len(n) > 8}
    client.force_login(user)
    unlogged, showing = [], 0
    for name, path in paths_for(user):
        before = AccessLog.objects.filter(user=user).exclude(action__in=["login", "login_failed"]).count()
        response = client.get(path)
        if response.status_code != 200:
            continue
        body = text_of(response)
        shown = [n for n in names if n in body]
        if not shown:
            continue
        showing += 1
        rows = AccessLog.objects.filter(user=user).exclude(action__in=["login", "login_failed"]).order_by("pk")
        new = list(rows[before:])
        if not new or not any(entry.person_ids for entry in new):
            unlogged.append(f"{name} {path} shows {shown[:1]}")
    # The Party committee's reader sees nobody in the 2022 demo (nobody was introduced yet).
    assert showing > 0 or username == "huyenuy"
    assert unlogged == []


def _objects_in(value, depth=0, seen=None):
    """Model instances reachable from a template context value, without new queries."""
    from django.db.models import Model, QuerySet

    seen = seen if seen is not None else set()
    if depth > 5 or id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, Model):
        yield value
        for cached in getattr(value, "_prefetched_objects_cache", {}).values():
            yield from _objects_in(list(cached), depth + 1, seen)
        for related in getattr(getattr(value, "_state", None), "fields_cache", {}).values():
            yield from _objects_in(related, depth + 1, seen)
    elif isinstance(value, QuerySet):
        if value._result_cache is not None:
            yield from _objects_in(value._result_cache, depth + 1, seen)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _objects_in(item, depth + 1, seen)
    elif isinstance(value, list | tuple | set):
        for item in value:
            yield from _objects_in(item, depth + 1, seen)
    elif hasattr(value, "page") and hasattr(getattr(value, "page", None), "object_list"):
        yield from _objects_in(list(value.page.object_list), depth + 1, seen)  # a django-tables2 table


def test_no_template_context_of_a_chair_holds_another_unions_records(client, demo):
    """Whatever a chair's page renders, nothing of another union is even handed to its template."""
    from unions.models import GrassrootsUnion

    user = get_user_model().objects.get(username="chutich.m2")
    own = user.profile.union_id
    client.force_login(user)
    foreign, rendered = [], 0
    for name, path in paths_for(user):
        response = client.get(path)
        if response.status_code != 200 or not response.context:
            continue
        rendered += 1
        for context in response.context:
            for obj in _objects_in(context.flatten()):
                union_id = obj.pk if isinstance(obj, GrassrootsUnion) else getattr(obj, "union_id", None)
                if union_id is not None and union_id != own:
                    foreign.append(f"{name} {path}: {obj._meta.label} {obj.pk}")
    assert rendered > 20
    assert sorted(set(foreign)) == []
