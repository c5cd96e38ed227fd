"""Organisation tree, enterprises, grassroots unions and who belongs where.

Administrative units, federations and Party organisations are rows, never constants:
Vietnam reorganises them (the 2025 reform abolished districts and merged communes), so
they can be renamed, merged into another row (keeping the old-to-new mapping) and retired.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tienlang.lib.audit import HISTORY_EXCLUDED
from tienlang.lib.text import clean_text, fold
from tienlang.lib.versioning import VersionedModel

from .querysets import ReferenceQuerySet, ScopedQuerySet

# ---------------------------------------------------------------------------
# Roles
# ---------------------------------------------------------------------------


class Role(models.TextChoices):
    STAFF = "staff", _("Cán bộ LĐLĐ huyện")
    LEADERSHIP = "leadership", _("Lãnh đạo LĐLĐ huyện (Ban Thường vụ)")
    CHAIR = "chair", _("Chủ tịch Công đoàn cơ sở")
    PARTY_VIEWER = "party_viewer", _("Cấp ủy Đảng (xem báo cáo)")


class RetirableMixin(models.Model):
    """Rows that can be retired, or merged into a successor, without being deleted."""

    retired_on = models.DateField(_("ngày ngừng sử dụng"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("sáp nhập vào"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )

    class Meta:
        abstract = True

    @property
    def is_active(self) -> bool:
        return self.retired_on is None

    def current(self):
        """The row that replaces this one today (follows the merge chain)."""
        row, seen = self, set()
        while row.merged_into_id and row.pk not in seen:
            seen.add(row.pk)
            row = row.merged_into
        return row


class ActiveQuerySetMixin:
    def active(self):
        return self.filter(retired_on__isnull=True)


# ---------------------------------------------------------------------------
# Administrative units
# ---------------------------------------------------------------------------


class AdministrativeUnitQuerySet(ActiveQuerySetMixin, ReferenceQuerySet):
    pass


class AdministrativeUnit(VersionedModel, RetirableMixin):
    """A province/city, district or commune/ward/town, as it was or is."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Tỉnh/Thành phố")
        DISTRICT = "district", _("Quận/Huyện")
        COMMUNE = "commune", _("Xã/Phường/Thị trấn")

    name = models.CharField(_("tên"), max_length=120)
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

    objects = AdministrativeUnitQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["level", "name_folded"]
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

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("sáp nhập đơn vị hành chính")
        verbose_name_plural = _("sáp nhập đơn vị hành chính")
        ordering = ["-effective_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.old} → {self.new} ({self.effective_on:%d/%m/%Y})"


# ---------------------------------------------------------------------------
# Federations and Party organisations
# ---------------------------------------------------------------------------


class Federation(RetirableMixin):
    """A Labour Federation (Liên đoàn Lao động) at any level; its parent is its superior body.

    Reports take their issuer, superior body, place and signer from this row.
    """

    name = models.CharField(_("tên"), max_length=200)
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
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


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

    name = models.CharField(_("tên"), max_length=200)
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

    objects = ReferenceQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("tổ chức Đảng")
        verbose_name_plural = _("tổ chức Đảng")
        ordering = ["kind", "name"]

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


# ---------------------------------------------------------------------------
# Enterprises and grassroots unions
# ---------------------------------------------------------------------------

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
    name = models.CharField(_("tên doanh nghiệp"), max_length=255)
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
        ordering = ["name_folded", "pk"]
        indexes = [
            models.Index(fields=["federation", "name_folded"], name="unions_ent_fed_name"),
            models.Index(fields=["federation", "ownership"], name="unions_ent_fed_ownership"),
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
    name = models.CharField(_("tên công đoàn cơ sở"), max_length=255)
    name_folded = models.CharField(max_length=300, editable=False, db_index=True)
    members = models.PositiveIntegerField(_("số đoàn viên"), default=0)
    founded_on = models.DateField(_("ngày thành lập"), null=True, blank=True)

    objects = UnionQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("công đoàn cơ sở")
        verbose_name_plural = _("công đoàn cơ sở")
        ordering = ["name_folded", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                name="unions_grassrootsunion_one_per_enterprise",
                violation_error_message=_("Doanh nghiệp này đã có công đoàn cơ sở."),
            ),
        ]
        indexes = [models.Index(fields=["federation", "name_folded", "id"], name="unions_union_fed_name")]

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


class CommitteeMemberQuerySet(ScopedQuerySet):
    federation_lookup = "union__federation"
    union_lookup = "union"

    def current(self, on=None):
        """Members whose term covers `on` (today by default)."""
        on = on or timezone.localdate()
        return self.filter(Q(term_start__lte=on), Q(term_end__isnull=True) | Q(term_end__gte=on))


class Sex(models.TextChoices):
    MALE = "M", _("Nam")
    FEMALE = "F", _("Nữ")


class CommitteeMember(VersionedModel):
    """A member of a grassroots union's executive committee (Ban Chấp hành, BCH) for one term."""

    class Position(models.TextChoices):
        CHAIR = "chair", _("Chủ tịch")
        VICE_CHAIR = "vice_chair", _("Phó Chủ tịch")
        MEMBER = "member", _("Ủy viên")

    RANKS = {Position.CHAIR: 1, Position.VICE_CHAIR: 2, Position.MEMBER: 3}

    union = models.ForeignKey(
        GrassrootsUnion, verbose_name=_("công đoàn cơ sở"), on_delete=models.CASCADE, related_name="committee"
    )
    full_name = models.CharField(_("họ và tên"), max_length=120)
    full_name_folded = models.CharField(max_length=120, editable=False, db_index=True)
    sex = models.CharField(_("giới tính"), max_length=1, choices=Sex.choices)
    position = models.CharField(_("chức vụ trong BCH"), max_length=12, choices=Position.choices)
    rank = models.PositiveSmallIntegerField(editable=False, default=3)
    term_start = models.DateField(_("nhiệm kỳ từ ngày"))
    term_end = models.DateField(_("nhiệm kỳ đến ngày"), null=True, blank=True)
    is_party_member = models.BooleanField(_("đã là đảng viên"), default=False)
    volunteered = models.BooleanField(
        _("xung phong học lớp bồi dưỡng nhận thức về Đảng"),
        default=False,
        help_text=_("Đồng chí tự nguyện đăng ký tham gia lớp học tìm hiểu về Đảng."),
    )

    objects = CommitteeMemberQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("ủy viên Ban Chấp hành")
        verbose_name_plural = _("ủy viên Ban Chấp hành")
        ordering = ["union", "rank", "full_name_folded", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=models.F("term_start")),
                name="unions_committeemember_term_order",
                violation_error_message=_("Ngày kết thúc nhiệm kỳ phải sau ngày bắt đầu."),
            ),
            models.CheckConstraint(
                condition=Q(is_party_member=False) | Q(volunteered=False),
                name="unions_committeemember_party_member_not_volunteer",
                violation_error_message=_("Người đã là đảng viên không đăng ký học lớp bồi dưỡng nhận thức về Đảng."),
            ),
            models.UniqueConstraint(
                fields=["union", "term_start"],
                condition=Q(position="chair"),
                name="unions_committeemember_one_chair_per_term",
                violation_error_message=_("Công đoàn cơ sở đã có chủ tịch trong nhiệm kỳ này."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_position_display()})"

    def save(self, *args, **kwargs):
        self.full_name = clean_text(self.full_name)
        self.full_name_folded = fold(self.full_name)
        self.rank = self.RANKS.get(self.position, 3)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("unions:union_detail", args=[self.union_id])

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return self.term_start <= today and (self.term_end is None or self.term_end >= today)


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


