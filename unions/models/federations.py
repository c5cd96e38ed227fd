"""Labour Federations at every level."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tienlang.lib.audit import HISTORY_EXCLUDED
from tienlang.lib.collation import COLLATION

from ..querysets import ReferenceQuerySet
from .areas import AdministrativeUnit
from .base import RetirableMixin


class Federation(RetirableMixin):
    """A Labour Federation (Liên đoàn Lao động) at any level; its parent is its superior body.

    Reports take their issuer, superior body, place and signer from this row.
    """

    name = models.CharField(_("tên"), max_length=200, db_collation=COLLATION)
    short_name = models.CharField(_("tên viết tắt"), max_length=60, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cấp trên"),
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
        related_name="federations",
    )
    place_name = models.CharField(
        _("địa danh ghi trên văn bản"), max_length=60, blank=True, help_text=_("Ví dụ: Tiên Lãng")
    )
    document_code = models.CharField(
        _("ký hiệu văn bản"), max_length=30, blank=True, default="LĐLĐ", help_text=_("Ví dụ: LĐLĐ")
    )
    signer_name = models.CharField(_("người ký"), max_length=120, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=120, blank=True, default="CHỦ TỊCH")

    objects = ReferenceQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("liên đoàn lao động")
        verbose_name_plural = _("liên đoàn lao động")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name
