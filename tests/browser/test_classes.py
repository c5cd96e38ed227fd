"""Staff take attendance for a class session and pay stipends under one voucher (after seed_demo)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "TienLang@2022"
FIRST_CLASS = "Lớp bồi dưỡng nhận thức về Đảng cho CNLĐ doanh nghiệp ngoài nhà nước — khóa 1/2022"


def test_staff_take_attendance_and_pay_stipends(page, demo_live, login, screenshot):
    from classes.models import Attendance, ClassSession, Enrollment, PaymentStatus, StipendPayment

    session = ClassSession.objects.filter(training_class__name=FIRST_CLASS).order_by("date").first()
    learners = list(
        Enrollment.objects.filter(training_class=session.training_class)
        .select_related("nomination__person")
        .order_by("nomination__search_folded", "pk")
    )
    first = learners[0].nomination.person.full_name
    marks = dict(Attendance.objects.filter(session=session).values_list("enrollment", "present"))
    absent = next((e for e in learners[1:] if not marks[e.pk]), learners[-1])
    absent_name = absent.nomination.person.full_name

    login("canbo", PASSWORD)
    page.locator("#mainnav").get_by_role("link", name="Lớp học", exact=True).click()
    page.get_by_role("link", name=FIRST_CLASS).click()
    expect(page.get_by_test_id("capacity")).to_have_text("47 / 60")
    expect(page.get_by_test_id("count-passed")).to_have_text("44")
    screenshot("class-detail")

    # Attendance for the first session: untick one learner, tick another, save all at once.
    page.get_by_test_id("sessions").get_by_role("link", name="Điểm danh").first.click()
    expect(page.get_by_test_id("session-date")).to_have_text("20/03/2022")
    page.get_by_label(f"Có mặt: {first}").uncheck()
    page.get_by_label(f"Lý do vắng: {first}").fill("Ốm, có giấy của trạm y tế")
    page.get_by_label(f"Có mặt: {absent_name}").check()
    page.get_by_role("button", name="Lưu điểm danh").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã lưu điểm danh buổi 20/03/2022")
    expect(page.get_by_label(f"Có mặt: {first}")).not_to_be_checked()
    expect(page.get_by_label(f"Lý do vắng: {first}")).to_have_value("Ốm, có giấy của trạm y tế")
    expect(page.get_by_label(f"Có mặt: {absent_name}")).to_be_checked()
    saved = dict(Attendance.objects.filter(session=session).values_list("enrollment", "present"))
    assert saved[learners[0].pk] is False and saved[absent.pk] is True
    screenshot("attendance-saved")

    # Stipends: three learners still owed their 3,000,000 ₫, paid under one voucher.
    page.get_by_role("link", name=FIRST_CLASS).click()
    page.get_by_role("link", name="Hỗ trợ học viên").click()
    expect(page.get_by_test_id("committed-total")).to_have_text("141.000.000 ₫")
    expect(page.get_by_test_id("paid-total")).to_have_text("90.000.000 ₫")
    unpaid = list(
        StipendPayment.objects.filter(status=PaymentStatus.COMMITTED)
        .select_related("enrollment__nomination__person")
        .order_by("enrollment__nomination__search_folded")[:3]
    )
    names = [p.enrollment.nomination.person.full_name for p in unpaid]
    for name in names:
        page.get_by_label(f"Chọn {name}").check()
    page.get_by_label("Việc cần ghi").select_option("pay")
    page.get_by_label("Số phiếu chi").fill("PC-2022/050")
    screenshot("payments-chosen")
    page.get_by_role("button", name="Ghi cho học viên đã chọn").click()
    expect(page.locator(".alert-success")).to_contain_text(
        "Đã ghi chi hỗ trợ cho 3 học viên, phiếu chi số PC-2022/050."
    )
    expect(page.get_by_test_id("paid-total")).to_have_text("99.000.000 ₫")
    expect(page.get_by_test_id("outstanding-total")).to_have_text("42.000.000 ₫")
    assert set(
        StipendPayment.objects.filter(pk__in=[p.pk for p in unpaid]).values_list("status", "voucher_number")
    ) == {(PaymentStatus.PAID, "PC-2022/050")}
    screenshot("payments-saved")

    page.locator("#mainnav").get_by_role("link", name="Lớp học", exact=True).click()
    page.get_by_role("link", name="Kinh phí hỗ trợ").click()
    expect(page.get_by_test_id("paid-total")).to_have_text("99.000.000 ₫")
    screenshot("budget")
