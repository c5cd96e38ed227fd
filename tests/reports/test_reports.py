"""The report centre: figures from the records, the same on screen and in Excel, scoped to the user."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import openpyxl
import pytest
from django.core.management import call_command

from candidates import services
from candidates.models import Status
from reports.exports import KINDS
from reports.models import UnionQuota
from tests import factories
from tests.conftest import ARTIFACTS
from tests.factories import make_nomination

pytestmark = pytest.mark.django_db

QUOTA_HEADERS = [
    "Công đoàn cơ sở",
    "Chỉ tiêu",
    "Được giới thiệu học",
    "Đủ điều kiện",
    "Đã vào học",
    "Hoàn thành lớp học",
    "Đã giới thiệu cho Đảng",
    "Đã kết nạp",
    "Tỷ lệ so với chỉ tiêu (%)",
    "Trong huyện",
    "Ngoài huyện",
]


def table(workbook_bytes: bytes, data_only: bool = True):
    """(headers, data rows, totals row) of the first sheet's table."""
    sheet = openpyxl.load_workbook(io.BytesIO(workbook_bytes), data_only=data_only).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header_index = next(
        i for i, row in enumerate(rows) if "Công đoàn cơ sở" in row or "Năm" in row or "Họ và tên" in row
    )
    headers = list(rows[header_index])
    body = []
    for row in rows[header_index + 2 :]:
        first_text = next((v for v in row if isinstance(v, str)), None)
        if first_text == "Tổng cộng":
            return headers, body, row
        body.append(row)
    return headers, body, None


def column(headers, name):
    return headers.index(name)


def test_demo_quota_report_totals(client, demo):
    staff = factories.get_user("canbo")
    client.force_login(staff)
    response = client.get("/reports/quota.xlsx?year=2022")
    assert response.status_code == 200
    headers, body, totals = table(response.content)
    for title in QUOTA_HEADERS:
        assert title in headers
    assert len(body) == 34
    expected = {
        "Chỉ tiêu": 100,
        "Được giới thiệu học": 63,
        "Đủ điều kiện": 60,
        "Đã vào học": 47,
        "Trong huyện": 30,
        "Ngoài huyện": 33,
    }
    for title, value in expected.items():
        assert totals[column(headers, title)] == value, title
    # Numbers are stored as numbers, and the totals are live formulas over the rows.
    assert all(isinstance(row[column(headers, "Chỉ tiêu")], int) for row in body)
    _, _, formula_totals = table(response.content, data_only=False)
    assert re.fullmatch(r"=SUM\(C\d+:C\d+\)", formula_totals[column(headers, "Chỉ tiêu")])


def test_quota_screen_shows_the_same_figures_as_excel(client, demo):
    client.force_login(factories.get_user("lanhdao"))
    text = client.get("/reports/quota/?year=2022").content.decode()
    totals = re.search(r'data-testid="quota-totals">(.*?)</tr>', text, re.S).group(1)
    numbers = [int(n) for n in re.findall(r'text-end">(\d+)</td>', totals)]
    headers, _, excel_totals = table(client.get("/reports/quota.xlsx?year=2022").content)
    excel_numbers = [excel_totals[column(headers, t)] for t in QUOTA_HEADERS[1:8]]
    assert numbers[:7] == excel_numbers


def test_ever_reached_counts_people_who_moved_on_or_dropped_out(staff, union_a):
    from reports.queries import Scope, quota_report

    withdrawn = make_nomination(union=union_a)
    for status in (Status.APPROVED, Status.ENROLLED):
        services.move(withdrawn, status, staff)
    services.move(withdrawn, Status.WITHDRAWN, staff, reason="Nghỉ việc")
    completed = make_nomination(union=union_a)
    for status in (Status.APPROVED, Status.ENROLLED, Status.COMPLETED):
        services.move(completed, status, staff)
    make_nomination(union=union_a, residence_district="Huyện Vĩnh Bảo")
    row = next(r for r in quota_report(Scope(user=staff), 2022).rows if r.union_id == union_a.pk)
    assert (row.nominated, row.approved, row.enrolled, row.completed) == (3, 2, 2, 1)
    assert (row.in_district, row.out_district) == (2, 1)


