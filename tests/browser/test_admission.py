"""Staff take one person from the union's introduction to official membership in the browser:
the union's resolution recorded (form 4A-KNĐ) and downloaded to sign, the open steps shown with
their due dates, the dossier recorded document by document, the residence committee asked and
its reply filed, the cell's resolution judged on its date (when the 2022 documents were
current), the decision, the ceremony, official status refused before the probation's end and
accepted on it."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "TienLang@2022"


@pytest.fixture
def learner(demo_live):
    """One of the demo's 2022 learners who completed the class and lives outside the district."""
    from candidates.models import Nomination, Status

    return (
        Nomination.objects.filter(year=2022, status=Status.COMPLETED, person__lives_in_district=False)
        .select_related("person")
        .order_by("pk")
        .first()
    )


def origin(page) -> str:
    return "/".join(page.url.split("/")[:3])


def introduce(page, nomination):
    page.goto(f"{origin(page)}/candidates/{nomination.pk}/")
    page.get_by_text("Ghi nghị quyết giới thiệu cho Đảng (mẫu 4A-KNĐ)").click()
    page.get_by_label("Số nghị quyết").fill("11/NQ-CĐCS")
    page.get_by_label("Ngày nghị quyết").fill("01/09/2022")
    page.get_by_label("Ngày họp BCH").fill("31/08/2022")
    page.get_by_label("Tổng số ủy viên BCH").fill("7")
    page.get_by_label("Số ủy viên dự họp").fill("6")
    page.get_by_label("Số phiếu tán thành").fill("6")
    page.get_by_label("Số phiếu không tán thành").fill("0")
    receiving = page.get_by_label("Tổ chức Đảng tiếp nhận")
    receiving.select_option(index=1)
    name = receiving.locator("option:checked").inner_text().strip()
    page.get_by_label("Đảng viên chính thức cùng giới thiệu").fill("Trần Văn Giới")
    page.get_by_label("Cùng công tác từ ngày").fill("01/03/2015")
    page.get_by_role("button", name="Đã giới thiệu cho Đảng").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã ghi nghị quyết giới thiệu")
    return name


