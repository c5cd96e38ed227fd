"""The dashboard's figures are kept per user and scope, and a write shows at once (reports/figures.py)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.utils import timezone

from admission import clocks
from candidates.models import Nomination, Status
from reports.queries import Scope
from reports.views import dashboard_figures
from tests import factories
from tienlang.lib import kept
from unions.models import Federation
from unions.permissions import user_role

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the data version is PostgreSQL's"),
]

USERS = ["canbo", "lanhdao", "chutich.m2", "huyenuy", "canbo.thanhpho", "thanhuy", "admin"]


def _main(html: str) -> str:
    """The page without what changes from one response to the next (the form tokens)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'<meta name="csrf-token" content="[^"]+"', "", html)


def _figures(user, year=None) -> dict:
    year = year or timezone.localdate().year
    return dashboard_figures(Scope(user=user), user_role(user), year)


@pytest.mark.parametrize("username", USERS)
def test_the_cached_page_is_the_page_computed_without_the_cache(client, demo, settings, username):
    user = factories.get_user(username)
    client.force_login(user)
    settings.DASHBOARD_CACHE_SECONDS = 0
    computed = _main(client.get("/?year=2022").content.decode())
    settings.DASHBOARD_CACHE_SECONDS = 60
    first = _main(client.get("/?year=2022").content.decode())
    again = _main(client.get("/?year=2022").content.decode())
    assert computed == first == again


@pytest.mark.parametrize("username", ["canbo", "canbo.thanhpho", "admin", "chutich.m2"])
def test_the_due_counts_equal_those_of_the_clocks_of_every_nomination_as_objects(demo, username):
    user = factories.get_user(username)
    today = timezone.localdate()
    slow = clocks.Clocks(clocks.scoped_nominations(user), today)
    found = slow.all()

    def people(test) -> int:
        return len({c.nomination.pk for c in found if test(c)})

    assert clocks.action_counts(user, today) == {
        "overdue": people(lambda c: c.overdue),
        "soon": people(lambda c: c.soon),
        "stale": people(lambda c: c.step == "cell" and slow.facts[c.nomination.pk].stale),
        "waiting": people(lambda c: c.step in ("residence_reply", "residence_request")),
        "missing": people(lambda c: c.step == "dossier"),
    }
    if username != "chutich.m2":
        assert found, "the demo has people after the introduction in this scope"


def _approved_count(html: str) -> int:
    found = re.search(r"Đủ điều kiện, chờ xếp lớp <span[^>]*>([\d.]+)</span>", html)
    return int(found.group(1).replace(".", ""))


def test_a_write_shows_on_the_next_page_even_a_bulk_one_that_sends_no_signal(client, demo, settings):
    settings.DASHBOARD_CACHE_SECONDS = 600
    staff = factories.get_user("canbo")
    client.force_login(staff)
    before = _approved_count(client.get("/").content.decode())
    assert _approved_count(client.get("/").content.decode()) == before  # from the cache
    others = Nomination.objects.for_user(staff).exclude(status=Status.APPROVED).order_by("pk")
    picked = list(others.values_list("pk", "status")[:2])
    moved = Nomination.objects.filter(pk__in=[pk for pk, _status in picked])
    assert moved.update(status=Status.APPROVED) == 2  # queryset.update(): no post_save
    assert _approved_count(client.get("/").content.decode()) == before + 2
    for pk, status in picked:
        Nomination.objects.filter(pk=pk).update(status=status)
    assert _approved_count(client.get("/").content.decode()) == before


def test_a_write_in_any_counted_table_changes_the_data_version(demo):
    version = kept.data_version()
    Federation.objects.filter(pk=Federation.objects.order_by("pk").first().pk).update(name="Liên đoàn Đổi Tên")
    assert kept.data_version() > version
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = %s", [kept.TRIGGER])
        triggered = {name.strip('"') for (name,) in cursor.fetchall()}
    assert set(kept.counted_tables()) <= triggered, "every table the figures come from counts its writes"
    assert "unions_accesslog" not in triggered, "reading a person's page changes no figure"


def test_a_user_of_another_scope_never_gets_the_figures_kept_for_someone_else(client, demo, settings):
    settings.DASHBOARD_CACHE_SECONDS = 600
    pages = {}
    for username in ("canbo.thanhpho", "canbo", "chutich.m2", "huyenuy", "admin"):
        client.force_login(factories.get_user(username))
        pages[username] = _main(client.get("/").content.decode())
    settings.DASHBOARD_CACHE_SECONDS = 0
    for username, page in pages.items():
        client.force_login(factories.get_user(username))
        assert _main(client.get("/").content.decode()) == page, username
    assert len(set(pages.values())) == len(pages)


def test_one_federation_opened_by_the_city_is_kept_apart_from_the_citys_own_page(client, demo, settings):
    settings.DASHBOARD_CACHE_SECONDS = 600
    city = factories.get_user("canbo.thanhpho")
    district = factories.get_user("canbo").profile.federation
    client.force_login(city)
    own = client.get("/").content.decode()
    opened = client.get(f"/?federation={district.pk}").content.decode()
    assert own != opened
    assert client.get("/").content.decode().count('data-testid="funnel-nominated"') == 1
    assert _figures(city)["report"].totals.nominated != _figures(factories.get_user("canbo"))["report"].totals.nominated


def _queries(client, django_assert_max_num_queries, limit) -> int:
    with django_assert_max_num_queries(limit) as captured:
        assert client.get("/").status_code == 200
    return len(captured.captured_queries)


def test_the_dashboard_takes_the_same_queries_with_more_data_cached_or_not(
    client, demo, settings, django_assert_max_num_queries
):
    staff = factories.get_user("canbo")
    union = factories.get_user("chutich.m2").profile.union
    client.force_login(staff)
    settings.DASHBOARD_CACHE_SECONDS = 0
    computed = _queries(client, django_assert_max_num_queries, 40)
    settings.DASHBOARD_CACHE_SECONDS = 600
    client.get("/")
    cached = _queries(client, django_assert_max_num_queries, 8)
    year = timezone.localdate().year
    for n in range(30):
        nomination = factories.make_nomination(union, year=year, user=staff, full_name=f"Người Thêm Số {n}")
        if n % 2:
            Nomination.objects.filter(pk=nomination.pk).update(status=Status.INTRODUCED, stage=5)
    settings.DASHBOARD_CACHE_SECONDS = 0
    assert _queries(client, django_assert_max_num_queries, computed) <= computed  # one fewer: no "latest year" hint
    settings.DASHBOARD_CACHE_SECONDS = 600
    client.get("/")
    assert _queries(client, django_assert_max_num_queries, cached) == cached