def test_chair_reports_hold_only_their_union(client, chair_a, union_a, union_b):
    make_nomination(union=union_a)
    make_nomination(union=union_b)
    UnionQuota.objects.create(union=union_b, year=2022, introduce=9)
    client.force_login(chair_a)
    headers, body, totals = table(client.get("/reports/quota.xlsx?year=2022").content)
    assert [row[column(headers, "Công đoàn cơ sở")] for row in body] == [union_a.name]
    assert totals[column(headers, "Được giới thiệu học")] == 1
    assert totals[column(headers, "Chỉ tiêu")] == 0


def test_party_viewer_reads_totals_but_no_personal_lists(client, party_viewer, union_a):
    make_nomination(union=union_a)
    client.force_login(party_viewer)
    headers, body, totals = table(client.get("/reports/quota.xlsx?year=2022").content)
    assert totals[column(headers, "Được giới thiệu học")] == 1
    assert client.get("/reports/roster.xlsx?year=2022").status_code == 403
    assert client.get("/reports/stipends.xlsx?year=2022").status_code == 403


def test_introductions_are_grouped_by_receiving_organisation_and_text_stays_text(client, staff, union_a):
    receiving = factories.make_party_organization(name="Đảng ủy xã Nhận Thử")
    nomination = make_nomination(union=union_a, full_name='=HYPERLINK("http://example.invalid","x")')
    for status in (Status.APPROVED, Status.ENROLLED, Status.COMPLETED):
        services.move(nomination, status, staff)
    from candidates.models import Introduction

    services.move(nomination, Status.INTRODUCED, staff)
    Introduction.objects.create(
        nomination=nomination,
        resolution_number="=1+1",
        resolution_date="2022-05-20",
        meeting_date="2022-05-18",
        committee_total=5,
        committee_present=5,
        votes_for=5,
        receiving_organization=receiving,
        co_introducer_name="Phạm Văn Giới",
        co_introducer_worked_since="2020-01-01",
    )
    client.force_login(staff)
    content = client.get("/reports/introductions.xlsx?year=2022").content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)}
    assert "Kính gửi: Đảng ủy xã Nhận Thử" in cells and sheet.title == "Đảng ủy xã Nhận Thử"
    assert "- Đảng ủy xã Nhận Thử (để xem xét);" in cells
    name_cell = cells['=HYPERLINK("http://example.invalid","x")']
    assert name_cell.data_type == "s"
    assert cells["=1+1"].data_type == "s"


def test_bad_year_and_unknown_kind_are_answered_clearly(client, staff):
    client.force_login(staff)
    response = client.get("/reports/quota.xlsx?year=20x2")
    assert response.status_code == 400 and "Năm không hợp lệ" in response.content.decode()
    assert client.get("/reports/nothing.xlsx?year=2022").status_code == 404


def test_export_report_command_writes_the_same_workbook(tmp_path, demo):
    output = tmp_path / "quota.xlsx"
    call_command("export_report", "quota", "--year", "2022", "--output", str(output))
    headers, body, totals = table(output.read_bytes())
    assert len(body) == 34 and totals[column(headers, "Được giới thiệu học")] == 63


