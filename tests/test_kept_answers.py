"""Lists keep their row counts and filter choices until the next write (tienlang.lib.kept).

What a user must never see: a count or a choice older than the data they can see, or one
computed for someone else's scope. What the office gains: a national list does not count
200,000 nominations on every page.
"""

from __future__ import annotations

import copy
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from candidates.models import Nomination
from tests import factories
from tests.factories import make_nomination
from tienlang.lib.forms import FixedChoices
from unions.views.common import CappedPaginator

pytestmark = pytest.mark.django_db


def result_count(response) -> int:
    match = re.search(r'data-testid="result-count">(\d+)<', response.content.decode())
    return int(match.group(1))


def counts_of(ctx, table: str) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT COUNT(*)") and table in q["sql"]]


def test_a_list_is_counted_once_until_something_is_written(client, staff, union_a):
    for n in range(3):
        make_nomination(union=union_a, full_name=f"Lò Văn Đếm {n}")
    client.force_login(staff)
    assert result_count(client.get("/candidates/")) == 3
    with CaptureQueriesContext(connection) as ctx:
        assert result_count(client.get("/candidates/")) == 3
    assert counts_of(ctx, '"candidates_nomination"') == [], "the second page view reads the kept count"

    make_nomination(union=union_a, full_name="Lò Văn Đếm 3")
    assert result_count(client.get("/candidates/")) == 4, "a write shows in the next page at once"

    Nomination.objects.filter(person__full_name="Lò Văn Đếm 0").delete()
    assert result_count(client.get("/candidates/")) == 3, "a bulk delete counts as a write"


def test_a_kept_count_is_never_anothers_scope(client, staff, chair_a, chair_b, union_a, union_b):
    for n in range(4):
        make_nomination(union=union_a, full_name=f"Mùa Văn A {n}")
    make_nomination(union=union_b, full_name="Mùa Văn B")
    client.force_login(staff)
    assert result_count(client.get("/candidates/")) == 5
    client.force_login(chair_b)
    assert result_count(client.get("/candidates/")) == 1
    client.force_login(chair_a)
    assert result_count(client.get("/candidates/")) == 4
    other = factories.make_user("staff", federation=factories.make_federation(name="Liên đoàn Lao động huyện Khác Hẳn"))
    client.force_login(other)
    assert result_count(client.get("/candidates/")) == 0


def test_a_new_enterprise_is_offered_in_the_filters_at_once(client, staff, union_a):
    client.force_login(staff)
    page = client.get("/unions/enterprises/").content.decode()
    assert "Đóng tàu thử nghiệm" not in page
    commune = factories.make_commune_for(staff.profile.federation)
    factories.make_enterprise(
        federation=staff.profile.federation,
        name="Công ty Kiểm Thử Mới",
        industry="Đóng tàu thử nghiệm",
        commune=commune,
    )
    page = client.get("/unions/enterprises/").content.decode()
    assert '<option value="Đóng tàu thử nghiệm">Đóng tàu thử nghiệm</option>' in page
    assert f'<option value="{commune.pk}">' in page
    # A user of another federation is offered neither.
    other = factories.make_user("staff", federation=factories.make_federation(name="Liên đoàn Lao động huyện Khác Hẳn"))
    client.force_login(other)
    page = client.get("/unions/enterprises/").content.decode()
    assert "Đóng tàu thử nghiệm" not in page and f'<option value="{commune.pk}">' not in page


def _rows(html: str) -> list[str]:
    return re.findall(r'href="/candidates/(\d+)/"', re.search(r"<tbody.*?</tbody>", html, re.S).group(0))


@pytest.mark.parametrize("sort", ["", "-full_name", "status", "-status", "-year"])
def test_deep_pages_read_from_the_end_are_the_same_rows(client, staff, union_a, monkeypatch, sort):
    # Ties in every order (one name 70 times, the same status for all): the key breaks them.
    for n in range(130):
        make_nomination(union=union_a, full_name="Hà Văn Trùng" if n % 2 else f"Hà Thị Khác {n:03d}")
    client.force_login(staff)
    pages = {}
    for deferred_from in (10**9, 1):  # by OFFSET over rows, then by keys (from the end past the middle)
        monkeypatch.setattr(CappedPaginator, "deferred_from", deferred_from)
        pages[deferred_from] = [
            _rows(client.get("/candidates/", {"page": p, "sort": sort}).content.decode()) for p in (1, 2, 3)
        ]
    assert pages[1] == pages[10**9]
    assert [len(rows) for rows in pages[1]] == [50, 50, 30]
    assert len({row for rows in pages[1] for row in rows}) == 130
    if sort in ("-status", "-year"):  # every row ties: the key runs the way the column does
        keys = [int(row) for rows in pages[1] for row in rows]
        assert keys == sorted(keys, reverse=True)


def test_fixed_choices_are_shared_by_every_copy_of_a_form():
    choices = FixedChoices([(1, "Xã Một"), (2, "Xã Hai")])
    assert copy.deepcopy(choices) is choices
    assert list(choices) == [(1, "Xã Một"), (2, "Xã Hai")] and len(choices) == 2


def test_the_review_queue_count_follows_an_approval(client, staff, union_a):
    nominations = [make_nomination(union=union_a, full_name=f"Giàng Thị Chờ {n}") for n in range(3)]

    def queue_count():
        page = client.get("/candidates/review/").content.decode()
        return int(re.search(r'data-testid="queue-count">(\d+)<', page).group(1))

    client.force_login(staff)
    assert queue_count() == 3
    assert queue_count() == 3
    client.post("/candidates/review/", {"selected": [nominations[0].pk]})
    assert queue_count() == 2