def test_staff_walk_one_person_from_introduction_to_official_status(page, learner, login, screenshot, tmp_path):
    from admission import dossier
    from candidates.models import Nomination

    login("canbo", PASSWORD)
    receiving = introduce(page, learner)
    # Each open step shows who must act and by when.
    clocks = page.get_by_test_id("step-clocks")
    expect(clocks.get_by_test_id("clock-residence_request")).to_contain_text(receiving)
    expect(clocks.get_by_test_id("clock-dossier")).to_contain_text("còn thiếu")
    expect(clocks.get_by_test_id("clock-cell")).to_be_visible()
    # The union's resolution, in the administrative layout, to sign.
    with page.expect_download() as download:
        page.get_by_test_id("resolution-download").click()
    sheet = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    text = "\n".join(c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str))
    assert "Số: 11/NQ-CĐCS" in text and "6/7 ủy viên tán thành" in text and "Trần Văn Giới" in text

    page.get_by_test_id("dossier-link").click()
    expect(page.get_by_test_id("dossier-missing")).to_contain_text("Đơn xin vào Đảng")
    # Record each document the cell needs, one form per row (the residence comments come by reply).
    learner = Nomination.objects.get(pk=learner.pk)
    for item in dossier.items(learner, today=datetime.date(2022, 9, 1)):
        code = item.item_type.code
        if item.item_type.step != "before_cell" or item.status != "missing" or code == "residence_comments":
            continue
        row = page.get_by_test_id(f"item-{code}")
        row.get_by_label("Tình trạng").select_option("received")
        row.get_by_label("Ngày nhận").fill("01/09/2022")
        row.get_by_role("button", name="Lưu").click()
        expect(page.locator(".alert-success")).to_contain_text(item.item_type.name)
    # The residence committee is asked (by post), and its reply filed with its scan.
    request = page.get_by_test_id("residence-request-form")
    request.get_by_label("hoặc tên cấp ủy (khi chưa có trong danh mục)").fill("Đảng ủy xã Nơi Ở")
    request.get_by_label("Số công văn").fill("52/CV-LĐLĐ")
    request.get_by_label("Ngày gửi").fill("02/09/2022")
    request.get_by_label("Hình thức gửi").select_option("post")
    request.get_by_role("button", name="Ghi đề nghị").click()
    expect(page.get_by_test_id("residence-request")).to_contain_text("Đã gửi Đảng ủy xã Nơi Ở ngày 02/09/2022")
    with page.expect_download() as letter:
        page.get_by_test_id("residence-letter").click()
    letter_sheet = openpyxl.load_workbook(io.BytesIO(letter.value.path().read_bytes())).active
    assert "KÍNH GỬI: ĐẢNG ỦY XÃ NƠI Ở" in [c.value for row in letter_sheet.iter_rows() for c in row]
    scan = tmp_path / "tra-loi.pdf"
    scan.write_bytes(b"%PDF-1.4\n% invented reply\n")
    reply = page.get_by_test_id("residence-request")
    reply.get_by_label("Ngày trả lời").fill("12/09/2022")
    reply.get_by_label("Kết quả").select_option("agree")
    reply.get_by_label("Bản quét trả lời (PDF, JPEG, PNG; tối đa 5 MB)").set_input_files(scan)
    reply.get_by_role("button", name="Ghi trả lời").click()
    expect(page.get_by_test_id("residence-reply")).to_contain_text("Trả lời ngày 12/09/2022: Đồng ý")
    expect(page.get_by_test_id("item-residence_comments")).to_contain_text("tra-loi.pdf")
    # Received in 2022, the letters and comments are past 12 months today: the page says so...
    expect(page.get_by_test_id("item-introducer_letter")).to_contain_text("Quá hạn")
    screenshot("dossier-2022")

    # ... but the cell met while they were current: its resolution is judged on its own date.
    page.goto(f"{origin(page)}/candidates/{learner.pk}/")
    page.get_by_text("Ghi nghị quyết của chi bộ đề nghị kết nạp").click()
    cell = page.get_by_test_id("step-cell_resolution")
    cell.get_by_label("Ngày chi bộ họp xét kết nạp").fill("15/09/2022")
    cell.get_by_label("Số nghị quyết của chi bộ").fill("05-NQ/CB")
    cell.get_by_label("Tổng số đảng viên chính thức của chi bộ").fill("6")
    cell.get_by_label("Số đảng viên chính thức tán thành").fill("3")
    cell.get_by_role("button", name="Ghi nghị quyết của chi bộ").click()
    expect(page.locator(".alert-danger")).to_contain_text("cần ít nhất 2/3")
    cell = page.get_by_test_id("step-cell_resolution")
    expect(cell.get_by_label("Số nghị quyết của chi bộ")).to_have_value("05-NQ/CB")
    cell.get_by_label("Số đảng viên chính thức tán thành").fill("5")
    cell.get_by_role("button", name="Ghi nghị quyết của chi bộ").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã ghi nghị quyết của chi bộ")
    expect(page.get_by_test_id("clock-decision")).to_contain_text("quá hạn")  # 60 working days from 15/09/2022

    admit = page.get_by_test_id("move-admitted")
    expect(admit.get_by_label("Ngày chi bộ xét kết nạp")).to_have_value("15/09/2022")
    admit.get_by_label("Ngày", exact=True).fill("20/10/2022")
    admit.get_by_label("Số quyết định").fill("21-QĐ/HU")
    admit.get_by_label("Ngày quyết định").fill("20/10/2022")
    admit.get_by_label("Tổ chức Đảng kết nạp").select_option(label=receiving)
    admit.get_by_role("button", name="Đã kết nạp").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã kết nạp")
    expect(page.get_by_test_id("clock-ceremony")).to_contain_text("Tổ chức lễ kết nạp")
    ceremony = page.get_by_test_id("step-ceremony")
    ceremony.get_by_label("Ngày lễ kết nạp (ngày vào Đảng)").fill("01/11/2022")
    ceremony.get_by_role("button", name="Ghi lễ kết nạp").click()
    expect(page.get_by_test_id("clock-official")).to_contain_text("hết dự bị 01/11/2023")

    official = page.get_by_test_id("move-official")
    official.get_by_label("Ngày", exact=True).fill("31/10/2023")
    official.get_by_label("Số quyết định công nhận").fill("45-QĐ/HU")
    official.get_by_label("Ngày quyết định").fill("31/10/2023")
    official.get_by_role("button", name="Đảng viên chính thức").click()
    expect(page.locator(".alert-danger")).to_contain_text("chưa hết 12 tháng dự bị (kết thúc ngày 01/11/2023)")
    official = page.get_by_test_id("move-official")
    expect(official.get_by_label("Số quyết định công nhận")).to_have_value("45-QĐ/HU")
    official.get_by_label("Ngày", exact=True).fill("01/11/2023")
    official.get_by_label("Ngày quyết định").fill("01/11/2023")
    official.get_by_role("button", name="Đảng viên chính thức").click()
    expect(page.locator(".alert-success")).to_contain_text("Đảng viên chính thức")
    expect(page.get_by_test_id("step-clocks")).to_have_count(0)  # nothing left open
    screenshot("official")
