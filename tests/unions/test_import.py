"""Excel import of enterprises and unions: preview every problem, then save all or nothing."""

from __future__ import annotations

import datetime
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories
from unions.imports import COLUMNS
from unions.models import Enterprise, GrassrootsUnion

pytestmark = pytest.mark.django_db

HEADERS = [
    "STT",
    "Tên doanh nghiệp",
    "Mã số doanh nghiệp",
    "Loại hình",
    "Ngành nghề",
    "Xã/thị trấn",
    "Số lao động",
    "Có tổ chức Đảng từ ngày",
    "Doanh nghiệp điểm",
    "Mã công đoàn",
    "Số đoàn viên",
]


def good_rows():
    return [
        [
            1,
            "Công ty TNHH May Thử Một",
            "0209000001",
            "TNHH",
            "May mặc",
            "Xã Kiến Thử",
            120,
            None,
            "Không",
            "CD-MAY1",
            110,
        ],
        [
            2,
            "Công ty Cổ phần Gỗ Thử Hai",
            "0209000002",
            "Cổ phần",
            "Chế biến gỗ",
            "Kiến Thử",
            45,
            None,
            None,
            None,
            None,
        ],
        [3, "Hợp tác xã Thử Ba", "0209000003", "Hợp tác xã", "", "xa kien thu", 30, "12/05/2015", "Có", "CD-HTX3", 25],
    ]


def workbook_bytes(rows, headers=HEADERS, title_rows=()) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in title_rows:
        sheet.append(row)
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, data: bytes, name="doanh-nghiep.xlsx"):
    return client.post("/unions/import/", {"file": SimpleUploadedFile(name, data)})


def token_of(response) -> str | None:
    match = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    return match.group(1) if match else None


