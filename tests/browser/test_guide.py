"""The guide of each role: the steps it describes open for that role, and their pictures.

Each step's screen is saved under test-artifacts/guide/ (`make screenshots` copies them into
docs/guide/img/, where the guide, in the docs and in the product, shows them)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "guide"
GUIDE = Path(settings.BASE_DIR) / "docs" / "guide"
PASSWORD = "TienLang@2022"

# role's guide → (account, [(picture, address, text the screen shows)])
STEPS = {
    "chu-tich": (
        "chutich.sunvigo",
        [
            ("chu-tich-tong-quan", "/", "Tổng quan"),
            ("chu-tich-gioi-thieu", "/candidates/new/", "Gửi hồ sơ"),
            ("chu-tich-tai-len", "/candidates/import/", "Tải tệp mẫu"),
            ("chu-tich-ho-so", "/candidates/", "Hồ sơ nguồn"),
        ],
    ),
    "can-bo": (
        "canbo",
        [
            ("can-bo-tong-quan", "/", "Việc cần làm"),
            ("can-bo-duyet", "/candidates/review/", "Duyệt hồ sơ"),
            ("can-bo-lop-hoc", "/classes/", "Lớp học"),
            ("can-bo-kinh-phi", "/classes/budget/", "Kinh phí hỗ trợ"),
            ("can-bo-bao-cao", "/reports/", "Báo cáo"),
        ],
    ),
    "lanh-dao": (
        "lanhdao",
        [
            ("lanh-dao-tong-quan", "/", "Tổng quan"),
            ("lanh-dao-chi-tieu", "/reports/quotas/", "chỉ tiêu"),
            ("lanh-dao-bao-cao", "/reports/quota/", "Tổng cộng"),
        ],
    ),
    "cap-uy": (
        "huyenuy",
        [
            ("cap-uy-danh-sach", "/candidates/", "Người được giới thiệu cho Đảng"),
            ("cap-uy-bao-cao", "/reports/", "Báo cáo"),
        ],
    ),
}


def test_every_picture_of_the_guide_is_taken_here():
    pictures = {name for _account, steps in STEPS.values() for name, _url, _text in steps}
    for slug in STEPS:
        shown = set(re.findall(r"\(img/([a-z0-9-]+)\.png\)", (GUIDE / f"{slug}.md").read_text()))
        assert shown <= pictures, f"{slug}.md shows pictures no test takes: {shown - pictures}"


@pytest.mark.parametrize("slug", list(STEPS))
def test_guide_steps_for_each_role(page, demo_live, login, slug):
    account, steps = STEPS[slug]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    login(account, PASSWORD)
    page.get_by_role("link", name="Hướng dẫn", exact=True).first.click()
    expect(page.get_by_test_id("guide-pages")).to_contain_text("vai trò của đồng chí")
    page.get_by_test_id("guide-pages").get_by_role("link").nth(list(STEPS).index(slug)).click()
    expect(page.get_by_test_id("guide-body")).to_contain_text("Hướng dẫn cho")
    for picture, url, text in steps:
        response = page.goto(f"{demo_live.url}{url}")
        assert response is not None and response.status == 200, url
        expect(page.locator("main")).to_contain_text(text)
        page.screenshot(path=str(ARTIFACTS / f"{picture}.png"), full_page=False)