def test_report_layout_follows_the_union_format(client, demo):
    client.force_login(factories.get_user("canbo"))
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/reports/quota.xlsx?year=2022").content)).worksheets[0]
    values = [c.value for row in sheet.iter_rows() for c in row if c.value]
    assert "LIÊN ĐOÀN LAO ĐỘNG THÀNH PHỐ HẢI PHÒNG" in values
    assert "LIÊN ĐOÀN LAO ĐỘNG HUYỆN TIÊN LÃNG" in values
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in values and "Độc lập - Tự do - Hạnh phúc" in values
    assert any(str(v).startswith("Tiên Lãng, ngày") for v in values)
    assert "Nơi nhận:" in values and "TM. BAN THƯỜNG VỤ" in values
    assert sheet["A1"].font.name == "Times New Roman"
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.freeze_panes and sheet.print_area
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/reports/quota.xlsx?year=2022").content))
    # The breakdown of the admitted is a second table, same unions in the same order; the
    # chart is on the screen (a native chart's labels are laid out by each viewer).
    assert workbook.sheetnames == ["Chỉ tiêu 2022", "Cơ cấu kết nạp 2022"]
    names = [[row[1] for row in sheet.iter_rows(values_only=True) if isinstance(row[0], int)] for sheet in workbook]
    assert len(names[0]) == 34 and names[0] == names[1]
    assert sheet.print_title_rows and sheet.oddFooter.center.text == "Trang &P/&N"


def test_issuer_comes_from_the_organisation_tree(client, demo):
    from unions.models import Federation

    federation = Federation.objects.get(name="Liên đoàn Lao động huyện Tiên Lãng")
    federation.name = "Liên đoàn Lao động xã Tiên Lãng Mới"
    federation.place_name = "Tiên Lãng Mới"
    federation.save()
    client.force_login(factories.get_user("canbo"))
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/reports/history.xlsx?year=2022").content)).worksheets[0]
    values = [c.value for row in sheet.iter_rows() for c in row if c.value]
    assert "LIÊN ĐOÀN LAO ĐỘNG XÃ TIÊN LÃNG MỚI" in values
    assert any(str(v).startswith("Tiên Lãng Mới, ngày") for v in values)


def test_history_marks_earlier_years_as_aggregates(client, demo):
    client.force_login(factories.get_user("lanhdao"))
    headers, body, totals = table(client.get("/reports/history.xlsx?year=2022").content)
    years = [row[0] for row in body]
    assert years[0] == 2015 and 2022 in years
    by_year = {row[0]: row for row in body}
    assert by_year[2016][column(headers, "Đã giới thiệu cho Đảng")] == 634
    assert by_year[2016][column(headers, "Nguồn số liệu")].startswith("Số liệu tổng hợp")
    assert by_year[2022][column(headers, "Được giới thiệu học")] == 63


def test_leadership_sets_quotas_all_or_nothing(client, leadership, union_a, union_b):
    client.force_login(leadership)
    page = client.get("/reports/quotas/?year=2023")
    assert page.status_code == 200
    data = {
        "q-TOTAL_FORMS": 2,
        "q-INITIAL_FORMS": 2,
        "q-0-union_id": union_a.pk,
        "q-0-introduce": 5,
        "q-1-union_id": union_b.pk,
        "q-1-introduce": -1,
        "t-classes": 2,
        "t-learners": 100,
        "t-party_cells": 2,
        "fingerprint": page.context["fingerprint"],
    }
    response = client.post("/reports/quotas/?year=2023", data)
    assert "Chỉ tiêu không được âm" in response.content.decode()
    assert not UnionQuota.objects.exists()
    data["q-1-introduce"] = 7
    client.post("/reports/quotas/?year=2023", data)
    assert dict(UnionQuota.objects.values_list("union__code", "introduce")) == {"CD-AAA": 5, "CD-BBB": 7}


def test_quota_page_refuses_a_union_outside_the_scope(client, staff, union_a, union_elsewhere):
    client.force_login(staff)
    fingerprint = client.get("/reports/quotas/?year=2023").context["fingerprint"]
    data = {
        "fingerprint": fingerprint,
        "q-TOTAL_FORMS": 1,
        "q-INITIAL_FORMS": 1,
        "q-0-union_id": union_elsewhere.pk,
        "q-0-introduce": 5,
        "t-classes": 0,
        "t-learners": 0,
        "t-party_cells": 0,
    }
    assert client.post("/reports/quotas/?year=2023", data).status_code == 403
    assert not UnionQuota.objects.filter(union=union_elsewhere).exists()


