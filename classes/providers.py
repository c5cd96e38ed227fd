"""What classes adds to candidates' handling of a person's data (registered in ClassesConfig.ready())."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Q

from candidates import providers
from candidates.privacy import years_before
from candidates.sensitivity import BASIC, SENSITIVE, Tag

from .models import Attendance, Enrollment, LearnerSupport, StipendPayment


def certificate_placeholder(value, row, person):
    # A passed learner must keep a unique certificate number (database constraints).
    return f"AN-{row.pk}" if value else value


SENSITIVE_MODELS = {
    "classes.Enrollment": (
        {
            "certificate_number": Tag(BASIC, identifying=True, anonymise=certificate_placeholder),
            "result_note": Tag(BASIC),
        },
        "nomination__person",
    ),
    "classes.Attendance": (
        {"absence_reason": Tag(SENSITIVE)},  # may say why: illness, family
        "enrollment__nomination__person",
    ),
    "classes.StipendPayment": ({"cancel_reason": Tag(BASIC)}, "enrollment__nomination__person"),
    "classes.LearnerSupport": ({"note": Tag(BASIC)}, "enrollment__nomination__person"),
}


def retention_hold(people, today: datetime.date):
    """A person paid a stipend within the accounting retention period (or still owed one) is kept."""
    paid_cutoff = years_before(today, settings.RETENTION_YEARS_AFTER_PAYMENT)
    payments = StipendPayment.objects.filter(enrollment__nomination__person=OuterRef("pk"))
    return people.exclude(Exists(payments.filter(Q(status="committed") | Q(paid_on__gte=paid_cutoff))))


def person_sheets(workbook, person, _sheet, _row) -> None:
    """The person's classes, attendance and support, in their data export."""
    enrollments = Enrollment.objects.filter(nomination__person=person).select_related("training_class")
    sheet = _sheet(
        workbook,
        "Lớp học",
        ["Lớp", "Năm", "Ngày ghi danh", "Kết quả", "Số giấy chứng nhận", "Ngày cấp", "Ghi chú kết quả"],
        [44, 7, 13, 18, 18, 12, 40],
    )
    for e in enrollments.order_by("training_class__opens_on", "pk"):
        _row(
            sheet,
            [
                e.training_class.name,
                e.training_class.year,
                e.enrolled_on,
                e.get_result_display(),
                e.certificate_number,
                e.certificate_date,
                e.result_note,
            ],
        )
    sheet = _sheet(workbook, "Điểm danh", ["Lớp", "Ngày học", "Chuyên đề", "Có mặt", "Lý do vắng"], [44, 12, 40, 8, 36])
    attendance = Attendance.objects.filter(enrollment__nomination__person=person).select_related(
        "session__training_class"
    )
    for a in attendance.order_by("session__date", "pk"):
        _row(sheet, [a.session.training_class.name, a.session.date, a.session.topic, a.present, a.absence_reason])
    sheet = _sheet(
        workbook,
        "Hỗ trợ học viên",
        ["Lớp", "Khoản hỗ trợ", "Số tiền (đồng)", "Tình trạng", "Ngày cam kết", "Ngày chi", "Số phiếu chi"]
        + ["Lý do hủy"],
        [40, 30, 14, 12, 12, 12, 14, 30],
    )
    payments = StipendPayment.objects.filter(enrollment__nomination__person=person).select_related(
        "policy", "enrollment__training_class"
    )
    for p in payments.order_by("committed_on", "pk"):
        _row(
            sheet,
            [
                p.enrollment.training_class.name,
                p.policy.name,
                p.amount,
                p.get_status_display(),
                p.committed_on,
                p.paid_on,
                p.voucher_number,
                p.cancel_reason,
            ],
        )
    supports = LearnerSupport.objects.filter(enrollment__nomination__person=person).select_related(
        "enrollment__training_class"
    )
    sheet = _sheet(workbook, "Hỗ trợ khác", ["Lớp", "Loại hỗ trợ", "Ngày trao", "Ghi chú"], [40, 30, 12, 40])
    for s in supports.order_by("given_on", "pk"):
        _row(sheet, [s.enrollment.training_class.name, s.get_kind_display(), s.given_on, s.note])


def register() -> None:
    for label, (tags, person_path) in SENSITIVE_MODELS.items():
        providers.register_sensitive_model(label, tags, person_path)
    providers.register_person_sheets(person_sheets)
    providers.register_retention_hold(retention_hold)
