"""Administrative units (province, district, commune) and the record of their merges."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tienlang.lib.audit import HISTORY_EXCLUDED
from tienlang.lib.collation import COLLATION
from tienlang.lib.text import clean_text, fold
from tienlang.lib.versioning import VersionedModel

from ..querysets import ReferenceQuerySet
from .base import ActiveQuerySetMixin, RetirableMixin


class AdministrativeUnitQuerySet(ActiveQuerySetMixin, ReferenceQuerySet):
    pass


class AdministrativeUnit(VersionedModel, RetirableMixin):
    """A province/city, district or commune/ward/town, as it was or is."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Tỉnh/Thành phố")
        DISTRICT = "district", _("Quận/Huyện")
        COMMUNE = "commune", _("Xã/Phường/Thị trấn")

    name = models.CharField(_("tên"), max_length=120, db_collation=COLLATION)
    name_folded = models.CharField(max_length=120, editable=False, db_index=True)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("trực thuộc"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.CharField(_("mã"), max_length=20, blank=True)
    # The folded names of every unit merged into this one (directly or through earlier merges),
    # kept by `unions.services.merge_area`: a person whose papers still name a merged district
    # lives in this one's area, judged without a query (candidates.models.people.district_matches).
    former_names = models.JSONField(_("tên cũ đã sáp nhập vào"), default=list, blank=True, editable=False)

    objects = AdministrativeUnitQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["level", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "level", "name"],
                name="unions_administrativeunit_unique_name",
                violation_error_message=_("Đã có đơn vị hành chính cùng tên trong cùng cấp trên."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name = clean_text(self.name)
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("unions:area_detail", args=[self.pk])

    def clean(self):
        expected_parent = (
            {
                self.Level.PROVINCE: None,
                self.Level.DISTRICT: self.Level.PROVINCE,
                self.Level.COMMUNE: self.Level.DISTRICT,
            }[self.level]
            if self.level
            else None
        )
        if self.parent_id and self.parent.level != expected_parent:
            raise ValidationError({"parent": _("Cấp trên không đúng với cấp của đơn vị.")})
        if self.merged_into_id and self.merged_into_id == self.pk:
            raise ValidationError({"merged_into": _("Không thể sáp nhập một đơn vị vào chính nó.")})

    @property
    def full_name(self) -> str:
        parts, row = [], self
        while row is not None:
            parts.append(row.name)
            row = row.parent
        return ", ".join(parts)


class AreaMerge(models.Model):
    """The record of one reorganisation: `old` was merged into `new` on `effective_on`."""

    old = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("đơn vị cũ"), on_delete=models.PROTECT, related_name="merges_out"
    )
    new = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("đơn vị mới"), on_delete=models.PROTECT, related_name="merges_in"
    )
    effective_on = models.DateField(_("ngày hiệu lực"))
    legal_basis = models.CharField(_("căn cứ (nghị quyết, quyết định)"), max_length=255, blank=True)
    moved_enterprises = models.PositiveIntegerField(_("số doanh nghiệp chuyển"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ghi"), null=True, on_delete=models.SET_NULL
    )
    recorded_at = models.DateTimeField(_("thời điểm ghi"), auto_now_add=True)
    # Empty while the merge waits for its date (recorded before it): nothing has moved yet;
    # `unions.reorganisations.complete_due` (the daily run) carries it out on the day.
    completed_at = models.DateTimeField(_("thời điểm có hiệu lực"), null=True, blank=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("sáp nhập đơn vị hành chính")
        verbose_name_plural = _("sáp nhập đơn vị hành chính")
        ordering = ["-effective_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.old} → {self.new} ({self.effective_on:%d/%m/%Y})"
