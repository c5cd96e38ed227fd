"""The register in real Chromium: filter and export, a chair's own union, the Excel import."""

from __future__ import annotations

import io

import openpyxl
import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "TienLang@2022"


def test_staff_export_enterprises_without_party_organisation(page, demo_live, login, screenshot, tmp_path):
    login("canbo", PASSWORD)
    page.goto(f"{demo_live.url}/unions/")
    page.locator("#mainnav").get_by_role("link", name="Doanh nghiệp", exact=True).click()
    page.get_by_label("Có tổ chức Đảng").select_option("0")
    page.get_by_role("button", name="Lọc").click()
    expect(page.get_by_test_id("result-count")).to_have_text("98")
    first_page = page.get_by_test_id("result-table").locator("tbody tr td:first-child").all_inner_texts()
    screenshot("filtered")

    with page.expect_download() as download_info:
        page.get_by_test_id("export-xlsx").click()
    download = download_info.value
    assert download.suggested_filename == "doanh-nghiep.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    sheet = openpyxl.load_workbook(path).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 98  # every filtered row, not just the first page
    assert [row[1] for row in rows[: len(first_page)]] == first_page  # same order as the list
    assert {row[8] for row in rows} == {"Không"}  # "Có tổ chức Đảng"


def test_chair_updates_own_union_and_sees_its_committee(page, demo_live, login, screenshot):
    login("chutich.phucthuan", PASSWORD)
    page.goto(f"{demo_live.url}/unions/")
    page.get_by_role("link", name="Công đoàn của tôi").click()
    expect(page.get_by_test_id("committee-summary")).to_contain_text("6 ủy viên · 0 đảng viên · 3 xung phong")
    expect(page.get_by_test_id("committee")).to_contain_text("Lương Văn Tường Vi")
    expect(page.get_by_test_id("union-facts")).to_contain_text("Lương Văn Tường Vi")  # the chair's account
    page.get_by_role("link", name="Cập nhật số đoàn viên, ngày thành lập").click()
    page.get_by_label("Số đoàn viên").fill("750")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_test_id("union-members")).to_have_text("750")
    expect(page.locator(".alert-success")).to_contain_text("Đã lưu")
    screenshot("own-union-updated")


def test_staff_import_refuses_a_bad_row_then_saves_a_clean_file(page, demo_live, login, screenshot):
    from unions.models import Enterprise

    def workbook(rows) -> bytes:
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["Tên doanh nghiệp", "Mã số doanh nghiệp", "Loại hình", "Xã/thị trấn", "Số lao động"])
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    good = ["Công ty TNHH Nhập Thử", "0208800001", "TNHH", "Tiên Minh", 60]
    bad = ["Công ty TNHH Sai Mã", "12345", "TNHH", "Tiên Minh", 40]
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    login("canbo", PASSWORD)
    page.goto(f"{demo_live.url}/unions/import/")
    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(
        files=[{"name": "dn.xlsx", "mimeType": xlsx, "buffer": workbook([good, bad])}]
    )
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    expect(page.get_by_test_id("import-refused")).to_contain_text("Chưa lưu dòng nào")
    expect(page.get_by_test_id("import-problems")).to_contain_text("Mã số doanh nghiệp")
    expect(page.get_by_test_id("import-problems").locator("tbody tr td").first).to_have_text("3")
    expect(page.get_by_role("button", name="Xác nhận lưu")).to_have_count(0)
    screenshot("import-refused")
    assert not Enterprise.objects.filter(tax_code="0208800001").exists()

    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(
        files=[{"name": "dn.xlsx", "mimeType": xlsx, "buffer": workbook([good])}]
    )
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    expect(page.get_by_test_id("import-ready")).to_contain_text("1 dòng hợp lệ")
    screenshot("import-preview")
    page.get_by_role("button", name="Xác nhận lưu").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã nhập 1 doanh nghiệp")
    expect(page.get_by_test_id("result-count")).to_have_text("105")
    assert Enterprise.objects.get(tax_code="0208800001").commune.name == "Xã Tiên Minh"
