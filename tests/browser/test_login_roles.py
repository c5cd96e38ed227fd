"""Each demo role logs in through real Chromium and sees its own dashboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "TienLang@2022"


@pytest.mark.parametrize(
    "username, role_label, enterprises, unions",
    [
        ("canbo", "Cán bộ LĐLĐ huyện", "104", "34"),
        ("lanhdao", "Lãnh đạo LĐLĐ huyện (Ban Thường vụ)", "104", "34"),
        ("chutich.sunvigo", "Chủ tịch Công đoàn cơ sở", "1", "1"),
        ("chutich.phucthuan", "Chủ tịch Công đoàn cơ sở", "1", "1"),
        ("chutich.m2", "Chủ tịch Công đoàn cơ sở", "1", "1"),
        ("huyenuy", "Cấp ủy Đảng (xem báo cáo)", "104", "34"),
        # Everything: Tiên Lãng's and the second district's (tests/unions/test_demo_reform.py).
        ("admin", "Quản trị hệ thống", "107", "37"),
    ],
    ids=lambda value: value if isinstance(value, str) and value.isascii() and not value.isdigit() else "",
)
def test_demo_role_logs_in_and_sees_its_dashboard(
    page, demo_live, login, screenshot, username, role_label, enterprises, unions
):
    login(username, PASSWORD)
    expect(page).to_have_url(f"{demo_live.url}/")
    expect(page.get_by_test_id("current-user")).to_contain_text(role_label)
    expect(page.get_by_test_id("count-enterprises")).to_have_text(enterprises)
    expect(page.get_by_test_id("count-unions")).to_have_text(unions)
    screenshot("dashboard")

    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(f"{demo_live.url}/accounts/login/")


def test_wrong_password_is_refused_in_vietnamese(page, demo_live, login, screenshot):
    login("canbo", "sai-mat-khau")
    expect(page.locator("form")).to_contain_text("Tên đăng nhập và mật khẩu chính xác")
    screenshot("login-error")


def test_chair_sees_own_union_and_gets_404_for_another(page, demo_live, login, screenshot):
    from unions.models import GrassrootsUnion

    other = GrassrootsUnion.objects.get(code="CD-M2")
    login("chutich.sunvigo", PASSWORD)
    page.get_by_role("link", name="Công đoàn của tôi").click()
    expect(page.locator("h1")).to_contain_text("SunVigo")
    screenshot("own-union")
    response = page.goto(f"{demo_live.url}/unions/{other.pk}/")
    assert response.status == 404


def test_staff_filter_enterprises_without_party_organisation(page, demo_live, login, screenshot):
    login("canbo", PASSWORD)
    page.get_by_role("link", name="Doanh nghiệp", exact=True).click()
    page.get_by_label("Có tổ chức Đảng").select_option("0")
    page.get_by_role("button", name="Lọc").click()
    expect(page.get_by_test_id("result-count")).to_have_text("98")
    screenshot("enterprises-without-party")
