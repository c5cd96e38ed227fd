"""Reports at any level: the five reports besides the quota report, made for a federation with
federations below it, have a subtotal row per federation directly below (named in its first text
cell), each adding up that federation's rows, the subtotals adding up to "Tổng cộng"; the
Tiên Lãng rows of the city's report are the district's own report; the issuer and "Nơi nhận"
come from the level that issues it."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest

from candidates import services as candidate_services
from candidates.models import STAGE, Introduction, Nomination, Status
from classes import services
from classes.models import Enrollment, Result
from tests import factories
from tests.factories import get_user
from unions.models import Federation, GrassrootsUnion, Role

pytestmark = pytest.mark.django_db

CITY = "Liên đoàn Lao động thành phố Hải Phòng"
TIEN_LANG = "Liên đoàn Lao động huyện Tiên Lãng"
VINH_BAO = "Liên đoàn Lao động huyện Vĩnh Bảo"
VB_PEOPLE = ["Âu Thị Thử Vân", "Bế Văn Thử Nam"]
VB_INTRODUCED = "Cù Thị Thử Hạnh"


# --- reading the files back -------------------------------------------------------------


def sheets(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content), data_only=True).worksheets


def first_text(row):
    return next((v for v in row if isinstance(v, str)), None)


def split_table(sheet, labels: set[str]):
    """(data rows, {subtotal label: row}, totals row) of the sheet's (first) numbered table."""
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r and r[0] == "(1)") + 1
    body, subtotals = [], {}
    for row in rows[start:]:
        text = first_text(row)
        if text == "Tổng cộng":
            return body, subtotals, row
        if text in labels:
            assert text not in subtotals, f"two subtotal rows for {text}"
            subtotals[text] = row
        else:
            assert not subtotals, f"a data row after the subtotals: {row}"
            body.append(row)
    raise AssertionError("no Tổng cộng row")


def all_texts(content: bytes) -> list[str]:
    return [
        v for sheet in sheets(content) for row in sheet.iter_rows(values_only=True) for v in row if isinstance(v, str)
    ]


def branch_names() -> dict[int, str]:
    """Each federation under the city → the name of the federation directly below the city it is in."""
    city = Federation.objects.get(name=CITY)
    parent = dict(Federation.objects.values_list("pk", "parent_id"))
    names = dict(Federation.objects.values_list("pk", "name"))
    result = {}
    for pk in parent:
        node = pk
        while node is not None and parent.get(node) != city.pk:
            node = parent.get(node)
        if node is not None:
            result[pk] = names[node]
    return result


def labels() -> set[str]:
    city = Federation.objects.get(name=CITY)
    return set(Federation.objects.filter(parent=city).values_list("name", flat=True))


def download(client, username: str, kind: str, year: int) -> bytes:
    client.force_login(get_user(username))
    response = client.get(f"/reports/{kind}.xlsx?year={year}")
    assert response.status_code == 200, (username, kind, response.status_code)
    return response.content


def number(value) -> int:
    return value or 0


# --- the second district's 2022, next to Tiên Lãng's ---------------------------------------


@pytest.fixture
def vinh_bao_2022(demo):
    """Two learners of the second district in a 2022 class of its own (one passed, both paid), and
    one of its people introduced to a commune committee that Tiên Lãng introduced people to as well.
    Their nominations carry the district federation of their date (the unions are under the
    commune-level union since the reform)."""
    staff = get_user("canbo.thanhpho")
    vinh_bao = Federation.objects.get(name=VINH_BAO)
    unions = list(GrassrootsUnion.objects.filter(code__in=["CD-VB-01", "CD-VB-02"]).order_by("code"))
    klass = factories.make_class(vinh_bao, name="Lớp bồi dưỡng nhận thức về Đảng huyện Vĩnh Bảo 2022")
    policy = factories.make_policy(vinh_bao, name="Hỗ trợ học viên Vĩnh Bảo 2022")
    learners = []
    for union, name in zip(unions, VB_PEOPLE, strict=True):
        nomination = factories.make_nomination(union, year=2022, user=staff, full_name=name)
        Nomination.objects.filter(pk=nomination.pk).update(federation=vinh_bao)
        nomination.refresh_from_db()
        nomination = candidate_services.move(nomination, Status.APPROVED, staff)
        learners.append(services.enrol(klass, [nomination], staff, on=klass.opens_on)[0])
    closes = klass.closes_on
    services.record_results(
        klass, [services.ResultInput(learners[0].pk, Result.PASSED, "VB-01/GCN", closes, row=1)], staff
    )
    services.pay_stipends(klass, [e.pk for e in learners], policy, staff, voucher_number="PC-VB-01", paid_on=closes)
    introduced = factories.make_nomination(unions[0], year=2022, user=staff, full_name=VB_INTRODUCED)
    receiving = Introduction.objects.filter(nomination__year=2022).order_by("pk").first().receiving_organization
    Nomination.objects.filter(pk=introduced.pk).update(
        federation=vinh_bao, status=Status.INTRODUCED, stage=STAGE[Status.INTRODUCED]
    )
    Introduction.objects.create(
        nomination=introduced,
        resolution_number="07/NQ-CĐCS",
        resolution_date=datetime.date(2022, 6, 1),
        meeting_date=datetime.date(2022, 6, 1),
        committee_total=5,
        committee_present=5,
        votes_for=5,
        receiving_organization=receiving,
        co_introducer_name="Đảng Viên Thử Nghiệm",
        co_introducer_worked_since=datetime.date(2019, 1, 1),
    )
    return {"class": klass, "receiving": receiving}


