"""Grassroots unions (công đoàn cơ sở)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tienlang.lib.audit import HISTORY_EXCLUDED
from tienlang.lib.collation import COLLATION
from tienlang.lib.text import clean_text, fold
from tienlang.lib.versioning import VersionedModel

from ..querysets import ScopedQuerySet
from .enterprises import Enterprise
from .federations import Federation


class UnionQuerySet(ScopedQuerySet):
    federation_lookup = "federation"
    union_lookup = "pk"

    def search(self, text: str, field: str = "name_folded", also: tuple[str, ...] = ("enterprise__name_folded",)):
        """Union name and code, or its enterprise's name and tax code."""
        return super().search(text, field, also)


class GrassrootsUnion(VersionedModel):
    """A grassroots union (công đoàn cơ sở) of one enterprise."""

    federation = models.ForeignKey(
        Federation, verbose_name=_("liên đoàn lao động"), on_delete=models.PROTECT, related_name="unions"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("doanh nghiệp"), on_delete=models.PROTECT, related_name="unions"
    )
    code = models.CharField(
        _("mã công đoàn"),
        max_length=30,
        unique=True,
        error_messages={"unique": _("Mã công đoàn này đã được dùng cho công đoàn cơ sở khác.")},
        validators=[
            RegexValidator(r"^[A-Z0-9][A-Z0-9-]*$", _("Mã chỉ gồm chữ in hoa không dấu, số và dấu gạch ngang."))
        ],
    )
    name = models.CharField(_("tên công đoàn cơ sở"), max_length=255, db_collation=COLLATION)
    name_folded = models.CharField(max_length=300, editable=False, db_index=True)
    members = models.PositiveIntegerField(_("số đoàn viên"), default=0)
    founded_on = models.DateField(_("ngày thành lập"), null=True, blank=True)
    federation_since = models.DateField(
        _("trực thuộc liên đoàn từ ngày"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Trống: từ khi thành lập. Các thời gian trực thuộc trước đó nằm trong lịch sử trực thuộc."),
    )

    objects = UnionQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("công đoàn cơ sở")
        verbose_name_plural = _("công đoàn cơ sở")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                name="unions_grassrootsunion_one_per_enterprise",
                violation_error_message=_("Doanh nghiệp này đã có công đoàn cơ sở."),
            ),
        ]
        indexes = [
            models.Index(fields=["federation", "name", "id"], name="unions_union_fed_name"),
            # The list of an upper level or an administrator, every federation at once.
            models.Index(fields=["name", "id"], name="unions_union_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name = clean_text(self.name)
        self.name_folded = fold(f"{self.name} {self.code}")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("unions:union_detail", args=[self.pk])

    def clean(self):
        if self.enterprise_id and self.federation_id and self.enterprise.federation_id != self.federation_id:
            raise ValidationError({"enterprise": _("Doanh nghiệp thuộc liên đoàn khác.")})
        if self.founded_on and self.founded_on > timezone.localdate():
            raise ValidationError({"founded_on": _("Ngày thành lập không được ở tương lai.")})
