"""Stipends and the other support given to learners, with the employers' commitments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tienlang.lib.audit import HISTORY_EXCLUDED
from tienlang.lib.money import format_vnd
from tienlang.lib.text import clean_text
from tienlang.lib.versioning import VersionedModel
from unions.models import Enterprise, Federation
from unions.querysets import ScopedQuerySet

from .learning import Enrollment, TrainingClass

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
        ordering = ["training_class", "enterprise__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["training_class", "enterprise"],
                name="classes_employercommitment_unique",
                violation_error_message=_("Doanh nghiệp đã có cam kết cho lớp này."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} — {self.training_class}"
