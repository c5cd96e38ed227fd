"""An enterprise's yearly headcount figures."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tienlang.lib.audit import HISTORY_EXCLUDED
from tienlang.lib.versioning import VersionedModel

from ..querysets import ScopedQuerySet
from .enterprises import Enterprise


class WorkforceFigureQuerySet(ScopedQuerySet):
    federation_lookup = "enterprise__federation"
    union_lookup = "enterprise__unions"


class WorkforceFigure(VersionedModel):
    """An enterprise's headcount for one year: workers, union members, Party members."""

    MIN_YEAR = 2000
    MAX_YEAR = 2100

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("doanh nghiệp"), on_delete=models.CASCADE, related_name="figures"
    )
    year = models.PositiveSmallIntegerField(
        _("năm"), validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]
    )
    workers = models.PositiveIntegerField(_("số lao động"))
    union_members = models.PositiveIntegerField(_("số đoàn viên công đoàn"))
    party_members = models.PositiveIntegerField(_("số đảng viên"))

    objects = WorkforceFigureQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("số liệu lao động theo năm")
        verbose_name_plural = _("số liệu lao động theo năm")
        ordering = ["enterprise", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year"],
                name="unions_workforcefigure_one_per_year",
                violation_error_message=_("Doanh nghiệp đã có số liệu của năm này."),
            ),
            models.CheckConstraint(
                condition=Q(union_members__lte=models.F("workers")),
                name="unions_workforcefigure_members_within_workers",
                violation_error_message=_("Số đoàn viên không được lớn hơn số lao động."),
            ),
            models.CheckConstraint(
                condition=Q(party_members__lte=models.F("union_members")),
                name="unions_workforcefigure_party_within_members",
                violation_error_message=_("Số đảng viên không được lớn hơn số đoàn viên."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100),
                name="unions_workforcefigure_year_range",
                violation_error_message=_("Năm phải trong khoảng 2000–2100."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} — {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("unions:enterprise_detail", args=[self.enterprise_id])

    @property
    def union_percent(self) -> float | None:
        return 100 * self.union_members / self.workers if self.workers else None

    @property
    def party_percent(self) -> float | None:
        return 100 * self.party_members / self.workers if self.workers else None
