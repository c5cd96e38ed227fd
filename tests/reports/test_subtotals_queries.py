"""The subtotals cost no query per federation below: a city's five reports take the same number of
queries with the demo's federations below it and with several more, each with its own learners,
stipends and introductions."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from candidates import services as candidate_services
from candidates.models import STAGE, Introduction, Nomination, Status
from classes import services
from tests import factories
from tests.factories import get_user
from tests.reports.test_subtotals import all_texts
from unions.models import Federation, PartyOrganization

pytestmark = pytest.mark.django_db

KINDS = ["roster", "stipends", "introductions", "coverage", "history"]
# Pinned: the same at both sizes (see the test); a change here is a change in the reports' queries.
MAX_QUERIES = {"roster": 15, "stipends": 21, "introductions": 13, "coverage": 15, "history": 14}


def add_districts(count: int) -> None:
    """`count` more district federations under the city, each with a union, a learner paid in a 2022
    class of its own, and a person introduced to a commune committee in 2022."""
    city = Federation.objects.get(name="Liên đoàn Lao động thành phố Hải Phòng")
    receiving = PartyOrganization.objects.filter(kind="commune").order_by("pk").first()
    for n in range(count):
        staff = get_user("canbo.thanhpho")  # read again: its scope is kept per read of the user
        federation = factories.make_federation(name=f"Liên đoàn Lao động huyện Thử Nghiệm {n}", parent=city)
        enterprise = factories.make_enterprise(federation=federation)
        union = factories.make_union(federation=federation, enterprise=enterprise)
        klass = factories.make_class(federation)
        policy = factories.make_policy(federation)
        nomination = factories.make_nomination(union, year=2022, user=staff, full_name=f"Người Thử Quy Mô {n}")
        nomination = candidate_services.move(nomination, Status.APPROVED, staff)
        learner = services.enrol(klass, [nomination], staff, on=klass.opens_on)[0]
        services.pay_stipends(klass, [learner.pk], policy, staff, voucher_number=f"PC-QM-{n}", paid_on=klass.closes_on)
        introduced = factories.make_nomination(union, year=2022, user=staff, full_name=f"Người Giới Thiệu Thử {n}")
        Nomination.objects.filter(pk=introduced.pk).update(status=Status.INTRODUCED, stage=STAGE[Status.INTRODUCED])
        Introduction.objects.create(
            nomination=introduced,
            resolution_number=f"{n:02d}/NQ-CĐCS",
            resolution_date=datetime.date(2022, 6, 1),
            meeting_date=datetime.date(2022, 6, 1),
            committee_total=5,
            committee_present=5,
            votes_for=5,
            receiving_organization=receiving,
            co_introducer_name="Đảng Viên Thử Nghiệm",
            co_introducer_worked_since=datetime.date(2019, 1, 1),
        )


def count_queries(client, kind: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/reports/{kind}.xlsx?year=2022")
    assert response.status_code == 200
    return len(captured)


def test_the_city_s_subtotals_take_no_query_per_federation_below(client, demo, django_assert_max_num_queries):
    client.force_login(get_user("canbo.thanhpho"))
    client.get("/")  # the session's first save (its idle limit renewed) is not the reports' work
    small = {}
    for kind in KINDS:
        with django_assert_max_num_queries(MAX_QUERIES[kind]):
            small[kind] = count_queries(client, kind)
    add_districts(4)
    for kind in KINDS:
        with django_assert_max_num_queries(MAX_QUERIES[kind]):
            large = count_queries(client, kind)
        assert large == small[kind], (kind, small[kind], large)
        texts = all_texts(client.get(f"/reports/{kind}.xlsx?year=2022").content)
        for n in range(4):  # a subtotal row for each
            assert f"Liên đoàn Lao động huyện Thử Nghiệm {n}" in texts, (kind, n)


@pytest.mark.parametrize("username,year", [("canbo.thanhpho", 2026), ("canbo.thanhpho", 2022), ("canbo", 2022)])
def test_totals_summed_from_held_rows_equal_the_database_s_sums(demo, username, year):
    """The dashboard holds the rows and sums them; the workbook asks the database: the same figures,
    unions that changed hands in the year included."""
    from reports.queries import COUNT_FIELDS, Scope, quota_report  # noqa: PLC0415

    user = factories.get_user(username)

    def figures(row):
        return (row.name, row.quota, *(getattr(row, name) for name in COUNT_FIELDS))

    asked = quota_report(Scope(user=user), year)
    held = quota_report(Scope(user=user), year)
    assert held.rows, "the demo has unions in that year"
    assert figures(held.totals) == figures(asked.totals)
    assert [figures(r) for r in held.subtotals] == [figures(r) for r in asked.subtotals]
    assert "rows" not in asked.__dict__, "the totals alone never read the rows"
