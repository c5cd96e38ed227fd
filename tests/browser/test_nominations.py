"""A chair nominates one person with live feedback; staff approve from the review queue."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "TienLang@2022"


def test_chair_nominates_with_live_eligibility_feedback(page, demo_live, login, screenshot):
    login("chutich.m2", PASSWORD)
    page.get_by_role("link", name="Giới thiệu đoàn viên").first.click()
    page.get_by_label("Họ và tên").fill("Phan Thị Thử Nghiệm")
    page.get_by_label("Giới tính").select_option("F")
    page.get_by_label("Ngày sinh").fill("01/01/2005")
    page.get_by_label("Số CCCD").fill("099888777666")
    page.get_by_label("Ngày vào Công đoàn").fill("01/01/2023")
    page.get_by_label("Tỉnh/Thành phố thường trú").fill("Thành phố Hải Phòng")
    page.get_by_label("Quận/Huyện thường trú").fill("Huyện Tiên Lãng")
    page.get_by_label("Xã/Phường thường trú").fill("Xã Cấp Tiến")
    page.get_by_label("Ngày giới thiệu").fill("10/02/2023")
    # Too young and too short a membership: the page says so while typing.
    expect(page.get_by_test_id("findings")).to_contain_text("chưa đủ 12 tháng")
    # Each finding also stands beside its field, right under it, not only in the summary.
    beside = page.get_by_test_id("finding-beside-union_joined_on")
    expect(beside).to_contain_text("chưa đủ 12 tháng")
    field_box = page.get_by_label("Ngày vào Công đoàn").bounding_box()
    note_box = beside.bounding_box()
    assert 0 <= note_box["y"] - (field_box["y"] + field_box["height"]) < 60
    page.get_by_label("Ngày sinh").fill("01/01/2006")
    age = page.get_by_test_id("finding-beside-date_of_birth")
    expect(age).to_contain_text("chưa đủ 17 tuổi 6 tháng (mới 17 tuổi 1 tháng)")
    assert "tháng tuổi" not in age.inner_text()
    expect(page.get_by_test_id("findings-count")).to_contain_text("2 điều cần xem")
    # The summary is at the top of the form, above the first field.
    assert page.get_by_test_id("findings").bounding_box()["y"] < page.get_by_label("Họ và tên").bounding_box()["y"]
    screenshot("blocked-while-typing")
    page.get_by_label("Ngày sinh").fill("01/01/2005")
    page.get_by_label("Ngày vào Công đoàn").fill("01/01/2022")
    page.get_by_label("Ngày sinh").fill("01/01/1998")
    expect(page.get_by_test_id("findings-ok")).to_be_visible()
    page.get_by_label("Đã có đơn tự nguyện của đoàn viên").check()
    page.get_by_label("Nhận xét của Chủ tịch CĐCS").fill("Gương mẫu, tích cực trong phong trào thi đua.")
    page.get_by_label("Tôi xác nhận đoàn viên đạt các tiêu chuẩn").check()
    page.get_by_role("button", name="Gửi hồ sơ").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã gửi hồ sơ của Phan Thị Thử Nghiệm")
    expect(page.get_by_test_id("citizen-id")).to_have_text("099888777666")
    screenshot("nomination-saved")


def test_staff_approve_from_the_review_queue(page, demo_live, login, screenshot):
    from candidates.models import Nomination, Status
    from tests.factories import make_nomination
    from unions.models import GrassrootsUnion

    union = GrassrootsUnion.objects.get(code="CD-SUNVIGO")
    first = make_nomination(union=union, year=2023, full_name="Lò Văn Hàng Đợi", nominated_on=None)
    second = make_nomination(union=union, year=2023, full_name="Mai Thị Chờ Duyệt")
    login("canbo", PASSWORD)
    page.get_by_role("link", name="Duyệt hồ sơ").first.click()
    expect(page.get_by_test_id("queue-count")).to_have_text("2")
    screenshot("queue")
    page.get_by_label("Chọn Lò Văn Hàng Đợi").check()
    page.get_by_label("Chọn Mai Thị Chờ Duyệt").check()
    page.get_by_role("button", name="Duyệt các hồ sơ đã chọn").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã duyệt 2 hồ sơ")
    expect(page.get_by_test_id("queue-count")).to_have_text("0")
    assert set(Nomination.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)) == {
        Status.APPROVED
    }
    screenshot("queue-empty")
