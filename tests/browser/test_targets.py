"""The city's staff give the commune-level unions their targets; a commune union's staff see them."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_city_gives_targets_and_the_commune_union_sees_them_on_its_quota_page(page, demo_live, login, screenshot):
    from tests import factories
    from unions.models import Federation, Role

    commune = Federation.objects.get(name="Công đoàn xã Vĩnh Bảo")
    staff = factories.make_user(
        role=Role.STAFF, federation=commune, username="canbo.xavinhbao", first_name="Hà", last_name="Đinh Thị"
    )

    login("canbo.thanhpho", "TienLang@2022")
    page.goto(f"{demo_live.url}/?year=2026")
    page.get_by_test_id("comparison").get_by_role("link", name="Giao chỉ tiêu cho các liên đoàn cấp dưới").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("năm 2026")
    expect(page.get_by_test_id("balance-introductions")).to_contain_text("còn 6 chưa giao")
    row = page.locator('[data-testid="target-row"]', has_text="Công đoàn xã Vĩnh Bảo")
    row.get_by_label("Công đoàn xã Vĩnh Bảo — Số người giới thiệu cho Đảng").fill("8")
    row.get_by_label("Công đoàn xã Vĩnh Bảo — Số lớp cần mở").fill("2")
    page.get_by_role("button", name="Lưu chỉ tiêu giao cho cấp dưới").click()
    expect(page.get_by_role("alert").filter(has_text="Đã giao chỉ tiêu năm 2026")).to_be_visible()
    expect(page.get_by_test_id("balance-introductions")).to_contain_text("còn 4 chưa giao")
    screenshot("targets-below")

    page.context.clear_cookies()
    login(staff.username, factories.PASSWORD)
    page.goto(f"{demo_live.url}/reports/quotas/?year=2026")
    given = page.get_by_test_id("given-target")
    expect(given).to_contain_text("Do Liên đoàn Lao động thành phố Hải Phòng giao (Lê Thị Hồng Nhung")
    expect(page.get_by_test_id("given-introductions")).to_have_text("8")
    expect(page.get_by_test_id("given-classes")).to_have_text("2")
    # Its unions were given 2 + 1 of its 8 introductions: 5 still to distribute.
    expect(page.get_by_test_id("check-introductions")).to_contain_text("còn 5")
    expect(page.get_by_label("Số người giới thiệu cho Đảng")).to_have_count(0)  # read only here
    screenshot("given-target")
