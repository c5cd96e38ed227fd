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
from tienlang.lib.text import clean_text
from tienlang.lib.versioning import VersionedModel
from unions.models import Enterprise, Federation
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

    def of_year(self, year: int):
        return self.filter(year=year)

    def open_for_enrolment(self):
        return self.filter(status__in=[ClassStatus.PLANNED, ClassStatus.RUNNING])


class TrainingClass(VersionedModel):
    """One Party-awareness class: organiser, dates, venue and number of places."""

    federation = models.ForeignKey(
        Federation, verbose_name=_("liên đoàn lao động"), on_delete=models.PROTECT, related_name="training_classes"
    )
    name = models.CharField(_("tên lớp"), max_length=255)
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

    def of_year(self, year: int):
        return self.filter(training_class__year=year)

    def with_people(self):
        return self.select_related("nomination__person", "nomination__union", "training_class")


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
        ordering = ["training_class", "nomination__search_folded", "pk"]
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

    @property
    def person(self):
        return self.nomination.person

    @property
    def has_result(self) -> bool:
        return self.result != Result.PENDING


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


# ---------------------------------------------------------------------------------------
# Stipends and other support
# ---------------------------------------------------------------------------------------


class StipendPolicyQuerySet(ScopedQuerySet):
    federation_lookup = "federation"
    union_lookup = None  # a chair reads the amounts on their learners' payments, not the policies

    def for_year(self, year: int):
        return self.filter(from_year__lte=year, to_year__gte=year)


class StipendPolicy(VersionedModel):
    """An amount paid to each learner, by whom (funding source), and in which years."""

    federation = models.ForeignKey(
        Federation, verbose_name=_("liên đoàn lao động"), on_delete=models.PROTECT, related_name="stipend_policies"
    )
    name = models.CharField(_("tên khoản hỗ trợ"), max_length=200)
    amount = models.PositiveBigIntegerField(_("mức hỗ trợ mỗi học viên (đồng)"))
    funding_source = models.CharField(
        _("nguồn kinh phí"), max_length=200, help_text=_("Ví dụ: LĐLĐ thành phố Hải Phòng")
    )
    from_year = models.PositiveSmallIntegerField(_("áp dụng từ năm"))
    to_year = models.PositiveSmallIntegerField(_("áp dụng đến năm"))
    basis = models.CharField(_("căn cứ"), max_length=255, blank=True, help_text=_("Ví dụ: Kế hoạch số 33/KH-LĐLĐ"))
    note = models.CharField(_("ghi chú"), max_length=255, blank=True, default="Hỗ trợ đến khi được kết nạp Đảng")

    objects = StipendPolicyQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("chế độ hỗ trợ học viên")
        verbose_name_plural = _("chế độ hỗ trợ học viên")
        ordering = ["-to_year", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_year__gte=models.F("from_year")),
                name="classes_stipendpolicy_years_in_order",
                violation_error_message=_("Năm kết thúc không được trước năm bắt đầu."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=1),
                name="classes_stipendpolicy_amount_positive",
                violation_error_message=_("Mức hỗ trợ phải lớn hơn 0."),
            ),
            models.UniqueConstraint(
                fields=["federation", "name", "from_year"],
                name="classes_stipendpolicy_unique_name",
                violation_error_message=_("Đã có khoản hỗ trợ cùng tên bắt đầu từ năm này."),
            ),
        ]

    def __str__(self) -> str:
        from tienlang.lib.money import format_vnd

        return f"{self.name} — {format_vnd(self.amount)} ({self.funding_source}, {self.from_year}–{self.to_year})"

    def save(self, *args, **kwargs):
        for name in ("name", "funding_source", "basis", "note"):
            setattr(self, name, clean_text(getattr(self, name)))
        super().save(*args, **kwargs)

    def applies_to(self, year: int) -> bool:
        return self.from_year <= year <= self.to_year


class PaymentStatus(models.TextChoices):
    COMMITTED = "committed", _("Đã cam kết, chưa chi")
    PAID = "paid", _("Đã chi")
    CANCELLED = "cancelled", _("Đã hủy")


class StipendPaymentQuerySet(ScopedQuerySet):
    federation_lookup = "enrollment__training_class__federation"
    union_lookup = "enrollment__nomination__union"

    def live(self):
        """Committed or paid: what the federation owes or has paid."""
        return self.exclude(status=PaymentStatus.CANCELLED)


