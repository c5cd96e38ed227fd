"""The eligibility rules in force, one row per rule and period (judged by `candidates.eligibility`)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tienlang.lib.audit import HISTORY_EXCLUDED
from unions.querysets import ReferenceQuerySet


class EligibilityRule(models.Model):
    """A named eligibility rule with its legal basis, thresholds (as data) and validity dates.

    A nomination is judged by the rules in force on its own date.
    """

    class Code(models.TextChoices):
        UNION_MEMBER = "union_member", _("Là đoàn viên công đoàn doanh nghiệp ngoài nhà nước thuộc liên đoàn")
        MEMBERSHIP = "membership", _("Thời gian sinh hoạt công đoàn")
        AGE = "age", _("Tuổi đời")
        EDUCATION = "education", _("Trình độ học vấn")
        PARTY_MEMBER = "party_member", _("Chưa là đảng viên")
        OPEN_NOMINATION = "open_nomination", _("Không có hồ sơ khác đang mở")
        DISCIPLINE = "discipline", _("Không đang chịu kỷ luật")

    code = models.CharField(_("mã quy tắc"), max_length=20, choices=Code.choices)
    name = models.CharField(_("tên quy tắc"), max_length=200)
    legal_basis = models.CharField(_("căn cứ"), max_length=255)
    valid_from = models.DateField(_("áp dụng từ"))
    valid_to = models.DateField(_("áp dụng đến"), null=True, blank=True)
    params = models.JSONField(_("ngưỡng"), default=dict, blank=True)

    objects = ReferenceQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("quy tắc điều kiện")
        verbose_name_plural = _("quy tắc điều kiện")
        ordering = ["code", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="candidates_eligibilityrule_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.legal_basis})"