def problems_of(response) -> list[tuple[str, str, str]]:
    """(row, column, message) triples of the problem table, as the user reads them."""
    text = response.content.decode()
    if 'data-testid="import-problems"' not in text:
        return []
    table = text.split('data-testid="import-problems"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", table)


@pytest.fixture
def commune(federation):
    return _named_commune(federation, "Xã Kiến Thử")


def _named_commune(federation, name):
    """A commune of the federation's own district, where the import looks names up."""
    if federation.area_id:
        return factories.make_area(name=name, parent=federation.area)
    return factories.make_area(name=name)


# --- the template -----------------------------------------------------------------------------


def test_staff_download_a_template_with_headers_and_an_example(client, staff):
    client.force_login(staff)
    response = client.get("/unions/import/template.xlsx")
    assert response.status_code == 200
    assert "mau-nhap-doanh-nghiep.xlsx" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert [h.rstrip(" *") for h in rows[0]] == [c.header for c in COLUMNS]
    assert "Tên doanh nghiệp *" in rows[0] and "Ngành nghề" in rows[0]
    assert rows[1][1] == "Công ty TNHH Ví Dụ Minh Họa"


def test_the_filled_in_template_imports(client, staff, federation):
    _named_commune(federation, "Xã Tiên Cường")
    client.force_login(staff)
    template = client.get("/unions/import/template.xlsx").content
    response = upload(client, template, "mau.xlsx")
    assert problems_of(response) == []
    client.post("/unions/import/confirm/", {"token": token_of(response)})
    assert Enterprise.objects.get(tax_code="0200000000").unions.get().code == "CD-VIDU"


# --- a clean file: preview, then confirm ----------------------------------------------------


def test_a_clean_file_is_previewed_and_saved_only_on_confirmation(client, staff, federation, commune):
    client.force_login(staff)
    response = upload(client, workbook_bytes(good_rows()))
    text = response.content.decode()
    assert response.status_code == 200
    assert "3 dòng hợp lệ, sẵn sàng lưu" in text
    assert problems_of(response) == []
    assert not Enterprise.objects.exists()  # nothing saved by the preview

    response = client.post("/unions/import/confirm/", {"token": token_of(response)}, follow=True)
    assert "Đã nhập 3 doanh nghiệp và 2 công đoàn cơ sở" in response.content.decode()
    saved = {e.tax_code: e for e in Enterprise.objects.all()}
    assert set(saved) == {"0209000001", "0209000002", "0209000003"}
    htx = saved["0209000003"]
    assert (htx.ownership, htx.commune, htx.workers, htx.is_pilot) == ("coop", commune, 30, True)
    assert htx.party_org_since == datetime.date(2015, 5, 12)
    assert htx.federation == federation
    union = GrassrootsUnion.objects.get(code="CD-HTX3")
    assert (union.enterprise, union.members, union.name) == (htx, 25, "Công đoàn Hợp tác xã Thử Ba")


def test_bidi_controls_in_the_file_are_not_stored(client, staff, commune):
    rows = good_rows()
    rows[0][1] = "Công ty TNHH\u202e May\u202c Thử Một"
    rows[0][2] = "\u202d0209000001"
    rows[0][9] = "CD-\u2066MAY1\u2069"
    rows[2][1] = "\u2067Hợp tác xã Thử Ba\u2069"
    client.force_login(staff)
    response = upload(client, workbook_bytes(rows))
    assert problems_of(response) == []
    client.post("/unions/import/confirm/", {"token": token_of(response)})
    enterprise = Enterprise.objects.get(tax_code="0209000001")
    assert enterprise.name == "Công ty TNHH May Thử Một"
    assert enterprise.unions.get().code == "CD-MAY1"
    assert GrassrootsUnion.objects.get(code="CD-HTX3").name == "Công đoàn Hợp tác xã Thử Ba"
    assert Enterprise.objects.get(tax_code="0209000003").name == "Hợp tác xã Thử Ba"


def test_a_confirmation_cannot_be_replayed(client, staff, commune):
    client.force_login(staff)
    token = token_of(upload(client, workbook_bytes(good_rows())))
    client.post("/unions/import/confirm/", {"token": token})
    response = client.post("/unions/import/confirm/", {"token": token}, follow=True)
    assert "Phiên nhập đã hết hạn hoặc đã được lưu" in response.content.decode()
    assert Enterprise.objects.count() == 3


def test_a_forged_token_saves_nothing(client, staff, commune):
    client.force_login(staff)
    upload(client, workbook_bytes(good_rows()))
    response = client.post("/unions/import/confirm/", {"token": "doan-bua"}, follow=True)
    assert "Phiên nhập đã hết hạn" in response.content.decode()
    assert not Enterprise.objects.exists()


def test_confirmation_checks_again_what_changed_since_the_preview(client, staff, federation, commune):
    client.force_login(staff)
    token = token_of(upload(client, workbook_bytes(good_rows())))
    # Meanwhile a colleague registers one of the enterprises by hand.
    factories.make_enterprise(federation=federation, tax_code="0209000002", name="Đã nhập tay")
    response = client.post("/unions/import/confirm/", {"token": token})
    assert ("3", "Mã số doanh nghiệp", "Mã số doanh nghiệp 0209000002 đã có trong danh sách (Đã nhập tay).") in (
        problems_of(response)
    )
    assert "chưa lưu dòng nào" in response.content.decode()
    assert Enterprise.objects.count() == 1
    assert not GrassrootsUnion.objects.exists()


# --- bad rows: every problem named, nothing saved -------------------------------------------


def test_one_bad_row_refuses_the_whole_file_and_names_row_and_column(client, staff, commune):
    rows = good_rows()
    rows[1][2] = "02-0900"  # row 3 in Excel (header is row 1)
    client.force_login(staff)
    response = upload(client, workbook_bytes(rows))
    text = response.content.decode()
    assert "Chưa lưu dòng nào" in text
    assert token_of(response) is None
    assert problems_of(response) == [
        (
            "3",
            "Mã số doanh nghiệp",
            "Mã số doanh nghiệp gồm 10 chữ số, hoặc 10 chữ số, dấu gạch ngang và 3 chữ số với chi nhánh "
            "(0201234567-001).",
        )
    ]
    # and no way to save it anyway
    client.post("/unions/import/confirm/", {"token": ""})
    assert not Enterprise.objects.exists()
    assert not GrassrootsUnion.objects.exists()


def test_every_kind_of_bad_value_gets_its_own_message(client, staff, commune):
    rows = [
        [1, "", "0209000011", "Nhà nước", "", "Xã Không Có", "nhiều", None, "có lẽ", None, None],
        [2, "Công ty B", "0209000012", "TNHH", "", "Kiến Thử", 10, "31/02/2020", None, "CD-B", 20],
        [3, "Công ty C", "0209000012", "TNHH", "", "Kiến Thử", 10, "01/01/2999", None, "CD-B", None],
        [4, "Công ty D", "0209000014", "TNHH", "", "Kiến Thử", 10, None, None, None, 5],
    ]
    client.force_login(staff)
    found = problems_of(upload(client, workbook_bytes(rows)))
    expected = [
        ("2", "Tên doanh nghiệp", "Bắt buộc, không được để trống."),
        ("2", "Loại hình", "“Nhà nước” không phải loại hình đã biết"),
        ("2", "Xã/thị trấn", "Không có xã/thị trấn “Xã Không Có”"),
        ("2", "Số lao động", "“nhiều” không phải số nguyên"),
        ("2", "Doanh nghiệp điểm", "“có lẽ” không hợp lệ; ghi “Có” hoặc “Không”."),
        ("3", "Có tổ chức Đảng từ ngày", "“31/02/2020” không phải ngày có thật"),
        ("3", "Số đoàn viên", "Số đoàn viên (20) lớn hơn số lao động (10)."),
        ("4", "Có tổ chức Đảng từ ngày", "ngày 01/01/2999 ở tương lai"),
        ("4", "Mã số doanh nghiệp", "Mã số doanh nghiệp 0209000012 trùng với dòng 3."),
        ("4", "Mã công đoàn", "Mã công đoàn CD-B trùng với dòng 3."),
        ("5", "Mã công đoàn", "Có thông tin công đoàn nhưng thiếu mã công đoàn."),
    ]
    for row, column, message in expected:
        assert any(r == row and c == column and message in m for r, c, m in found), (row, column, message, found)
    assert not Enterprise.objects.exists()


def test_codes_already_registered_are_refused_not_overwritten(client, staff, union_a, commune):
    name_before = union_a.enterprise.name
    rows = good_rows()
    rows[0][2] = union_a.enterprise.tax_code
    rows[2][9] = union_a.code
    client.force_login(staff)
    found = problems_of(upload(client, workbook_bytes(rows)))
    assert [(r, c) for r, c, _m in found] == [("2", "Mã số doanh nghiệp"), ("4", "Mã công đoàn")]
    assert "đã có trong danh sách" in found[0][2] and "đã được dùng" in found[1][2]
    union_a.enterprise.refresh_from_db()
    assert union_a.enterprise.name == name_before
    assert Enterprise.objects.count() == 1


def test_row_numbers_follow_a_title_block_and_headers_in_any_order(client, staff, commune):
    headers = ["Số lao động", "Xã/thị trấn", "Loại hình", "Mã số doanh nghiệp", "Tên doanh nghiệp"]
    rows = [[100, "Kiến Thử", "TNHH", "0209000021", "Công ty E"], [100, "Kiến Thử", "TNHH", "123", "Công ty F"]]
    title = [["LIÊN ĐOÀN LAO ĐỘNG HUYỆN"], ["DANH SÁCH DOANH NGHIỆP"], []]
    client.force_login(staff)
    found = problems_of(upload(client, workbook_bytes(rows, headers=headers, title_rows=title)))
    # title rows 1-2, a blank row 3, header row 4: the bad row is row 6 as Excel shows it
    assert [(r, c) for r, c, _m in found] == [("6", "Mã số doanh nghiệp")]


def test_a_tax_code_typed_as_a_number_gets_its_leading_zero_back(client, staff, commune):
    rows = [[1, "Công ty G", 201234567, "TNHH", "", "Kiến Thử", 10, None, None, None, None]]
    client.force_login(staff)
    response = upload(client, workbook_bytes(rows))
    client.post("/unions/import/confirm/", {"token": token_of(response)})
    assert Enterprise.objects.get().tax_code == "0201234567"


# --- file-level problems ------------------------------------------------------------------------


def test_a_csv_renamed_xlsx_gets_a_clear_message(client, staff):
    client.force_login(staff)
    csv = "Tên doanh nghiệp,Mã số doanh nghiệp\nCông ty A,0209000001\n".encode()
    response = upload(client, csv, "doanh-nghiep.xlsx")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Không đọc được tệp “doanh-nghiep.xlsx”" in text
    assert "Tệp là CSV, không phải Excel .xlsx" in text
    assert not Enterprise.objects.exists()


def test_a_file_without_the_required_headers_names_what_is_missing(client, staff):
    client.force_login(staff)
    response = upload(client, workbook_bytes([["Công ty A"]], headers=["Tên doanh nghiệp"]))
    text = response.content.decode()
    assert "Không tìm thấy dòng tiêu đề" in text and "“Mã số doanh nghiệp”" in text


def test_a_file_with_headers_only_is_refused(client, staff):
    client.force_login(staff)
    text = upload(client, workbook_bytes([])).content.decode()
    assert "Tệp không có dòng dữ liệu nào dưới dòng tiêu đề." in text


def test_no_file_chosen(client, staff):
    client.force_login(staff)
    response = client.post("/unions/import/", {})
    assert response.status_code == 200
    assert "Trường này là bắt buộc." in response.content.decode()


# --- who may import -------------------------------------------------------------------------------


def test_chairs_and_leadership_get_403_everywhere_in_the_import(client, chair_a, leadership, commune):
    data = workbook_bytes(good_rows())
    for user in (chair_a, leadership):
        client.force_login(user)
        assert client.get("/unions/import/").status_code == 403
        assert client.get("/unions/import/template.xlsx").status_code == 403
        assert upload(client, data).status_code == 403
        assert client.post("/unions/import/confirm/", {"token": "x"}).status_code == 403
    assert not Enterprise.objects.filter(tax_code__startswith="020900").exists()


def test_a_pending_import_belongs_to_its_session(client, staff, commune, federation):
    client.force_login(staff)
    token = token_of(upload(client, workbook_bytes(good_rows())))
    other_staff = factories.make_user("staff", federation=federation, username="staff2")
    client.force_login(other_staff)  # a new session
    client.post("/unions/import/confirm/", {"token": token})
    assert not Enterprise.objects.exists()


def test_head_counts_accept_thousands_separators_but_not_fractions(client, staff, commune):
    rows = [
        [1, "Công ty H", "0209000031", "TNHH", "", "Kiến Thử", "1.500", None, None, "CD-H", "1 380"],
        [2, "Công ty I", "0209000032", "TNHH", "", "Kiến Thử", 12.5, None, None, None, None],
        [3, "Công ty K", "0209000033", "TNHH", "", "Kiến Thử", "12,5", None, None, None, None],
        [4, "Công ty L", "0209000034", "TNHH", "", "Kiến Thử", -3, None, None, None, None],
    ]
    client.force_login(staff)
    found = problems_of(upload(client, workbook_bytes(rows)))
    assert [(r, c) for r, c, _m in found] == [
        ("3", "Số lao động"),
        ("4", "Số lao động"),
        ("5", "Số lao động"),
    ]
    assert "“12.5” không phải số nguyên" in found[0][2]


def test_head_counts_with_separators_are_saved_as_numbers(client, staff, commune):
    rows = [[1, "Công ty H", "0209000031", "TNHH", "", "Kiến Thử", "1.500", None, None, "CD-H", "1 380"]]
    client.force_login(staff)
    client.post("/unions/import/confirm/", {"token": token_of(upload(client, workbook_bytes(rows)))})
    union = GrassrootsUnion.objects.get(code="CD-H")
    assert (union.enterprise.workers, union.members) == (1500, 1380)


def test_a_formula_cell_is_refused_with_its_row_and_column(client, staff, commune):
    rows = good_rows()
    rows[2][6] = "=SUM(1,2)"
    client.force_login(staff)
    text = upload(client, workbook_bytes(rows)).content.decode()
    assert "Dòng 4, cột “Số lao động”: ô chứa công thức" in text
    assert not Enterprise.objects.exists()