class StipendPayment(models.Model):
    """A stipend owed to (committed) or paid to one learner under one policy."""

    enrollment = models.ForeignKey(
        Enrollment, verbose_name=_("học viên"), on_delete=models.PROTECT, related_name="payments"
    )
    policy = models.ForeignKey(
        StipendPolicy, verbose_name=_("chế độ hỗ trợ"), on_delete=models.PROTECT, related_name="payments"
    )
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    status = models.CharField(
        _("tình trạng"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.COMMITTED
    )
    committed_on = models.DateField(_("ngày cam kết"))
    paid_on = models.DateField(_("ngày chi"), null=True, blank=True)
    voucher_number = models.CharField(_("số phiếu chi"), max_length=40, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người chi"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ghi"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancel_reason = models.CharField(_("lý do hủy"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    objects = StipendPaymentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("khoản hỗ trợ học viên")
        verbose_name_plural = _("khoản hỗ trợ học viên")
        ordering = ["enrollment", "policy", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "policy"],
                condition=~Q(status="cancelled"),
                name="classes_stipendpayment_one_per_policy",
                violation_error_message=_("Học viên đã có khoản hỗ trợ này."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=1),
                name="classes_stipendpayment_amount_positive",
                violation_error_message=_("Số tiền phải lớn hơn 0."),
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | (Q(paid_on__isnull=False) & ~Q(voucher_number="")),
                name="classes_stipendpayment_paid_has_voucher",
                violation_error_message=_("Khoản đã chi phải có ngày chi và số phiếu chi."),
            ),
        ]
        indexes = [models.Index(fields=["status", "policy"], name="classes_payment_status_policy")]

    def __str__(self) -> str:
        from tienlang.lib.money import format_vnd

        return f"{self.enrollment.nomination.person.full_name}: {format_vnd(self.amount)} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("classes:payment_detail", args=[self.pk])


class SupportKind(models.TextChoices):
    SHIRT = "shirt", _("Áo nhận diện công đoàn")
    MATERIALS = "materials", _("Tài liệu học tập")
    OTHER = "other", _("Hỗ trợ khác")


class LearnerSupportQuerySet(ScopedQuerySet):
    federation_lookup = "enrollment__training_class__federation"
    union_lookup = "enrollment__nomination__union"


class LearnerSupport(models.Model):
    """Support in kind handed to a learner (the union identity shirt, study materials…)."""

    enrollment = models.ForeignKey(
        Enrollment, verbose_name=_("học viên"), on_delete=models.CASCADE, related_name="supports"
    )
    kind = models.CharField(_("loại hỗ trợ"), max_length=10, choices=SupportKind.choices)
    given_on = models.DateField(_("ngày trao"))
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ghi"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = LearnerSupportQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("hỗ trợ hiện vật")
        verbose_name_plural = _("hỗ trợ hiện vật")
        ordering = ["enrollment", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "kind"],
                name="classes_learnersupport_unique",
                violation_error_message=_("Học viên đã nhận loại hỗ trợ này."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.given_on:%d/%m/%Y}"


class EmployerCommitmentQuerySet(ScopedQuerySet):
    federation_lookup = "training_class__federation"
    union_lookup = "enterprise__unions"


class EmployerCommitment(models.Model):
    """What an enterprise undertook for its workers in a class: full salary kept, time off given."""

    training_class = models.ForeignKey(
        TrainingClass, verbose_name=_("lớp"), on_delete=models.CASCADE, related_name="employer_commitments"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("doanh nghiệp"), on_delete=models.PROTECT, related_name="class_commitments"
    )
    keeps_full_salary = models.BooleanField(_("giữ nguyên lương trong thời gian học"), default=False)
    gives_time_off = models.BooleanField(_("bố trí thời gian đi học"), default=False)
    confirmed_on = models.DateField(_("ngày xác nhận"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    objects = EmployerCommitmentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("cam kết của doanh nghiệp")
        verbose_name_plural = _("cam kết của doanh nghiệp")
        ordering = ["training_class", "enterprise__name_folded"]
        constraints = [
            models.UniqueConstraint(
                fields=["training_class", "enterprise"],
                name="classes_employercommitment_unique",
                violation_error_message=_("Doanh nghiệp đã có cam kết cho lớp này."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} — {self.training_class}"
