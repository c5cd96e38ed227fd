"""Enrolment, attendance, results and stipends: what staff do and what the system refuses."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from candidates import services as nomination_services
from candidates.models import Nomination, NominationEvent, Status
from classes import services
from classes.models import (
    Attendance,
    ClassStatus,
    Enrollment,
    LearnerSupport,
    PaymentStatus,
    Result,
    StipendPayment,
    SupportKind,
)
from tests import factories

pytestmark = pytest.mark.django_db

CLOSES = datetime.date(2022, 3, 25)


def messages_of(excinfo) -> str:
    return " | ".join(excinfo.value.messages)


# --- enrolment ----------------------------------------------------------------------------


def test_enrol_moves_approved_nominations_to_enrolled_and_records_the_class(klass, union_a, staff):
    nomination = factories.make_approved_nomination(union_a, staff, full_name="Lê Thị Học")
    [enrollment] = services.enrol(klass, [nomination], staff, on=klass.opens_on)
    nomination.refresh_from_db()
    assert (nomination.status, nomination.stage) == (Status.ENROLLED, 3)
    assert enrollment.training_class == klass and enrollment.result == Result.PENDING
    event = NominationEvent.objects.filter(nomination=nomination, to_status=Status.ENROLLED).get()
    assert event.details == {"class_id": klass.pk, "class_name": klass.name}
    assert event.happened_on == klass.opens_on and event.recorded_by == staff


def test_enrol_can_commit_the_stipend_at_once(klass, policy, union_a, staff):
    nomination = factories.make_approved_nomination(union_a, staff)
    [enrollment] = services.enrol(klass, [nomination], staff, policy=policy)
    payment = StipendPayment.objects.get(enrollment=enrollment)
    assert (payment.amount, payment.status) == (3_000_000, PaymentStatus.COMMITTED)


def test_enrol_refuses_more_people_than_free_places_and_saves_nothing(federation, union_a, staff):
    small = factories.make_class(federation, capacity=2)
    factories.make_learner(small, union_a, staff)
    chosen = [factories.make_approved_nomination(union_a, staff) for _ in range(2)]
    with pytest.raises(ValidationError) as excinfo:
        services.enrol(small, chosen, staff)
    assert "chỉ còn 1 chỗ (đã có 1/2 học viên)" in messages_of(excinfo)
    assert small.enrollments.count() == 1
    assert set(Nomination.objects.filter(pk__in=[n.pk for n in chosen]).values_list("status", flat=True)) == {
        Status.APPROVED
    }
    services.enrol(small, chosen[:1], staff)  # exactly the free place is fine
    assert small.enrollments.count() == 2


def test_enrol_refuses_a_second_class_for_the_same_nomination(federation, klass, learner_a, staff):
    other = factories.make_class(federation, name="Lớp thử nghiệm khóa 2/2022")
    with pytest.raises(ValidationError) as excinfo:
        services.enrol(other, [learner_a.nomination], staff)
    assert "Đặng Thị Ánh đã được ghi danh vào lớp “Lớp thử nghiệm khóa 1/2022”" in messages_of(excinfo)
    assert other.enrollments.count() == 0


def test_enrol_refuses_a_nomination_that_is_not_approved(klass, union_a, staff):
    waiting = factories.make_nomination(union=union_a, user=staff, full_name="Vũ Văn Chờ")
    with pytest.raises(ValidationError) as excinfo:
        services.enrol(klass, [waiting], staff)
    assert "Vũ Văn Chờ: hồ sơ đang ở trạng thái “Được giới thiệu học”" in messages_of(excinfo)
    assert not Enrollment.objects.exists()
    waiting.refresh_from_db()
    assert waiting.status == Status.NOMINATED


def test_enrol_refuses_a_finished_class(klass, union_a, staff):
    klass.status = ClassStatus.FINISHED
    klass.save()
    nomination = factories.make_approved_nomination(union_a, staff)
    with pytest.raises(ValidationError, match="không nhận thêm học viên"):
        services.enrol(klass, [nomination], staff)


def test_only_staff_enrol(klass, union_a, staff, leadership, chair_a):
    nomination = factories.make_approved_nomination(union_a, staff)
    for user in (leadership, chair_a):
        with pytest.raises(PermissionDenied):
            services.enrol(klass, [nomination], user)
    assert not Enrollment.objects.exists()


def test_staff_of_another_federation_cannot_enrol_into_this_class(klass, union_a, staff, other_federation):
    outsider = factories.make_user("staff", federation=other_federation)
    nomination = factories.make_approved_nomination(union_a, staff)
    with pytest.raises(PermissionDenied):
        services.enrol(klass, [nomination], outsider)


# --- attendance ---------------------------------------------------------------------------


def test_attendance_saves_the_whole_session_and_a_second_save_replaces_it(klass, session, learner_a, learner_b, staff):
    services.record_attendance(
        session, [services.Mark(learner_a.pk, True), services.Mark(learner_b.pk, False, "Ốm")], staff
    )
    marks = {a.enrollment_id: (a.present, a.absence_reason) for a in Attendance.objects.filter(session=session)}
    assert marks == {learner_a.pk: (True, ""), learner_b.pk: (False, "Ốm")}
    klass.refresh_from_db()
    assert klass.status == ClassStatus.RUNNING  # taking attendance starts a planned class

    services.record_attendance(
        session, [services.Mark(learner_a.pk, False, ""), services.Mark(learner_b.pk, True, "ignored")], staff
    )
    marks = {a.enrollment_id: (a.present, a.absence_reason) for a in Attendance.objects.filter(session=session)}
    assert marks == {learner_a.pk: (False, ""), learner_b.pk: (True, "")}


def test_attendance_refuses_a_learner_of_another_class_and_saves_nothing(
    federation, session, learner_a, union_b, staff
):
    stranger = factories.make_learner(factories.make_class(federation), union_b, staff)
    with pytest.raises(ValidationError, match="không thuộc lớp này"):
        services.record_attendance(
            session, [services.Mark(learner_a.pk, True), services.Mark(stranger.pk, True)], staff
        )
    assert not Attendance.objects.exists()


def test_only_staff_take_attendance(session, learner_a, leadership, chair_a):
    for user in (leadership, chair_a):
        with pytest.raises(PermissionDenied):
            services.record_attendance(session, [services.Mark(learner_a.pk, True)], user)


# --- results ------------------------------------------------------------------------------


def test_passed_learner_gets_a_certificate_and_completes_the_class(klass, learner_a, staff):
    services.record_results(
        klass,
        [services.ResultInput(learner_a.pk, Result.PASSED, "012/GCN-TTCT", CLOSES, row=1)],
        staff,
    )
    learner_a.refresh_from_db()
    nomination = learner_a.nomination
    nomination.refresh_from_db()
    assert (learner_a.result, learner_a.certificate_number, learner_a.certificate_date) == (
        Result.PASSED,
        "012/GCN-TTCT",
        CLOSES,
    )
    assert (nomination.status, nomination.stage) == (Status.COMPLETED, 4)
    event = nomination.events.get(to_status=Status.COMPLETED)
    assert event.details["certificate_number"] == "012/GCN-TTCT"
    assert event.happened_on == CLOSES


@pytest.mark.parametrize(
    ("result", "label"),
    [(Result.FAILED, "Không đạt"), (Result.ABSENT, "Vắng quá số buổi quy định"), (Result.LEFT, "Bỏ học giữa chừng")],
)
def test_failed_absent_or_left_ends_the_path_with_the_reason(klass, learner_a, staff, result, label):
    services.record_results(
        klass, [services.ResultInput(learner_a.pk, result, note="bài thu hoạch chưa đạt", row=1)], staff
    )
    nomination = Nomination.objects.get(pk=learner_a.nomination_id)
    assert nomination.status == Status.NOT_COMPLETED
    assert nomination.stage == 3  # still counts as having enrolled
    event = nomination.events.get(to_status=Status.NOT_COMPLETED)
    assert event.reason == f"{label}: bài thu hoạch chưa đạt"


def test_results_are_all_or_nothing_with_row_named_errors(klass, learner_a, learner_b, staff):
    rows = [
        services.ResultInput(learner_a.pk, Result.PASSED, "001/GCN", CLOSES, row=1),
        services.ResultInput(learner_b.pk, Result.PASSED, "", None, row=2),
    ]
    with pytest.raises(ValidationError) as excinfo:
        services.record_results(klass, rows, staff)
    text = messages_of(excinfo)
    assert "Dòng 2 — Trịnh Văn Bình: cần ghi số giấy chứng nhận" in text
    assert "Dòng 2 — Trịnh Văn Bình: cần ghi ngày cấp giấy chứng nhận" in text
    assert not Enrollment.objects.exclude(result=Result.PENDING).exists()
    assert not Nomination.objects.filter(status=Status.COMPLETED).exists()


def test_duplicate_certificate_number_is_refused_naming_both_learners(klass, learner_a, learner_b, staff):
    services.record_results(klass, [services.ResultInput(learner_a.pk, Result.PASSED, "007/GCN", CLOSES, row=1)], staff)
    with pytest.raises(ValidationError) as excinfo:
        services.record_results(
            klass, [services.ResultInput(learner_b.pk, Result.PASSED, "007/GCN", CLOSES, row=2)], staff
        )
    assert (
        "Dòng 2 — Trịnh Văn Bình: số giấy chứng nhận “007/GCN” đã cấp cho Đặng Thị Ánh "
        "(lớp “Lớp thử nghiệm khóa 1/2022”)" in messages_of(excinfo)
    )
    learner_b.refresh_from_db()
    assert learner_b.result == Result.PENDING


def test_duplicate_certificate_number_within_one_save_is_refused(klass, learner_a, learner_b, staff):
    rows = [
        services.ResultInput(learner_a.pk, Result.PASSED, "008/GCN", CLOSES, row=1),
        services.ResultInput(learner_b.pk, Result.PASSED, "008/GCN", CLOSES, row=2),
    ]
    with pytest.raises(ValidationError) as excinfo:
        services.record_results(klass, rows, staff)
    assert "Dòng 2 — Trịnh Văn Bình: số giấy chứng nhận “008/GCN” trùng với dòng 1 — Đặng Thị Ánh" in messages_of(
        excinfo
    )


def test_certificate_number_taken_in_another_federation_is_refused_without_naming_the_holder(
    klass, learner_a, union_elsewhere, other_federation
):
    other_staff = factories.make_user("staff", federation=other_federation)
    other_class = factories.make_class(other_federation)
    outsider = factories.make_learner(other_class, union_elsewhere, other_staff, full_name="Người Ở Nơi Khác")
    services.record_results(
        other_class, [services.ResultInput(outsider.pk, Result.PASSED, "100/GCN", CLOSES, row=1)], other_staff
    )
    staff = factories.make_user("staff", federation=klass.federation)
    with pytest.raises(ValidationError) as excinfo:
        services.record_results(
            klass, [services.ResultInput(learner_a.pk, Result.PASSED, "100/GCN", CLOSES, row=1)], staff
        )
    text = messages_of(excinfo)
    assert "đã được cấp cho học viên khác" in text and "Người Ở Nơi Khác" not in text


def test_certificate_date_must_be_within_reason(klass, learner_a, staff):
    with pytest.raises(ValidationError, match="không được trước ngày khai giảng 20/03/2022"):
        services.record_results(
            klass,
            [services.ResultInput(learner_a.pk, Result.PASSED, "1/GCN", datetime.date(2022, 3, 1), row=1)],
            staff,
        )
    with pytest.raises(ValidationError, match="chỉ ghi số và ngày cấp giấy chứng nhận khi kết quả là “Đạt”"):
        services.record_results(klass, [services.ResultInput(learner_a.pk, Result.FAILED, "1/GCN", None, row=1)], staff)


def test_a_recorded_result_is_not_changed_here_but_the_certificate_can_be_corrected(klass, learner_a, staff):
    services.record_results(klass, [services.ResultInput(learner_a.pk, Result.PASSED, "009/GCN", CLOSES, row=1)], staff)
    with pytest.raises(ValidationError, match="kết quả đã ghi là “Đạt”; muốn sửa, hãy ghi đính chính"):
        services.record_results(klass, [services.ResultInput(learner_a.pk, Result.FAILED, row=1)], staff)
    summary = services.record_results(
        klass, [services.ResultInput(learner_a.pk, Result.PASSED, "009A/GCN", CLOSES, row=1)], staff
    )
    assert summary == {"passed": 0, "not_completed": 0, "updated": 1}
    learner_a.refresh_from_db()
    assert learner_a.certificate_number == "009A/GCN"
    assert learner_a.nomination.events.filter(to_status=Status.COMPLETED).count() == 1


def test_a_withdrawn_learner_gets_no_result(klass, learner_a, staff):
    nomination_services.move(learner_a.nomination, Status.WITHDRAWN, staff, reason="Nghỉ việc, chuyển công ty khác")
    with pytest.raises(ValidationError, match="Dòng 1 — Đặng Thị Ánh: hồ sơ đang ở trạng thái “Rút khỏi danh sách”"):
        services.record_results(
            klass, [services.ResultInput(learner_a.pk, Result.PASSED, "1/GCN", CLOSES, row=1)], staff
        )


# --- stipends -----------------------------------------------------------------------------


def test_pay_marks_committed_stipends_paid_under_one_voucher(klass, policy, learner_a, learner_b, staff):
    services.commit_stipends(klass, [learner_a.pk, learner_b.pk], policy, staff, on=klass.opens_on)
    paid = services.pay_stipends(
        klass, [learner_a.pk, learner_b.pk], policy, staff, voucher_number="PC-15", paid_on=CLOSES
    )
    assert len(paid) == 2
    rows = StipendPayment.objects.values_list("status", "voucher_number", "paid_on", "amount", "paid_by")
    assert set(rows) == {(PaymentStatus.PAID, "PC-15", CLOSES, 3_000_000, staff.pk)}
    assert StipendPayment.objects.count() == 2  # the commitments were paid, not duplicated


def test_pay_without_a_commitment_commits_and_pays_at_once(klass, policy, learner_a, staff):
    services.pay_stipends(klass, [learner_a.pk], policy, staff, voucher_number="PC-16", paid_on=CLOSES)
    payment = StipendPayment.objects.get()
    assert (payment.status, payment.amount, payment.committed_on) == (PaymentStatus.PAID, 3_000_000, CLOSES)


def test_paying_twice_is_refused_with_the_voucher_named(klass, policy, learner_a, learner_b, staff):
    services.pay_stipends(klass, [learner_a.pk], policy, staff, voucher_number="PC-17", paid_on=CLOSES)
    with pytest.raises(ValidationError) as excinfo:
        services.pay_stipends(
            klass, [learner_a.pk, learner_b.pk], policy, staff, voucher_number="PC-18", paid_on=CLOSES
        )
    assert "Đặng Thị Ánh đã được chi 3.000.000 ₫ (phiếu chi số PC-17 ngày 25/03/2022)" in messages_of(excinfo)
    assert not StipendPayment.objects.filter(enrollment=learner_b).exists()


def test_payment_to_a_withdrawn_person_is_refused_naming_them(klass, policy, learner_a, learner_b, staff):
    services.commit_stipends(klass, [learner_a.pk, learner_b.pk], policy, staff)
    nomination_services.move(learner_b.nomination, Status.WITHDRAWN, staff, reason="Nghỉ việc")
    with pytest.raises(ValidationError) as excinfo:
        services.pay_stipends(
            klass, [learner_a.pk, learner_b.pk], policy, staff, voucher_number="PC-19", paid_on=CLOSES
        )
    assert "Không thể chi hỗ trợ cho Trịnh Văn Bình: hồ sơ đang ở trạng thái “Rút khỏi danh sách”" in messages_of(
        excinfo
    )
    # All or nothing: the other learner in the same batch was not paid either.
    assert not StipendPayment.objects.filter(status=PaymentStatus.PAID).exists()
    with pytest.raises(ValidationError, match="Trịnh Văn Bình"):
        services.commit_stipends(klass, [learner_b.pk], factories.make_policy(klass.federation), staff)


def test_payment_after_not_completing_the_class_is_refused(klass, policy, learner_a, staff):
    services.record_results(klass, [services.ResultInput(learner_a.pk, Result.FAILED, row=1)], staff)
    with pytest.raises(
        ValidationError, match="Không thể chi hỗ trợ cho Đặng Thị Ánh: hồ sơ đang ở trạng thái “Không hoàn thành”"
    ):
        services.pay_stipends(klass, [learner_a.pk], policy, staff, voucher_number="PC-20", paid_on=CLOSES)


def test_payment_continues_after_the_class_while_on_the_path(klass, policy, learner_a, staff):
    services.record_results(klass, [services.ResultInput(learner_a.pk, Result.PASSED, "1/GCN", CLOSES, row=1)], staff)
    services.pay_stipends(klass, [learner_a.pk], policy, staff, voucher_number="PC-21", paid_on=CLOSES)
    assert StipendPayment.objects.get().status == PaymentStatus.PAID


def test_payment_needs_a_voucher_a_past_date_and_a_policy_of_the_year(klass, federation, learner_a, staff):
    policy = factories.make_policy(federation, from_year=2024, to_year=2025, name="Chế độ mới")
    with pytest.raises(ValidationError, match="Cần ghi số phiếu chi"):
        services.pay_stipends(klass, [learner_a.pk], policy, staff, voucher_number=" ", paid_on=CLOSES)
    with pytest.raises(ValidationError, match="không được ở tương lai"):
        services.pay_stipends(
            klass, [learner_a.pk], policy, staff, voucher_number="PC", paid_on=datetime.date.today().replace(year=2100)
        )
    with pytest.raises(ValidationError, match="áp dụng năm 2024–2025, không áp dụng cho lớp năm 2022"):
        services.pay_stipends(klass, [learner_a.pk], policy, staff, voucher_number="PC", paid_on=CLOSES)


def test_cancel_only_a_committed_amount(klass, policy, learner_a, learner_b, staff):
    [committed, paid] = services.commit_stipends(klass, [learner_a.pk, learner_b.pk], policy, staff)
    services.pay_stipends(klass, [learner_b.pk], policy, staff, voucher_number="PC-22", paid_on=CLOSES)
    services.cancel_payment(committed, staff, "Học viên đã rút khỏi danh sách")
    committed.refresh_from_db()
    assert committed.status == PaymentStatus.CANCELLED
    with pytest.raises(ValidationError, match="chỉ hủy được khoản chưa chi"):
        services.cancel_payment(StipendPayment.objects.get(enrollment=learner_b), staff, "nhầm")
    # A cancelled commitment no longer blocks committing again.
    services.commit_stipends(klass, [learner_a.pk], policy, staff)


def test_shirts_are_recorded_once_per_learner(klass, learner_a, learner_b, staff):
    services.record_support(klass, [learner_a.pk, learner_b.pk], SupportKind.SHIRT, staff, on=klass.opens_on)
    services.record_support(klass, [learner_a.pk], SupportKind.SHIRT, staff, on=CLOSES)
    assert dict(LearnerSupport.objects.values_list("enrollment", "given_on")) == {
        learner_a.pk: CLOSES,
        learner_b.pk: klass.opens_on,
    }


# --- budget figures -----------------------------------------------------------------------


def test_budget_figures_equal_the_sum_of_payments(federation, union_a, union_b, staff):
    first, second = factories.make_class(federation), factories.make_class(federation)
    city = factories.make_policy(federation, funding_source="LĐLĐ thành phố Hải Phòng")
    district = factories.make_policy(federation, funding_source="LĐLĐ huyện", amount=500_000)
    a1, a2 = (factories.make_learner(first, union_a, staff) for _ in range(2))
    b1 = factories.make_learner(first, union_b, staff)
    b2 = factories.make_learner(second, union_b, staff)
    services.commit_stipends(first, [a1.pk, a2.pk, b1.pk], city, staff)
    services.commit_stipends(second, [b2.pk], city, staff)
    services.pay_stipends(first, [a1.pk, b1.pk], city, staff, voucher_number="PC-1", paid_on=CLOSES)
    services.pay_stipends(first, [a1.pk], district, staff, voucher_number="PC-2", paid_on=CLOSES)
    services.cancel_payment(StipendPayment.objects.get(enrollment=b2, policy=city), staff, "rút")

    payments = StipendPayment.objects.all()
    rows = list(payments.select_related("enrollment__nomination", "policy"))

    def expected(key):
        figures = {}
        for p in rows:
            if p.status == PaymentStatus.CANCELLED:
                continue
            f = figures.setdefault(key(p), {"committed": 0, "paid": 0})
            f["committed"] += p.amount
            f["paid"] += p.amount if p.status == PaymentStatus.PAID else 0
        return {k: (v["committed"], v["paid"], v["committed"] - v["paid"]) for k, v in figures.items()}

    def actual(group):
        return {r["key"]: (r["committed"], r["paid"], r["outstanding"]) for r in services.budget_rows(payments, group)}

    assert actual("class") == expected(lambda p: p.enrollment.training_class_id)
    assert actual("union") == expected(lambda p: p.enrollment.nomination.union_id)
    assert actual("source") == expected(lambda p: p.policy.funding_source)
    assert actual("class") == {first.pk: (9_500_000, 6_500_000, 3_000_000)}
    assert actual("source") == {
        "LĐLĐ thành phố Hải Phòng": (9_000_000, 6_000_000, 3_000_000),
        "LĐLĐ huyện": (500_000, 500_000, 0),
    }
    totals = services.budget_totals(payments)
    assert (totals["committed"], totals["paid"], totals["outstanding"], totals["learners"]) == (
        9_500_000,
        6_500_000,
        3_000_000,
        3,
    )


def test_budget_figures_cost_a_fixed_number_of_queries(
    federation, union_a, staff, policy, django_assert_max_num_queries
):
    klass = factories.make_class(federation)
    learners = [factories.make_learner(klass, union_a, staff) for _ in range(6)]
    services.commit_stipends(klass, [e.pk for e in learners], policy, staff)
    with django_assert_max_num_queries(4):
        services.budget_summary(StipendPayment.objects.all())


def test_a_chair_sees_only_their_own_unions_learners_and_money(klass, policy, learner_a, learner_b, staff, chair_a):
    services.commit_stipends(klass, [learner_a.pk, learner_b.pk], policy, staff)
    assert list(Enrollment.objects.for_user(chair_a)) == [learner_a]
    assert services.budget_totals(StipendPayment.objects.for_user(chair_a))["committed"] == 3_000_000
    assert [r["label"] for r in services.budget_rows(StipendPayment.objects.for_user(chair_a), "union")] == [
        learner_a.nomination.union.name
    ]


def test_a_chair_sees_a_class_only_when_their_people_are_in_it(federation, klass, learner_b, chair_a, chair_b):
    from classes.models import TrainingClass

    empty = factories.make_class(federation)
    assert list(TrainingClass.objects.for_user(chair_a)) == []
    assert list(TrainingClass.objects.for_user(chair_b)) == [klass]
    assert empty not in TrainingClass.objects.for_user(chair_b)
