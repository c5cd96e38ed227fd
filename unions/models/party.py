"""Party organisations (chi bộ, đảng bộ) the grassroots unions work with."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tienlang.lib.audit import HISTORY_EXCLUDED
from tienlang.lib.collation import COLLATION
from tienlang.lib.text import clean_text, fold

from ..querysets import PartyOrganizationQuerySet
from .areas import AdministrativeUnit
from .base import RetirableMixin


class PartyOrganization(RetirableMixin):
    """A Party committee or cell that receives people introduced by the unions."""

    class Kind(models.TextChoices):
        PROVINCIAL_COMMITTEE = "provincial", _("Thành ủy/Tỉnh ủy")
        DISTRICT_COMMITTEE = "district", _("Huyện ủy/Quận ủy")
        DISTRICT_BOARD = "district_board", _("Ban của Huyện ủy")
        COMMUNE_COMMITTEE = "commune", _("Đảng ủy xã/thị trấn")
        ENTERPRISE_COMMITTEE = "enterprise_committee", _("Đảng bộ doanh nghiệp")
        ENTERPRISE_CELL = "enterprise_cell", _("Chi bộ doanh nghiệp")
        OTHER = "other", _("Tổ chức Đảng khác")

    name = models.CharField(_("tên"), max_length=200, db_collation=COLLATION)
    name_folded = models.CharField(max_length=200, editable=False, db_index=True)
    kind = models.CharField(_("loại"), max_length=24, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cấp ủy cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    area = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("địa bàn"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="party_organizations",
    )
    enterprise = models.ForeignKey(
        "Enterprise",
        verbose_name=_("doanh nghiệp"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="party_organizations",
        help_text=_("Chỉ với chi bộ, đảng bộ trong doanh nghiệp."),
    )
    established_on = models.DateField(_("ngày thành lập"), null=True, blank=True)

    objects = PartyOrganizationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("tổ chức Đảng")
        verbose_name_plural = _("tổ chức Đảng")
        ordering = ["kind", "name", "pk"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name = clean_text(self.name)
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)

    def clean(self):
        in_enterprise = self.kind in (self.Kind.ENTERPRISE_CELL, self.Kind.ENTERPRISE_COMMITTEE)
        if in_enterprise and not self.enterprise_id:
            raise ValidationError({"enterprise": _("Chi bộ, đảng bộ doanh nghiệp phải gắn với một doanh nghiệp.")})
        if not in_enterprise and self.enterprise_id:
            raise ValidationError({"enterprise": _("Chỉ chi bộ, đảng bộ doanh nghiệp mới gắn với doanh nghiệp.")})