def test_chairs_and_party_viewers_cannot_set_quotas(client, chair_a, party_viewer):
    for user in (chair_a, party_viewer):
        client.force_login(user)
        assert client.get("/reports/quotas/").status_code == 403
        assert client.get("/reports/earlier-years/").status_code == 403


def test_dashboard_shows_the_funnel_for_the_year_asked(client, demo, django_assert_max_num_queries):
    client.force_login(factories.get_user("canbo"))
    with django_assert_max_num_queries(40):
        text = client.get("/?year=2022").content.decode()
    assert re.search(r'data-testid="funnel-nominated">63<', text)
    assert re.search(r'data-testid="funnel-approved">60<', text)
    assert "Hồ sơ chờ duyệt" in text and "<svg" in text


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is installed by make test")
@pytest.mark.django_db(transaction=True)
def test_every_report_opens_and_converts_to_pdf(tmp_path, demo):
    for kind in KINDS:
        output = tmp_path / f"{kind}.xlsx"
        call_command("export_report", kind, "--year", "2022", "--output", str(output))
        workbook = openpyxl.load_workbook(output)
        assert workbook.worksheets[0].max_row > 5, kind
    result = subprocess.run(
        [
            "soffice",
            # A profile of its own: another conversion may be running beside this one.
            f"-env:UserInstallation=file://{tmp_path}/libreoffice-profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            *map(str, tmp_path.glob("*.xlsx")),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr
    for kind in KINDS:
        pdf = tmp_path / f"{kind}.pdf"
        assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF"), kind
    # The README shows the quota report as it prints: `make screenshots` copies this picture
    # into docs/screenshots/ (the suite never writes tracked files).
    if shutil.which("pdftoppm"):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(tmp_path / "quota.pdf"),
                str(ARTIFACTS / "report-quota"),
            ],
            check=True,
            timeout=120,
        )


def test_ever_enrolled_is_called_da_vao_hoc_on_the_dashboard_and_in_the_report(client, demo):
    from tests.factories import get_user

    client.force_login(get_user("lanhdao"))
    page = client.get("/?year=2022").content.decode()
    card = page.split('data-testid="funnel-enrolled"')[0].rsplit("stat-card", 1)[-1]
    assert "Đã vào học" in card and "Đang học" not in card
    headers, _, _ = table(client.get("/reports/quota.xlsx?year=2022").content)
    assert "Đã vào học" in headers and "Đang học" not in headers


def test_the_city_quota_report_has_a_subtotal_per_federation_below_it_that_adds_up(client, demo):
    from tests.factories import get_user

    client.force_login(get_user("canbo.thanhpho"))
    city_bytes = client.get("/reports/quota.xlsx?year=2022").content
    headers, body, totals = table(city_bytes)
    assert "Trong địa bàn" in headers and "Ngoài địa bàn" in headers, "the city is not a district"
    names = [row[column(headers, "Công đoàn cơ sở")] for row in body]
    subtotal = body[names.index("Liên đoàn Lao động huyện Tiên Lãng")]
    from unions.demo import OTHER_UNIONS

    # The second district's unions (no nomination in 2022) are the city's rows too, not Tiên Lãng's.
    other = {f"Công đoàn {name}" for _code, name, *_rest in OTHER_UNIONS}
    unions = [row for row in body if row[0] is not None and row[column(headers, "Công đoàn cơ sở")] not in other]
    assert len(unions) == 34
    for title in ("Chỉ tiêu", "Được giới thiệu học", "Đã vào học", "Trong địa bàn"):
        index = column(headers, title)
        assert subtotal[index] == sum(row[index] for row in unions) == totals[index], title
    # Tiên Lãng's rows in the city's report equal the district's own report.
    client.force_login(get_user("canbo"))
    d_headers, d_body, d_totals = table(client.get("/reports/quota.xlsx?year=2022").content)
    assert [r[1:10] for r in d_body] == [r[1:10] for r in unions]
    assert d_totals[column(d_headers, "Được giới thiệu học")] == 63
