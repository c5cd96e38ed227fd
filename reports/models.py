"""Plans, quotas and targets, and the yearly totals of the years before the system.

Progress against a quota is never typed in: it is computed from the nominations (see
`reports.queries`). Only the targets themselves, and the totals of earlier years kept on
paper, are entered here.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tienlang.lib.audit import HISTORY_EXCLUDED
from unions.models import Federation, GrassrootsUnion, Role
from unions.querysets import ScopedQuerySet

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class FederationScopedQuerySet(ScopedQuerySet):
    """Federation-level rows: staff and leadership of the federation; chairs and Party viewers read them."""

    federation_lookup = "federation"
    union_lookup = None

    def for_user(self, user):
        profile = getattr(user, "profile", None) if user is not None and user.is_authenticated else None
        if profile is not None and user.is_active and profile.role in (Role.CHAIR, Role.PARTY_VIEWER):
            return self.filter(federation=profile.federation_id)
        return super().for_user(user)


class Plan(models.Model):
    """The plan a year's targets come from (e.g. Kế hoạch 33/KH-LĐLĐ ngày 16/3/2021)."""

    federation = models.ForeignKey(
        Federation, verbose_name=_("liên đoàn lao động"), on_delete=models.PROTECT, related_name="plans"
    )
    number = models.CharField(_("số kế hoạch"), max_length=40)
    issued_on = models.DateField(_("ngày ban hành"))
    issuer = models.CharField(_("cơ quan ban hành"), max_length=200)
    title = models.CharField(_("trích yếu"), max_length=500)
    from_year = models.PositiveSmallIntegerField(_("từ năm"), validators=YEAR_VALIDATORS)
    to_year = models.PositiveSmallIntegerField(_("đến năm"), validators=YEAR_VALIDATORS)

    objects = FederationScopedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")
        ordering = ["-issued_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(to_year__gte=models.F("from_year")),
                name="reports_plan_period_order",
                violation_error_message=_("Năm kết thúc phải sau hoặc bằng năm bắt đầu."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} ngày {self.issued_on:%d/%m/%Y}"


class FederationTarget(models.Model):
    """The federation's targets for one year."""

    federation = models.ForeignKey(
        Federation, verbose_name=_("liên đoàn lao động"), on_delete=models.PROTECT, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("năm"), validators=YEAR_VALIDATORS)
    plan = models.ForeignKey(
        Plan, verbose_name=_("theo kế hoạch"), null=True, blank=True, on_delete=models.PROTECT, related_name="targets"
    )
    classes = models.PositiveSmallIntegerField(_("số lớp cần mở"), default=0)
    learners = models.PositiveIntegerField(_("số học viên"), default=0)
    party_cells = models.PositiveSmallIntegerField(_("số tổ chức Đảng cần thành lập trong doanh nghiệp"), default=0)

    objects = FederationScopedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("chỉ tiêu của liên đoàn")
        verbose_name_plural = _("chỉ tiêu của liên đoàn")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "year"],
                name="reports_federationtarget_one_per_year",
                violation_error_message=_("Năm này đã có chỉ tiêu."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.federation} — {self.year}"


class UnionQuotaQuerySet(ScopedQuerySet):
    federation_lookup = "union__federation"
    union_lookup = "union"


class UnionQuota(models.Model):
    """How many members a grassroots union is to introduce to the Party in a year."""

    union = models.ForeignKey(
        GrassrootsUnion, verbose_name=_("công đoàn cơ sở"), on_delete=models.PROTECT, related_name="quotas"
    )
    year = models.PositiveSmallIntegerField(_("năm"), validators=YEAR_VALIDATORS)
    introduce = models.PositiveIntegerField(_("chỉ tiêu giới thiệu"), default=0)
    plan = models.ForeignKey(
        Plan, verbose_name=_("theo kế hoạch"), null=True, blank=True, on_delete=models.PROTECT, related_name="quotas"
    )

    objects = UnionQuotaQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("chỉ tiêu của công đoàn cơ sở")
        verbose_name_plural = _("chỉ tiêu của công đoàn cơ sở")
        ordering = ["-year", "union__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["union", "year"],
                name="reports_unionquota_one_per_year",
                violation_error_message=_("Công đoàn cơ sở này đã có chỉ tiêu cho năm này."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.union} — {self.year}: {self.introduce}"


class YearlyAggregate(models.Model):
    """Totals of a year before the system, typed in once and always shown as aggregate figures."""

    federation = models.ForeignKey(
        Federation, verbose_name=_("liên đoàn lao động"), on_delete=models.PROTECT, related_name="aggregates"
    )
    year = models.PositiveSmallIntegerField(_("năm"), validators=YEAR_VALIDATORS)
    introduced = models.PositiveIntegerField(_("số được giới thiệu cho Đảng"), default=0)
    admitted = models.PositiveIntegerField(_("số được kết nạp"), null=True, blank=True)
    source = models.CharField(_("nguồn số liệu"), max_length=255, blank=True)

    objects = FederationScopedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("số liệu tổng hợp năm trước")
        verbose_name_plural = _("số liệu tổng hợp các năm trước")
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "year"],
                name="reports_yearlyaggregate_one_per_year",
                violation_error_message=_("Năm này đã có số liệu tổng hợp."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.introduced}"
