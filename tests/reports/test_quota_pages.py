"""The quota form a page of unions at a time: a federation of thousands of unions (a province,
the nation) sets its quotas 50 unions to a page, found by name; a save writes the rows shown and
no other, and two offices saving different pages at once both keep what they typed."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from reports.models import FederationTarget, UnionQuota
from reports.views import QUOTA_PAGE_SIZE
from tests import factories
from tests.reports.test_newyear import quota_post

pytestmark = pytest.mark.django_db

YEAR = 2026


@pytest.fixture
def many_unions(federation):
    """60 unions of the federation, named in order (Công đoàn Số 01 … 60), one elsewhere."""
    return [
        factories.make_union(federation=federation, code=f"CD-S{n:02d}", name=f"Công đoàn Số {n:02d}")
        for n in range(1, 61)
    ]


def shown(page) -> list[int]:
    return [form.initial["union_id"] for form in page.context["formset"]]


def post_page(client, page, values: dict[int, str], url: str):
    """Save the page as a browser would: every row shown, `values` typed into some of them."""
    rows = [(union_id, values.get(union_id, "")) for union_id in shown(page)]
    targets = {"t-plan": "", "t-introductions": 0}  # the federation's targets as shown (all 0)
    return client.post(url, quota_post(rows, fingerprint=page.context["fingerprint"], **targets))


def test_the_quota_form_shows_the_unions_a_page_at_a_time_in_name_order(client, staff, many_unions):
    client.force_login(staff)
    first = client.get(f"/reports/quotas/?year={YEAR}")
    second = client.get(f"/reports/quotas/?year={YEAR}&page=2")
    assert shown(first) == [u.pk for u in many_unions[:QUOTA_PAGE_SIZE]]
    assert shown(second) == [u.pk for u in many_unions[QUOTA_PAGE_SIZE:]]
    text = second.content.decode()
    assert "Trang 2/2" in text and "Công đoàn cơ sở 51–60 trong 60" in text
    assert "chưa giao: 60" in text  # the counts are of every union, not of the page


def test_saving_a_page_writes_its_rows_and_leaves_the_other_pages_quotas(client, staff, many_unions):
    client.force_login(staff)
    UnionQuota.objects.create(union=many_unions[0], year=YEAR, introduce=3)
    url = f"/reports/quotas/?year={YEAR}&page=2"
    page = client.get(url)
    response = post_page(client, page, {many_unions[55].pk: "2", many_unions[59].pk: "0"}, url)
    assert response.status_code == 302 and response["Location"].endswith("?year=2026&page=2")
    saved = dict(UnionQuota.objects.filter(year=YEAR).values_list("union__code", "introduce"))
    assert saved == {"CD-S01": 3, "CD-S56": 2, "CD-S60": 0}  # page 1's quota kept although not posted
    text = client.get(f"/reports/quotas/?year={YEAR}").content.decode()
    assert 'data-testid="quota-sum">5<' in text  # the total of every page's saved quotas
    assert "Đã giao: 3 công đoàn cơ sở, chưa giao: 57" in text


def test_the_quota_form_finds_unions_by_name_without_accents(client, staff, federation, many_unions):
    port = factories.make_union(federation=federation, code="CD-CANG", name="Công đoàn Cảng Đình Vũ")
    client.force_login(staff)
    page = client.get(f"/reports/quotas/?year={YEAR}&q=dinh+vu")
    assert shown(page) == [port.pk]
    nothing = client.get(f"/reports/quotas/?year={YEAR}&q=khong+co").content.decode()
    assert "Không có công đoàn cơ sở nào có tên khớp “khong co”" in nothing


def test_two_offices_saving_different_pages_at_once_both_keep_what_they_typed(client, staff, federation, many_unions):
    other = Client()
    other.force_login(factories.make_user("leadership", federation=federation, username="leader2"))
    client.force_login(staff)
    FederationTarget.objects.create(federation=federation, year=YEAR)  # the targets both forms show, unchanged
    first_url, second_url = f"/reports/quotas/?year={YEAR}", f"/reports/quotas/?year={YEAR}&page=2"
    first, second = client.get(first_url), other.get(second_url)
    assert post_page(client, first, {many_unions[0].pk: "4"}, first_url).status_code == 302
    assert post_page(other, second, {many_unions[50].pk: "6"}, second_url).status_code == 302
    saved = dict(UnionQuota.objects.filter(year=YEAR).values_list("union__code", "introduce"))
    assert saved == {"CD-S01": 4, "CD-S51": 6}


def test_a_save_of_a_page_someone_changed_meanwhile_is_refused(client, staff, federation, many_unions):
    other = Client()
    other.force_login(factories.make_user("leadership", federation=federation, username="leader2"))
    client.force_login(staff)
    url = f"/reports/quotas/?year={YEAR}"
    mine, theirs = client.get(url), other.get(url)
    assert post_page(other, theirs, {many_unions[1].pk: "9"}, url).status_code == 302
    refused = post_page(client, mine, {many_unions[0].pk: "4"}, url)
    assert refused.status_code == 200 and "vừa được người khác sửa; chưa lưu gì" in refused.content.decode()
    assert dict(UnionQuota.objects.filter(year=YEAR).values_list("union__code", "introduce")) == {"CD-S02": 9}


def test_a_page_of_the_quota_form_reads_the_same_queries_for_10_or_60_unions(client, staff, federation):
    client.force_login(staff)

    def queries_with(count: int) -> int:
        for n in range(count - federation.unions.count()):
            union = factories.make_union(federation=federation, name=f"Công đoàn Đếm {count:02d}{n:02d}")
            UnionQuota.objects.create(union=union, year=YEAR, introduce=1)
        client.get(f"/reports/quotas/?year={YEAR}")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/reports/quotas/?year={YEAR}").status_code == 200
        return len(queries)

    assert queries_with(10) == queries_with(60)