# --- roster -------------------------------------------------------------------------------


def test_the_city_roster_has_a_subtotal_per_federation_below_that_adds_up(client, vinh_bao_2022):
    content = download(client, "canbo.thanhpho", "roster", 2022)
    body, subtotals, totals = split_table(sheets(content)[0], labels())
    assert set(subtotals) == {TIEN_LANG, VINH_BAO}, "a subtotal per federation below with learners that year"
    of_person = {
        e.nomination.person.full_name: branch_names()[e.nomination.federation_id]
        for e in Enrollment.objects.filter(training_class__year=2022).select_related("nomination__person")
    }
    for label, subtotal in subtotals.items():
        rows = [r for r in body if of_person[r[1]] == label]
        assert subtotal[1] == len(rows), label  # learners, under the total's count
        assert subtotal[6] == sum(r[6] == "Đạt" for r in rows), label
        assert subtotal[7] == sum(bool(r[7]) for r in rows), label
        assert subtotal[4] == label  # named in the union column
    for index in (1, 6, 7):
        assert sum(s[index] for s in subtotals.values()) == totals[index]
    # Each federation's learners together, Tiên Lãng's as in the district's own roster.
    branches = [of_person[r[1]] for r in body]
    assert branches == sorted(branches, key=[TIEN_LANG, VINH_BAO].index)
    _d_body, d_subtotals, d_totals = split_table(sheets(download(client, "canbo", "roster", 2022))[0], labels())
    assert not d_subtotals
    assert [r[1:] for r in body if of_person[r[1]] == TIEN_LANG] == [r[1:] for r in _d_body]
    assert subtotals[TIEN_LANG][1] == d_totals[1] == 47


# --- stipends -----------------------------------------------------------------------------


def test_the_city_stipends_have_a_subtotal_per_federation_below_on_both_sheets(client, vinh_bao_2022):
    content = download(client, "canbo.thanhpho", "stipends", 2022)
    signing, budget = sheets(content)[:2]
    body, subtotals, totals = split_table(signing, labels())
    assert set(subtotals) == {TIEN_LANG, VINH_BAO}
    of_person = {
        n.person.full_name: branch_names()[n.federation_id]
        for n in Nomination.objects.filter(year=2022).select_related("person")
    }
    for label, subtotal in subtotals.items():
        rows = [r for r in body if of_person[r[1]] == label]
        assert subtotal[1] == label
        assert subtotal[2] == len(rows), label  # people, in the column of the total's count
        assert subtotal[3] == sum(r[3] for r in rows), label
    assert sum(s[2] for s in subtotals.values()) == totals[2]
    assert sum(s[3] for s in subtotals.values()) == totals[3]
    assert subtotals[VINH_BAO][2] == 2 and subtotals[VINH_BAO][3] == 6_000_000
    district = sheets(download(client, "canbo", "stipends", 2022))
    d_body, d_subtotals, d_totals = split_table(district[0], labels())
    assert not d_subtotals
    # (The note names the class too, where the city's list holds several classes.)
    assert [r[1:5] for r in body if of_person[r[1]] == TIEN_LANG] == [r[1:5] for r in d_body]
    assert subtotals[TIEN_LANG][3] == d_totals[3]
    # The budget sheet: a section per federation below, adding up to the total.
    rows = [list(r) for r in budget.iter_rows(values_only=True)]
    heading = next(i for i, r in enumerate(rows) if r[1] == "Theo liên đoàn cấp dưới")
    total = next(r for r in rows if first_text(r) == "Tổng cộng")
    section = {}
    for row in rows[heading + 1 :]:
        if first_text(row) == "Tổng cộng":
            break
        section[row[1]] = row
    assert set(section) == {TIEN_LANG, VINH_BAO}
    for index in (3, 4, 5):  # committed, paid, outstanding
        assert rows[heading][index] == sum(r[index] for r in section.values()) == total[index]
    d_total = next(r for r in district[1].iter_rows(values_only=True) if first_text(r) == "Tổng cộng")
    assert section[TIEN_LANG][2:6] == list(d_total[2:6])
    assert "Theo liên đoàn cấp dưới" not in all_texts(download(client, "canbo", "stipends", 2022))