# ---------------------------------------------------------------------------
# Users
# ---------------------------------------------------------------------------


class UserProfile(models.Model):
    """Ties a user account to a role, a federation and, for a chair, a union."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("tài khoản"), on_delete=models.CASCADE, related_name="profile"
    )
    role = models.CharField(_("vai trò"), max_length=16, choices=Role.choices)
    federation = models.ForeignKey(
        Federation, verbose_name=_("liên đoàn lao động"), on_delete=models.PROTECT, related_name="profiles"
    )
    union = models.ForeignKey(
        GrassrootsUnion,
        verbose_name=_("công đoàn cơ sở"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="chairs",
    )
    party_organization = models.ForeignKey(
        PartyOrganization,
        verbose_name=_("tổ chức Đảng"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="viewers",
    )
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("hồ sơ người dùng")
        verbose_name_plural = _("hồ sơ người dùng")
        ordering = ["user__username"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="chair") | Q(union__isnull=False),
                name="unions_userprofile_chair_has_union",
                violation_error_message=_("Chủ tịch công đoàn cơ sở phải gắn với một công đoàn cơ sở."),
            ),
            models.CheckConstraint(
                condition=Q(role="chair") | Q(union__isnull=True),
                name="unions_userprofile_only_chair_has_union",
                violation_error_message=_("Chỉ chủ tịch công đoàn cơ sở mới gắn với công đoàn cơ sở."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.get_role_display()})"

    def clean(self):
        if self.union_id and self.federation_id and self.union.federation_id != self.federation_id:
            raise ValidationError({"union": _("Công đoàn cơ sở thuộc liên đoàn khác.")})


class EnrolmentCode(models.Model):
    """A one-time code an administrator issues so that a user may set up an authenticator app.

    The password alone never reveals the secret of a new authenticator: the user must also
    type this code, which reaches them by another way (in person, by telephone). Only a hash
    is kept; the code is shown once, to whoever issues it. It is spent when it is accepted,
    expires, and is void after too many wrong tries or when a newer code is issued.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("tài khoản"), on_delete=models.CASCADE, related_name="enrolment_codes"
    )
    code_hash = models.CharField(_("mã đã băm"), max_length=128, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người cấp"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("cấp lúc"), default=timezone.now)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    attempts = models.PositiveSmallIntegerField(_("số lần nhập sai"), default=0)
    used_at = models.DateTimeField(_("dùng lúc"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("hủy lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã đăng ký xác thực hai bước")
        verbose_name_plural = _("mã đăng ký xác thực hai bước")
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user.get_username()} {self.issued_at:%d/%m/%Y %H:%M}"

    @property
    def state(self) -> str:
        if self.used_at:
            return str(_("Đã dùng"))
        if self.revoked_at:
            return str(_("Đã hủy"))
        if self.expires_at <= timezone.now():
            return str(_("Hết hạn"))
        return str(_("Còn hiệu lực"))


# ---------------------------------------------------------------------------
# Access to personal data
# ---------------------------------------------------------------------------


class AccessLogQuerySet(ScopedQuerySet):
    """Leadership and staff read their federation's log; chairs and Party viewers read none of it."""

    federation_lookup = "federation"
    union_lookup = None


class AccessLog(models.Model):
    """Who viewed, exported or imported whose personal data, and when — never the data itself."""

    class Action(models.TextChoices):
        VIEW = "view", _("Xem")
        EXPORT = "export", _("Xuất tệp")
        IMPORT = "import", _("Nhập tệp")
        LOGIN = "login", _("Đăng nhập")
        LOGIN_FAILED = "login_failed", _("Đăng nhập sai")
        # A citizen ID typed by a user that belongs to a person outside their scope.
        LOOKUP = "lookup", _("Tra cứu số CCCD ngoài phạm vi")
        ENROL_ISSUED = "enrol_issued", _("Cấp mã đăng ký hai bước")
        ENROL_USED = "enrol_used", _("Dùng mã đăng ký hai bước")
        ENROL_FAILED = "enrol_failed", _("Mã đăng ký bị từ chối")
        ENROLLED = "enrolled", _("Đăng ký ứng dụng xác thực")

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người dùng"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(_("tên đăng nhập"), max_length=150, blank=True)
    federation = models.ForeignKey(
        Federation, verbose_name=_("liên đoàn lao động"), null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(_("hành động"), max_length=16, choices=Action.choices)
    what = models.CharField(_("nội dung"), max_length=200)
    path = models.CharField(_("đường dẫn"), max_length=300, blank=True)
    person_ids = models.JSONField(_("mã đoàn viên liên quan"), default=list, blank=True)
    person_count = models.PositiveIntegerField(_("số đoàn viên"), default=0)
    # Names of the personal-data fields shown in full (tags in candidates/sensitivity.py).
    fields = models.JSONField(_("dữ liệu đã hiển thị"), default=list, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhật ký truy cập dữ liệu cá nhân")
        verbose_name_plural = _("nhật ký truy cập dữ liệu cá nhân")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["federation", "-at"], name="unions_accesslog_fed_at")]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.username} {self.get_action_display()} {self.what}"
