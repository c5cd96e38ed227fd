"""A chair downloads the template, fills it in, uploads it, reads the preview and saves every row."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "TienLang@2022"
# Invented people; 0997… is no province code, and far from the demo's numbers.
PEOPLE = [
    ("Tạ Thị Mẫu Đơn", "12/05/1996", "Nữ", "099700000101", "12/12", "Xã Cấp Tiến", "01/03/2019"),
    ("Khúc Văn Tải Lên", "03/11/1993", "Nam", "099700000102", "Trung cấp", "Xã Kiến Thiết", "15/08/2017"),
    ("Ông Thị Trình Độ", "20/07/1998", "Nữ", "099700000103", "8/12", "Xã Tiên Thắng", "10/10/2020"),
]


def fill_template(template: Path, target: Path, people) -> None:
    """Replace the template's example row with `people`, as a chair would in Excel."""
    workbook = openpyxl.load_workbook(template)
    sheet = workbook.active
    header_row = next(r for r in range(1, 11) if sheet.cell(row=r, column=1).value == "STT")
    columns = {sheet.cell(row=header_row, column=c).value: c for c in range(1, sheet.max_column + 1)}
    sheet.delete_rows(header_row + 1)
    for offset, (name, born, sex, citizen_id, education, commune, joined) in enumerate(people, start=1):
        values = {
            "STT": offset,
            "Họ và tên": name,
            "Ngày sinh": born,
            "Giới tính": sex,
            "Số CCCD": citizen_id,
            "Trình độ học vấn": education,
            "Tỉnh/Thành phố thường trú": "Thành phố Hải Phòng",
            "Quận/Huyện thường trú": "Huyện Tiên Lãng",
            "Xã/Phường thường trú": commune,
            "Ngày vào Công đoàn": joined,
            "Chức vụ, công việc": "Công nhân may",
            "Đơn tự nguyện": "Có",
            "Nhận xét của Chủ tịch CĐCS": "Gương mẫu, nhiệt tình trong phong trào công đoàn.",
        }
        for header, value in values.items():
            sheet.cell(row=header_row + offset, column=columns[header], value=value)
    workbook.save(target)


def test_chair_uploads_the_filled_template_and_saves(page, demo_live, login, screenshot, tmp_path):
    from candidates.models import Nomination, NominationImport

    login("chutich.m2", PASSWORD)
    page.goto(f"{demo_live.url}/candidates/")
    page.get_by_role("link", name="Tải lên danh sách Excel").click()
    expect(page.locator("h1")).to_contain_text("Tải lên danh sách đoàn viên")
    expect(page.get_by_label("Công đoàn cơ sở")).to_contain_text("M2")
    screenshot("upload-form")

    with page.expect_download() as download_info:
        page.get_by_test_id("import-template").click()
    template = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(template)
    assert template.name.endswith(".xlsx")
    filled = tmp_path / "danh-sach-m2.xlsx"
    fill_template(template, filled, PEOPLE)

    page.get_by_label("Tệp danh sách (.xlsx)").set_input_files(str(filled))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    expect(page.locator("h1")).to_contain_text("danh-sach-m2.xlsx")
    expect(page.get_by_test_id("count-rows")).to_have_text("3 dòng")
    expect(page.get_by_test_id("count-warnings")).to_have_text("1 có cảnh báo")
    expect(page.get_by_test_id("count-errors")).to_have_text("0 có lỗi")
    expect(page.get_by_test_id("import-rows")).to_contain_text("Khúc Văn Tải Lên")
    expect(page.get_by_test_id("import-rows")).to_contain_text("099******102")
    expect(page.get_by_test_id("import-rows")).not_to_contain_text("099700000102")
    expect(page.get_by_test_id("row-7")).to_contain_text("thấp hơn tốt nghiệp THCS")
    screenshot("preview")

    page.get_by_test_id("save-all").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã lưu 3 hồ sơ")
    expect(page.get_by_role("cell", name="Khúc Văn Tải Lên").first).to_be_visible()
    screenshot("saved")
    record = NominationImport.objects.get(file_name="danh-sach-m2.xlsx")
    assert record.state == NominationImport.State.SAVED
    assert Nomination.objects.filter(source_import=record, union__code="CD-M2").count() == 3


def test_chair_sees_why_a_bad_file_cannot_be_saved(page, demo_live, login, screenshot, tmp_path):
    from candidates.models import Nomination

    login("chutich.m2", PASSWORD)
    page.goto(f"{demo_live.url}/candidates/import/")
    with page.expect_download() as download_info:
        page.get_by_test_id("import-template").click()
    template = tmp_path / "mau.xlsx"
    download_info.value.save_as(template)
    people = [PEOPLE[0], ("Lỗi Văn Ngày", "31/02/1995", "Nam", "099700000201", "12/12", "Xã Cấp Tiến", "01/01/2018")]
    bad = tmp_path / "co-loi.xlsx"
    fill_template(template, bad, people)
    before = Nomination.objects.count()

    page.get_by_label("Tệp danh sách (.xlsx)").set_input_files(str(bad))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    expect(page.get_by_test_id("count-errors")).to_have_text("1 có lỗi")
    expect(page.get_by_test_id("error-list")).to_contain_text("Dòng 6, cột “Ngày sinh”")
    expect(page.get_by_test_id("save-all")).to_be_disabled()
    screenshot("preview-with-error")
    assert Nomination.objects.count() == before

    # A file that is not a workbook: a message on the form, not an error page.
    not_xlsx = tmp_path / "danh-sach.xlsx"
    not_xlsx.write_bytes(io.BytesIO("STT,Họ và tên\n1,A\n".encode()).getvalue())
    page.goto(f"{demo_live.url}/candidates/import/")
    page.get_by_label("Tệp danh sách (.xlsx)").set_input_files(str(not_xlsx))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    expect(page.get_by_test_id("upload-form")).to_contain_text("CSV")
    screenshot("not-a-workbook")
