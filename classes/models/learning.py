"""Party-awareness classes (lớp bồi dưỡng nhận thức về Đảng), learners, attendance, results,
certificates, stipends and the other support given to learners.

A learner is a nomination enrolled in a class: `Enrollment` links the two, and every
nomination status change it causes (enrolled, completed, not completed) goes through
`candidates.services.move` from `classes.services`, so the nomination's history and its
`stage` stay the one truth the reports count from.

Scoping: staff and leadership see their federation's rows; a union chair sees the rows
of their own union's learners (and, read-only, the classes and sessions those learners
are in); Party committee viewers see nothing here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from candidates.models import Nomination
from tienlang.lib.audit import HISTORY_EXCLUDED
from tienlang.lib.collation import COLLATION
from tienlang.lib.text import clean_text
from tienlang.lib.versioning import VersionedModel
from unions.models import Federation
from unions.querysets import ScopedQuerySet

DEFAULT_ORGANISER = "Trung tâm Chính trị huyện phối hợp Ban Tổ chức Huyện ủy và LĐLĐ huyện"


# ---------------------------------------------------------------------------------------
# Classes and sessions
# ---------------------------------------------------------------------------------------


class ClassStatus(models.TextChoices):
    PLANNED = "planned", _("Dự kiến")
    RUNNING = "running", _("Đang học")
    FINISHED = "finished", _("Đã kết thúc")
    CANCELLED = "cancelled", _("Đã hủy")


class TrainingClassQuerySet(ScopedQuerySet):
    federation_lookup = "federation"
    # A chair sees (read-only) the classes their union's people are in.
    union_lookup = "enrollments__nomination__union"


class TrainingClass(VersionedModel):
    """One Party-awareness class: organiser, dates, venue and number of places."""

    federation = models.ForeignKey(
        Federation, verbose_name=_("liên đoàn lao động"), on_delete=models.PROTECT, related_name="training_classes"
    )
    name = models.CharField(_("tên lớp"), max_length=255, db_collation=COLLATION)
    year = models.PositiveSmallIntegerField(_("năm"))
    organiser = models.CharField(_("đơn vị tổ chức"), max_length=255, default=DEFAULT_ORGANISER)
    opens_on = models.DateField(_("ngày khai giảng"))
    closes_on = models.DateField(_("ngày bế giảng"))
    venue = models.CharField(_("địa điểm"), max_length=255)
    capacity = models.PositiveSmallIntegerField(_("số học viên tối đa"))
    status = models.CharField(_("tình trạng"), max_length=10, choices=ClassStatus.choices, default=ClassStatus.PLANNED)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    objects = TrainingClassQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("lớp bồi dưỡng nhận thức về Đảng")
        verbose_name_plural = _("lớp bồi dưỡng nhận thức về Đảng")
        ordering = ["-year", "opens_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "year", "name"],
                name="classes_trainingclass_unique_name",
                violation_error_message=_("Đã có lớp cùng tên trong năm này."),
            ),
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="classes_trainingclass_dates_in_order",
                violation_error_message=_("Ngày bế giảng không được trước ngày khai giảng."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="classes_trainingclass_capacity_positive",
                violation_error_message=_("Số học viên tối đa phải lớn hơn 0."),
            ),
        ]
        indexes = [models.Index(fields=["federation", "year"], name="classes_class_fed_year")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        for name in ("name", "organiser", "venue", "note"):
            setattr(self, name, clean_text(getattr(self, name)))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("classes:class_detail", args=[self.pk])

    @property
    def accepts_enrolment(self) -> bool:
        return self.status in (ClassStatus.PLANNED, ClassStatus.RUNNING)

    @property
    def is_cancelled(self) -> bool:
        return self.status == ClassStatus.CANCELLED


class ClassSessionQuerySet(ScopedQuerySet):
    federation_lookup = "training_class__federation"
    union_lookup = "training_class__enrollments__nomination__union"


class ClassSession(models.Model):
    """One day (or half-day) of a class, with its topic; attendance is taken per session."""

    training_class = models.ForeignKey(
        TrainingClass, verbose_name=_("lớp"), on_delete=models.CASCADE, related_name="sessions"
    )
    date = models.DateField(_("ngày học"))
    topic = models.CharField(_("chuyên đề"), max_length=255)
    lecturer = models.CharField(_("giảng viên"), max_length=120, blank=True)

    objects = ClassSessionQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("buổi học")
        verbose_name_plural = _("buổi học")
        ordering = ["training_class", "date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["training_class", "date", "topic"],
                name="classes_classsession_unique",
                violation_error_message=_("Lớp đã có buổi học cùng ngày với chuyên đề này."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.topic}"

    def save(self, *args, **kwargs):
        self.topic = clean_text(self.topic)
        self.lecturer = clean_text(self.lecturer)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("classes:attendance", args=[self.training_class_id, self.pk])


# ---------------------------------------------------------------------------------------
# Learners
# ---------------------------------------------------------------------------------------


class Result(models.TextChoices):
    PENDING = "pending", _("Chưa có kết quả")
    PASSED = "passed", _("Đạt")
    FAILED = "failed", _("Không đạt")
    ABSENT = "absent", _("Vắng quá số buổi quy định")
    LEFT = "left", _("Bỏ học giữa chừng")


# Results that end the class without a certificate (the nomination becomes not_completed).
NOT_COMPLETED_RESULTS = [Result.FAILED, Result.ABSENT, Result.LEFT]


class EnrollmentQuerySet(ScopedQuerySet):
    federation_lookup = "training_class__federation"
    union_lookup = "nomination__union"


class Enrollment(models.Model):
    """A nomination enrolled in a class, with the learner's result and certificate."""

    training_class = models.ForeignKey(
        TrainingClass, verbose_name=_("lớp"), on_delete=models.PROTECT, related_name="enrollments"
    )
    nomination = models.ForeignKey(
        Nomination, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="enrollments"
    )
    enrolled_on = models.DateField(_("ngày ghi danh"))
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi danh"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    result = models.CharField(_("kết quả"), max_length=10, choices=Result.choices, default=Result.PENDING)
    certificate_number = models.CharField(_("số giấy chứng nhận"), max_length=40, blank=True)
    certificate_date = models.DateField(_("ngày cấp giấy chứng nhận"), null=True, blank=True)
    result_note = models.CharField(_("lý do, ghi chú kết quả"), max_length=500, blank=True)
    result_recorded_at = models.DateTimeField(_("thời điểm ghi kết quả"), null=True, blank=True)

    objects = EnrollmentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("học viên")
        verbose_name_plural = _("học viên")
        ordering = ["training_class", "nomination__sort_name", "pk"]
        constraints = [
            # A nomination is one person's path in one year: one class per nomination.
            models.UniqueConstraint(
                fields=["nomination"],
                name="classes_enrollment_unique",
                violation_error_message=_("Người này đã được ghi danh vào một lớp."),
            ),
            models.UniqueConstraint(
                fields=["certificate_number"],
                condition=~Q(certificate_number=""),
                name="classes_enrollment_certificate_unique",
                violation_error_message=_("Số giấy chứng nhận này đã được cấp cho học viên khác."),
            ),
            models.CheckConstraint(
                condition=~Q(result="passed") | (~Q(certificate_number="") & Q(certificate_date__isnull=False)),
                name="classes_enrollment_passed_has_certificate",
                violation_error_message=_("Học viên đạt yêu cầu phải có số và ngày cấp giấy chứng nhận."),
            ),
            models.CheckConstraint(
                condition=Q(result="passed") | (Q(certificate_number="") & Q(certificate_date__isnull=True)),
                name="classes_enrollment_certificate_only_if_passed",
                violation_error_message=_("Chỉ học viên đạt yêu cầu mới được cấp giấy chứng nhận."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nomination.person.full_name} — {self.training_class.name}"

    def get_absolute_url(self) -> str:
        return reverse("classes:enrollment_detail", args=[self.pk])


class AttendanceQuerySet(ScopedQuerySet):
    federation_lookup = "session__training_class__federation"
    union_lookup = "enrollment__nomination__union"


class Attendance(models.Model):
    """Whether one learner was at one session (and why not)."""

    enrollment = models.ForeignKey(
        Enrollment, verbose_name=_("học viên"), on_delete=models.CASCADE, related_name="attendances"
    )
    session = models.ForeignKey(
        ClassSession, verbose_name=_("buổi học"), on_delete=models.CASCADE, related_name="attendances"
    )
    present = models.BooleanField(_("có mặt"), default=True)
    absence_reason = models.CharField(_("lý do vắng"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ghi"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("thời điểm ghi"), auto_now=True)

    objects = AttendanceQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("điểm danh")
        verbose_name_plural = _("điểm danh")
        ordering = ["session", "enrollment"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "session"],
                name="classes_attendance_unique",
                violation_error_message=_("Học viên đã được điểm danh ở buổi này."),
            ),
            models.CheckConstraint(
                condition=Q(present=False) | Q(absence_reason=""),
                name="classes_attendance_reason_only_if_absent",
                violation_error_message=_("Chỉ ghi lý do khi học viên vắng mặt."),
            ),
        ]

    def __str__(self) -> str:
        mark = _("có mặt") if self.present else _("vắng")
        return f"{self.session} — {self.enrollment_id}: {mark}"
