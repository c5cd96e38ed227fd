"""Non-state enterprises in a federation's area."""

from __future__ import annotations

import re

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
from .areas import AdministrativeUnit
from .federations import Federation

TAX_CODE_RE = re.compile(r"^\d{10}(-\d{3})?$")
tax_code_validator = RegexValidator(
    TAX_CODE_RE,
    _("Mã số doanh nghiệp gồm 10 chữ số, hoặc 10 chữ số, dấu gạch ngang và 3 chữ số với chi nhánh (0201234567-001)."),
)


class EnterpriseQuerySet(ScopedQuerySet):
    federation_lookup = "federation"
    union_lookup = "unions"

    def with_party_organization(self, value: bool = True):
        return self.filter(party_org_since__isnull=not value)


class Enterprise(VersionedModel):
    """A non-state enterprise in the federation's area."""

    class Ownership(models.TextChoices):
        FOREIGN = "fdi", _("100% vốn đầu tư nước ngoài")
        JOINT_VENTURE = "jv", _("Liên doanh có vốn nước ngoài")
        JOINT_STOCK = "jsc", _("Công ty cổ phần")
        LIMITED = "llc", _("Công ty trách nhiệm hữu hạn")
        PRIVATE = "private", _("Doanh nghiệp tư nhân")
        PARTNERSHIP = "partnership", _("Công ty hợp danh")
        COOPERATIVE = "coop", _("Hợp tác xã")

    federation = models.ForeignKey(
        Federation, verbose_name=_("liên đoàn lao động"), on_delete=models.PROTECT, related_name="enterprises"
    )
    name = models.CharField(_("tên doanh nghiệp"), max_length=255, db_collation=COLLATION)
    name_folded = models.CharField(max_length=255, editable=False, db_index=True)
    tax_code = models.CharField(
        _("mã số doanh nghiệp"),
        max_length=14,
        unique=True,
        validators=[tax_code_validator],
        error_messages={"unique": _("Mã số doanh nghiệp này đã có trong danh sách doanh nghiệp.")},
        help_text=_("10 chữ số; chi nhánh thêm dấu gạch ngang và 3 chữ số, ví dụ 0201234567-001."),
    )
    ownership = models.CharField(_("loại hình"), max_length=12, choices=Ownership.choices)
    industry = models.CharField(_("ngành nghề"), max_length=120, blank=True)
    commune = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("xã/thị trấn"),
        on_delete=models.PROTECT,
        related_name="enterprises",
        limit_choices_to={"level": AdministrativeUnit.Level.COMMUNE},
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    workers = models.PositiveIntegerField(_("số lao động"), default=0)
    party_org_since = models.DateField(
        _("có tổ chức Đảng từ ngày"),
        null=True,
        blank=True,
        help_text=_("Để trống nếu doanh nghiệp chưa có tổ chức Đảng."),
    )
    is_pilot = models.BooleanField(_("doanh nghiệp điểm"), default=False)

    objects = EnterpriseQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("doanh nghiệp")
        verbose_name_plural = _("doanh nghiệp")
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["federation", "name", "id"], name="unions_ent_fed_name"),
            models.Index(fields=["name", "id"], name="unions_ent_name"),  # the list of an upper level, an administrator
            models.Index(fields=["federation", "ownership"], name="unions_ent_fed_ownership"),
            # An upper level's list of one type in name order: names carry the type ("Công ty TNHH …"),
            # so the name index alone walks every other type first.
            models.Index(fields=["ownership", "name", "id"], name="unions_ent_ownership_name"),
            models.Index(fields=["federation", "party_org_since"], name="unions_ent_fed_party"),
            models.Index(fields=["federation", "industry"], name="unions_ent_fed_industry"),
            models.Index(fields=["federation", "commune"], name="unions_ent_fed_commune"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name = clean_text(self.name)
        self.tax_code = clean_text(self.tax_code).replace(" ", "")
        self.industry = clean_text(self.industry)
        self.address = clean_text(self.address)
        self.name_folded = fold(f"{self.name} {self.tax_code}")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("unions:enterprise_detail", args=[self.pk])

    @property
    def has_party_organization(self) -> bool:
        return self.party_org_since is not None

    def clean(self):
        if self.party_org_since and self.party_org_since > timezone.localdate():
            raise ValidationError({"party_org_since": _("Ngày có tổ chức Đảng không được ở tương lai.")})