# --- introductions ------------------------------------------------------------------------


def test_the_city_introductions_group_each_list_by_federation_below(client, vinh_bao_2022):
    content = download(client, "canbo.thanhpho", "introductions", 2022)
    of_person = {
        n.person.full_name: branch_names()[n.federation_id]
        for n in Nomination.objects.filter(year=2022).select_related("person")
    }
    district = {s.title: s for s in sheets(download(client, "canbo", "introductions", 2022))}
    shared = vinh_bao_2022["receiving"].name
    seen = set()
    for sheet in sheets(content):
        body, subtotals, totals = split_table(sheet, labels())
        assert set(subtotals) == {of_person[r[1]] for r in body}, sheet.title
        for label, subtotal in subtotals.items():
            assert subtotal[0] == sum(of_person[r[1]] == label for r in body), (sheet.title, label)
        assert sum(s[0] for s in subtotals.values()) == totals[0] == len(body)
        assert [r[0] for r in body] == list(range(1, len(body) + 1))  # numbered from 1 in each list
        seen.add(sheet.title)
        d_body, d_subtotals, _d_totals = split_table(district[sheet.title], labels())
        assert not d_subtotals
        assert [r[1:] for r in body if of_person[r[1]] == TIEN_LANG] == [r[1:] for r in d_body]
        if sheet.title == shared[:31] or shared.startswith(sheet.title):
            assert set(subtotals) == {TIEN_LANG, VINH_BAO}
            assert subtotals[VINH_BAO][0] == 1
    assert seen == set(district)


# --- coverage -----------------------------------------------------------------------------


COVERAGE_FIGURES = range(2, 9)


def test_the_city_coverage_has_a_subtotal_per_federation_that_held_the_enterprises(client, demo):
    content = download(client, "canbo.thanhpho", "coverage", 2022)
    district = sheets(download(client, "canbo", "coverage", 2022))
    for sheet, d_sheet in zip(sheets(content), district, strict=True):
        _body, subtotals, totals = split_table(sheet, labels())
        # In 2022 the enterprises were held by the two districts (their periods, before the reform).
        assert set(subtotals) == {TIEN_LANG, VINH_BAO}, sheet.title
        for index in COVERAGE_FIGURES:
            assert sum(number(s[index]) for s in subtotals.values()) == totals[index], (sheet.title, index)
        _d_body, d_subtotals, d_totals = split_table(d_sheet, labels())
        assert not d_subtotals
        assert subtotals[TIEN_LANG][2:9] == list(d_totals[2:9])
        assert subtotals[VINH_BAO][2] == 3  # its three enterprises
    # After the reform, the same enterprises are counted under the commune-level unions.
    later = sheets(download(client, "canbo.thanhpho", "coverage", 2026))[0]
    _body, subtotals, totals = split_table(later, labels())
    assert TIEN_LANG not in subtotals and "Công đoàn xã Vĩnh Bảo" in subtotals
    assert sum(s[2] for s in subtotals.values()) == totals[2]


# --- history ------------------------------------------------------------------------------


HISTORY_FIGURES = range(1, 15)


def test_the_city_history_has_a_subtotal_per_federation_below_that_adds_up(client, demo):
    content = download(client, "canbo.thanhpho", "history", 2026)
    body, subtotals, totals = split_table(sheets(content)[0], labels())
    assert set(subtotals) == {TIEN_LANG, VINH_BAO, "Công đoàn xã Vĩnh Bảo"}
    for index in HISTORY_FIGURES:
        assert sum(number(s[index]) for s in subtotals.values()) == number(totals[index]), index
    by_year = {r[0]: r for r in body}
    # Each nomination under the federation of its date: 2022 Tiên Lãng, 2024–2025 Vĩnh Bảo, 2026 the commune.
    assert subtotals[TIEN_LANG][1:15] == by_year[2022][1:15]
    assert subtotals[VINH_BAO][1] == number(by_year[2024][1]) + number(by_year[2025][1]) == 4
    assert subtotals["Công đoàn xã Vĩnh Bảo"][1] == by_year[2026][1] == 3
    # Tiên Lãng's records are the district's own 2022 row.
    d_body, d_subtotals, _ = split_table(sheets(download(client, "canbo", "history", 2026))[0], labels())
    assert not d_subtotals
    assert [r for r in d_body if r[0] == 2022][0][1:15] == subtotals[TIEN_LANG][1:15]


# --- scope, issuer and recipients -----------------------------------------------------------


