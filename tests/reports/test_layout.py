"""The document layout's rules that print: sheet names, row heights, cached values, one list per organisation."""

from __future__ import annotations

import io

import openpyxl
import pytest

from candidates import services
from candidates.models import Introduction, Status
from tests import factories
from tests.factories import make_nomination
from tienlang.lib.document import sheet_name
from tienlang.lib.textmetrics import text_width, wrapped_lines


def test_sheet_names_are_cut_at_a_word_boundary_and_stay_unique():
    long = "Tổng hợp kết quả giới thiệu đoàn viên ưu tú cho Đảng"
    name = sheet_name(long)
    assert len(name) <= 31 and long.startswith(name) and long[len(name)] == " "
    assert sheet_name(long, [name]) != name and len(sheet_name(long, [name])) <= 31
    assert sheet_name("Đảng ủy xã A/B: [1]") == "Đảng ủy xã A B 1"


def test_wrapped_lines_follow_times_new_roman_widths():
    assert 50 < text_width("Tổng cộng", 12, bold=True) < 60
    name = "Công đoàn Công ty Cổ phần Đồ chơi thông minh SunVigo Việt Nam"
    assert wrapped_lines(name, 1000) == 1
    assert wrapped_lines(name, 150) >= 2


def introduce(nomination, staff, receiving, number):
    for status in (Status.APPROVED, Status.ENROLLED, Status.COMPLETED, Status.INTRODUCED):
        services.move(nomination, status, staff)
    Introduction.objects.create(
        nomination=nomination,
        resolution_number=number,
        resolution_date="2022-05-20",
        meeting_date="2022-05-18",
        committee_total=5,
        committee_present=5,
        votes_for=5,
        receiving_organization=receiving,
        co_introducer_name="Phạm Văn Giới",
        co_introducer_worked_since="2020-01-01",
    )


@pytest.mark.django_db
def test_each_receiving_organisation_gets_its_own_list_and_its_own_download(client, staff, union_a, chair_a):
    first = factories.make_party_organization(name="Đảng ủy xã Thử Một")
    second = factories.make_party_organization(name="Đảng ủy xã Thử Hai")
    for index, receiving in enumerate([first, second, first]):
        introduce(make_nomination(union=union_a, full_name=f"Người Thử {index}"), staff, receiving, f"0{index}/NQ")
    client.force_login(staff)
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/reports/introductions.xlsx?year=2022").content))
    assert workbook.sheetnames == ["Đảng ủy xã Thử Hai", "Đảng ủy xã Thử Một"]
    cached = openpyxl.load_workbook(
        io.BytesIO(client.get("/reports/introductions.xlsx?year=2022").content), data_only=True
    )
    for sheet, count in zip(workbook, (1, 2), strict=True):
        rows = list(sheet.iter_rows(values_only=True))
        texts = [v for row in rows for v in row if isinstance(v, str)]
        assert f"Kính gửi: {sheet.title}" in texts and f"- {sheet.title} (để xem xét);" in texts
        numbers = [row[0] for row in rows if isinstance(row[0], int) and isinstance(row[1], str)]
        assert numbers == list(range(1, count + 1))  # numbering from 1 on each list
        totals = next(row for row in rows if "Tổng cộng" in row)
        assert str(totals[0]).startswith("=COUNT(")
        cached_totals = next(row for row in cached[sheet.title].iter_rows(values_only=True) if "Tổng cộng" in row)
        assert cached_totals[0] == count
        assert "TM. BAN THƯỜNG VỤ" in texts
    # One organisation's list alone, from its page in the Party organisation list.
    listing = client.get("/unions/party-organizations/").content.decode()
    assert f"/reports/introductions.xlsx?organisation={second.pk}" in listing
    one = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/reports/introductions.xlsx?year=2022&organisation={second.pk}").content)
    )
    assert one.sheetnames == ["Đảng ủy xã Thử Hai"]
    assert client.get("/reports/introductions.xlsx?year=2022&organisation=999999").status_code == 404
    assert client.get("/reports/introductions.xlsx?year=2022&organisation=abc").status_code == 404
    assert client.get("/reports/introductions.xlsx?year=2022&organisation=99999999999999999999").status_code == 404


@pytest.mark.django_db
def test_an_empty_introductions_list_has_no_formula_counting_itself(client, staff):
    client.force_login(staff)
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/reports/introductions.xlsx?year=2030").content)).active
    totals = next(row for row in sheet.iter_rows(values_only=True) if "Tổng cộng" in row)
    assert totals[0] == 0
    assert not [v for v in totals if isinstance(v, str) and v.startswith("=")]


@pytest.mark.django_db
def test_roster_and_budget_formulas_ship_their_values(client, demo):
    client.force_login(factories.get_user("canbo"))
    roster = openpyxl.load_workbook(io.BytesIO(client.get("/reports/roster.xlsx?year=2022").content), data_only=True)
    totals = next(row for row in roster.active.iter_rows(values_only=True) if row[0] == "Tổng cộng")
    assert totals[1] == 47 and totals[6] == 44 and totals[7] == 44
    stipends = io.BytesIO(client.get("/reports/stipends.xlsx?year=2022").content)
    budget = openpyxl.load_workbook(stipends, data_only=True).worksheets[1]
    totals = next(row for row in budget.iter_rows(values_only=True) if row[0] == "Tổng cộng")
    assert all(isinstance(value, int) for value in totals[3:6])
    assert totals[3] == totals[4] + totals[5]
    listing = openpyxl.load_workbook(stipends, data_only=True).worksheets[0]
    rows = list(listing.iter_rows(values_only=True))
    signed = next(row for row in rows if row[0] == "Tổng cộng")
    body = [row for row in rows if isinstance(row[0], int) and isinstance(row[1], str)]
    assert signed[2] == len(body) and signed[3] == sum(row[3] for row in body)
    assert all(str(row[5]).startswith("Phiếu chi số") for row in body)


@pytest.mark.django_db
def test_the_quota_chart_names_every_union_beside_its_bars_on_screen(client, demo):
    client.force_login(factories.get_user("canbo"))
    page = client.get("/reports/quota/?year=2022").content.decode()
    chart = page.split('data-testid="quota-chart"')[1].split("</svg>")[0]
    assert chart.count("<text") >= 2 * 34 and "SunVigo" in chart
