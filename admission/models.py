"""Rules as data for the steps after the union's introduction, and the calendar they count on.

`AdmissionRule` rows carry each rule's thresholds, legal basis and validity dates, like the
eligibility rules of a nomination: a step is judged by the rules in force on its own date.
`CalendarDay` rows are the days off and make-up working days the government announces each
year beyond the statutory holidays (which come from the `holidays` package's calendar of Vietnam,
lunar Tết included).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from unions.querysets import ReferenceQuerySet


class AdmissionRule(models.Model):
    """A named rule of a step towards official membership: thresholds, legal basis, validity dates."""

    class Code(models.TextChoices):
        AGE_AT_CONSIDERATION = "age_at_cell", _("Tuổi đời khi chi bộ xét kết nạp")
        CERTIFICATE_VALIDITY = "certificate", _("Thời hạn giấy chứng nhận bồi dưỡng nhận thức về Đảng")
        DOSSIER_STALENESS = "dossier_stale", _("Hồ sơ phải làm lại khi quá hạn chưa xét")
        CO_INTRODUCER = "co_introducer", _("Đảng viên giới thiệu cùng công tác")
        DECISION_DEADLINE = "decision", _("Thời hạn cấp ủy có thẩm quyền ra quyết định kết nạp")
        CEREMONY_DEADLINE = "ceremony", _("Thời hạn tổ chức lễ kết nạp")
        PROBATION = "probation", _("Thời gian dự bị")
        OFFICIAL_CONSIDERATION = "official", _("Thời hạn chi bộ xét công nhận đảng viên chính thức")

    code = models.CharField(_("mã quy tắc"), max_length=20, choices=Code.choices)
    name = models.CharField(_("tên quy tắc"), max_length=200)
    legal_basis = models.CharField(_("căn cứ"), max_length=255)
    valid_from = models.DateField(_("áp dụng từ"))
    valid_to = models.DateField(_("áp dụng đến"), null=True, blank=True)
    params = models.JSONField(_("ngưỡng"), default=dict, blank=True)

    objects = ReferenceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quy tắc kết nạp")
        verbose_name_plural = _("quy tắc kết nạp")
        ordering = ["code", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="admission_admissionrule_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.legal_basis})"


class CalendarDay(models.Model):
    """A day the statutory calendar does not know: a day off, or a weekend day worked to make up for one."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Ngày nghỉ")
        WORKING_DAY = "working_day", _("Ngày làm việc bù")

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("tên"), max_length=200)
    legal_basis = models.CharField(_("căn cứ"), max_length=255, blank=True)

    objects = ReferenceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ngày nghỉ, ngày làm bù")
        verbose_name_plural = _("ngày nghỉ, ngày làm bù")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.name}"