@pytest.mark.parametrize("kind", ["roster", "stipends", "introductions", "coverage", "history"])
def test_a_commune_level_union_gets_no_other_federation_s_rows(client, vinh_bao_2022, kind):
    commune = Federation.objects.get(name="Công đoàn xã Tiên Lãng")
    staff = factories.make_user(Role.STAFF, federation=commune)
    own_unions = set(GrassrootsUnion.objects.filter(federation=commune).values_list("name", flat=True))
    others = set(GrassrootsUnion.objects.exclude(federation=commune).values_list("name", flat=True))
    client.force_login(staff)
    for year in (2022, 2026):
        texts = all_texts(client.get(f"/reports/{kind}.xlsx?year={year}").content)
        assert not others.intersection(texts), (kind, year)
        assert not {*VB_PEOPLE, VB_INTRODUCED}.intersection(texts), (kind, year)
        assert not labels().intersection(texts), (kind, year)  # no federation below it: no subtotal
        assert "CÔNG ĐOÀN XÃ TIÊN LÃNG" in texts and "LIÊN ĐOÀN LAO ĐỘNG THÀNH PHỐ HẢI PHÒNG" in texts
    if kind == "coverage":
        assert own_unions  # it holds Tiên Lãng's former unions now


def _recipients(content: bytes, index: int = 0) -> list[str]:
    sheet = sheets(content)[index]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r[0] == "Nơi nhận:")
    found = []
    for row in rows[start + 1 :]:
        if isinstance(row[0], str) and row[0].startswith("- "):
            found.append(row[0][2:].rstrip(";"))
    return found


def test_the_issuer_and_recipients_come_from_the_level_that_issues(client, demo):
    # The district, as it always printed them.
    district = download(client, "canbo", "quota", 2022)
    assert _recipients(district) == ["Thường trực Huyện ủy", "Ban Tổ chức Huyện ủy", "LĐLĐ thành phố", "Lưu VP"]
    # The city: its own Party committee, no federation above it in the tree.
    city = download(client, "canbo.thanhpho", "quota", 2022)
    assert _recipients(city) == ["Thường trực Thành ủy", "Lưu VP"]
    texts = all_texts(city)
    assert "LIÊN ĐOÀN LAO ĐỘNG THÀNH PHỐ HẢI PHÒNG" in texts and "LIÊN ĐOÀN LAO ĐỘNG HUYỆN TIÊN LÃNG" not in texts
    assert any(t.startswith("Hải Phòng, ngày") for t in texts)
    for kind in ("coverage", "history"):
        assert _recipients(download(client, "canbo.thanhpho", kind, 2022)) == ["Thường trực Thành ủy", "Lưu VP"]
    # A commune-level union: the city federation above it.
    commune = Federation.objects.get(name="Công đoàn xã Tiên Lãng")
    client.force_login(factories.make_user(Role.STAFF, federation=commune))
    assert _recipients(client.get("/reports/quota.xlsx?year=2026").content) == ["LĐLĐ thành phố", "Lưu VP"]
    # The introductions: the receiving organisation, then the committee's board (or the committee).
    names = _recipients(download(client, "canbo", "introductions", 2022))
    assert names[1:] == ["Ban Tổ chức Huyện ủy", "Lưu VP"] and names[0].endswith("(để xem xét)")
    names = _recipients(download(client, "canbo.thanhpho", "introductions", 2022))
    assert names[1:] == ["Thường trực Thành ủy", "Lưu VP"] and names[0].endswith("(để xem xét)")
    # The roster and the stipends: the committee's board, or where the area has none the committee.
    assert _recipients(download(client, "canbo", "roster", 2022)) == ["Ban Tổ chức Huyện ủy Tiên Lãng", "Lưu: VT"]
    budget = _recipients(download(client, "canbo.thanhpho", "stipends", 2022), index=1)
    assert budget == ["Thành ủy Hải Phòng", "Lưu: VT"]


@pytest.mark.parametrize("kind", ["roster", "stipends", "introductions", "coverage", "history"])
def test_a_subtotal_row_is_boxed_across_the_table_like_the_total(client, vinh_bao_2022, kind):
    content = download(client, "canbo.thanhpho", kind, 2026 if kind == "history" else 2022)
    names = labels()
    found = 0
    for index, sheet in enumerate(openpyxl.load_workbook(io.BytesIO(content)).worksheets):
        header = next((r for r in sheet.iter_rows() if r[0].value == "(1)"), None)
        if header is None:
            continue
        width = sum(1 for cell in header if cell.value)
        for row in sheet.iter_rows(min_row=header[0].row + 1):
            if first_text([c.value for c in row]) in names:
                found += 1
                cells = row[:width]
                assert all(c.border.left.style == "thin" and c.border.bottom.style == "thin" for c in cells), kind
                # Bold, as the total (the budget sheet's rows per federation are its section's rows).
                if index == 0:
                    assert all(c.font.b for c in cells if c.value is not None), kind
    assert found >= 2, kind
