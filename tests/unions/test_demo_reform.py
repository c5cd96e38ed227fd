"""The demo shows both worlds: Tiên Lãng's 2022 as it was, the reform of 01/07/2025 as applied
operations, and 2026 under the new structure."""

from __future__ import annotations

import datetime

import pytest

from candidates.models import Nomination
from reports.queries import Scope, quota_report
from tests.factories import get_user
from unions.models import Federation, GrassrootsUnion, PartyOrganization, Reorganisation

pytestmark = pytest.mark.django_db

REFORM = datetime.date(2025, 7, 1)
TIEN_LANG = "Liên đoàn Lao động huyện Tiên Lãng"


def test_the_reform_is_in_the_demo_as_applied_operations(demo):
    applied = Reorganisation.objects.filter(state=Reorganisation.State.APPLIED, effective_on=REFORM)
    assert {str(r.source) for r in applied} == {TIEN_LANG, "Liên đoàn Lao động huyện Vĩnh Bảo", "Huyện ủy Tiên Lãng"}
    assert all(r.applied_by.username == "canbo.thanhpho" for r in applied)
    tien_lang = Federation.objects.get(name=TIEN_LANG)
    assert tien_lang.retired_on == REFORM and not tien_lang.unions.exists()
    city = Federation.objects.get(name="Liên đoàn Lao động thành phố Hải Phòng")
    sunvigo = GrassrootsUnion.objects.get(code="CD-SUNVIGO")
    assert sunvigo.federation.name == "Công đoàn xã Tiên Lãng" and sunvigo.federation.parent == city
    assert GrassrootsUnion.objects.get(code="CD-PHUCTHUAN").federation.name == "Công đoàn xã Tiên Minh"
    # The chairs moved with their unions; the commune Party committees are under the city committee.
    assert get_user("chutich.sunvigo").profile.federation == sunvigo.federation
    assert PartyOrganization.objects.filter(kind="commune", parent__name="Thành ủy Hải Phòng").count() == 21
    # Nothing of 2022 moved: every 2022 nomination is still Tiên Lãng's.
    assert set(Nomination.objects.filter(year=2022).values_list("federation__name", flat=True)) == {TIEN_LANG}


def test_canbo_keeps_the_district_s_2022_and_sees_what_it_handed_over(demo):
    canbo = get_user("canbo")
    scope = Scope(user=canbo)
    assert scope.issuing_federation().name == TIEN_LANG
    report = quota_report(scope, 2022)
    assert len(report.rows) == 34 and report.totals.nominated == 63 and not report.subtotals
    assert GrassrootsUnion.objects.for_user(canbo).count() == 34  # under the three commune-level unions
    assert not Nomination.objects.for_user(canbo).filter(year=2026).exists()  # not the other district's


def test_the_city_report_of_2022_adds_up_by_federation(demo):
    city = quota_report(Scope(user=get_user("canbo.thanhpho")), 2022)
    district = quota_report(Scope(user=get_user("canbo")), 2022)
    by_name = {row.name: row for row in city.subtotals}
    assert by_name[TIEN_LANG].nominated == district.totals.nominated == 63
    assert by_name[TIEN_LANG].quota == district.totals.quota
    for field in ("quota", "nominated", "approved", "enrolled", "introduced", "admitted"):
        assert sum(getattr(row, field) for row in city.subtotals) == getattr(city.totals, field), field
    tien_lang_rows = [r for r in city.rows if r.federation_id == Federation.objects.get(name=TIEN_LANG).pk]
    assert [(r.code, r.nominated, r.quota) for r in tien_lang_rows] == [
        (r.code, r.nominated, r.quota) for r in district.rows
    ]


def test_2026_runs_under_the_new_structure(demo):
    city_staff = get_user("canbo.thanhpho")
    new = Nomination.objects.for_user(city_staff).filter(year=2026)
    assert new.count() == 3
    assert set(new.values_list("federation__name", flat=True)) == {"Công đoàn xã Vĩnh Bảo"}
    before = Nomination.objects.for_user(city_staff).filter(union__code__startswith="CD-VB-", year__lt=2026)
    assert set(before.values_list("federation__name", flat=True)) == {"Liên đoàn Lao động huyện Vĩnh Bảo"}
    report = quota_report(Scope(user=city_staff), 2026)
    assert report.totals.nominated == 3
    assert sum(row.nominated for row in report.subtotals) == 3


def test_the_district_party_reader_still_reads_its_communes(demo):
    from unions.querysets import party_organization_ids

    huyenuy = get_user("huyenuy")
    ids = set(party_organization_ids(huyenuy.profile))
    communes = set(PartyOrganization.objects.filter(kind="commune").values_list("pk", flat=True))
    assert communes <= ids
    thanhuy = get_user("thanhuy")
    assert communes <= set(party_organization_ids(thanhuy.profile))


def test_the_2022_workbook_after_the_reform_is_still_issued_by_the_district(client, demo):
    import io

    import openpyxl

    client.force_login(get_user("canbo"))
    response = client.get("/reports/quota.xlsx?year=2022")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    head = [str(cell.value) for row in sheet.iter_rows(max_row=6) for cell in row if cell.value]
    assert "LIÊN ĐOÀN LAO ĐỘNG HUYỆN TIÊN LÃNG" in head
    assert not any("CÔNG ĐOÀN XÃ" in text.upper() for text in head)


def test_the_district_party_reader_s_totals_follow_what_tien_lang_handed_over(demo):
    scope = Scope(user=get_user("huyenuy"))
    assert (scope.enterprises().count(), scope.unions().count()) == (104, 34)
    assert quota_report(scope, 2022).totals.nominated == 63


def test_an_operator_s_run_for_the_ended_district_still_covers_its_register(demo):
    """`manage.py export_report` for Tiên Lãng after the reform: its 2022 and the register it handed over."""
    scope = Scope(federation=Federation.objects.get(name=TIEN_LANG))
    assert scope.enterprises().count() == 104
    assert quota_report(scope, 2022).totals.nominated == 63
