"""Staff follow the year on the dashboard and download a report from the report centre."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_and_quota_report_download(page, demo_live, login, screenshot):
    login("lanhdao", "TienLang@2022")
    # The dashboard opens on this year; the demo's records are of 2022, one click away.
    expect(page.get_by_test_id("year-hint")).to_be_visible()
    page.get_by_test_id("year-hint").get_by_role("link", name="Xem năm 2022").click()
    expect(page.get_by_test_id("needs-action")).to_contain_text("năm 2022")
    expect(page.get_by_test_id("funnel-nominated")).to_have_text("63")
    expect(page.get_by_test_id("funnel-enrolled")).to_have_text("47")
    expect(page.get_by_test_id("residence-split")).to_contain_text("30")
    expect(page.get_by_test_id("quota-total")).to_have_text("100")
    screenshot("dashboard")  # docs/screenshots/dashboard.png, by `make screenshots`

    page.get_by_role("link", name="Báo cáo").click()
    page.get_by_label("Năm").select_option("2022")
    page.get_by_role("button", name="Chọn").click()
    page.get_by_test_id("report-quota").get_by_role("link", name="Xem").click()
    expect(page.get_by_test_id("quota-totals")).to_contain_text("63")
    screenshot("quota-screen")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải Excel").click()
    download = download_info.value
    assert download.suggested_filename == "quota-2022.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()), data_only=True)
    values = [c.value for row in workbook.worksheets[0].iter_rows() for c in row]
    assert "Tổng cộng" in values
