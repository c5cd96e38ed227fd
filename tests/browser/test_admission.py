"""Staff take one person from the union's introduction to official membership in the browser:
the dossier recorded document by document, admission judged on the cell's date (when the 2022
documents were current), official status refused before the probation's end and accepted on it."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "TienLang@2022"


@pytest.fixture
def introduced(demo_live):
    """One of the demo's 2022 learners who completed the class, introduced to the Party."""
    from candidates import services
    from candidates.models import Nomination, Status
    from tests.factories import get_user

    nomination = Nomination.objects.filter(year=2022, status=Status.COMPLETED).order_by("pk").first()
    return services._apply(nomination, Status.INTRODUCED, get_user("canbo"))


def test_staff_walk_one_person_from_introduction_to_official_status(page, introduced, login, screenshot):
    from admission import dossier

    login("canbo", PASSWORD)
    page.goto(f"{page.url.split('/', 3)[0]}//{page.url.split('/')[2]}/candidates/{introduced.pk}/")
    page.get_by_test_id("dossier-link").click()
    expect(page.get_by_test_id("dossier-missing")).to_contain_text("Đơn xin vào Đảng")
    # Record each document the cell needs, one form per row.
    for item in dossier.items(introduced, today=datetime.date(2022, 9, 1)):
        if item.item_type.step != "before_cell" or item.status != "missing":
            continue
        row = page.get_by_test_id(f"item-{item.item_type.code}")
        row.get_by_label("Tình trạng").select_option("received")
        row.get_by_label("Ngày nhận").fill("01/09/2022")
        row.get_by_role("button", name="Lưu").click()
        expect(page.locator(".alert-success")).to_contain_text(item.item_type.name)
    # Received in 2022, the letters and comments are past 12 months today: the page says so...
    expect(page.get_by_test_id("item-introducer_letter")).to_contain_text("Quá hạn")
    screenshot("dossier-2022")

    page.go_back()
    page.goto(page.url.replace(f"/admission/{introduced.pk}/", f"/candidates/{introduced.pk}/"))
    admit = page.get_by_test_id("move-admitted")
    admit.get_by_label("Ngày", exact=True).fill("15/09/2022")
    admit.get_by_label("Ngày chi bộ xét kết nạp").fill("15/09/2022")
    admit.get_by_label("Số quyết định").fill("21-QĐ/ĐU")
    admit.get_by_label("Ngày quyết định").fill("15/09/2022")
    admit.get_by_label("Ngày lễ kết nạp (ngày vào Đảng)").fill("30/09/2022")
    admit.get_by_label("Tổ chức Đảng kết nạp").select_option(index=1)
    admit.get_by_role("button", name="Đã kết nạp").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã kết nạp")

    official = page.get_by_test_id("move-official")
    official.get_by_label("Ngày", exact=True).fill("29/09/2023")
    official.get_by_label("Số quyết định công nhận").fill("45-QĐ/ĐU")
    official.get_by_label("Ngày quyết định").fill("29/09/2023")
    official.get_by_role("button", name="Đảng viên chính thức").click()
    expect(page.locator(".alert-danger")).to_contain_text("chưa hết 12 tháng dự bị (kết thúc ngày 30/09/2023)")
    official = page.get_by_test_id("move-official")
    expect(official.get_by_label("Số quyết định công nhận")).to_have_value("45-QĐ/ĐU")
    official.get_by_label("Ngày", exact=True).fill("30/09/2023")
    official.get_by_label("Ngày quyết định").fill("30/09/2023")
    official.get_by_role("button", name="Đảng viên chính thức").click()
    expect(page.locator(".alert-success")).to_contain_text("Đảng viên chính thức")
    screenshot("official")
