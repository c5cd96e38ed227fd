"""Reorganisations of the tree as operations: a federation (or Party organisation) ends on a date
and what it held goes to its successors; and the dated history of a union's federations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tienlang.lib.versioning import VersionedModel

from ..querysets import ScopedQuerySet
from .federations import Federation
from .grassroots import GrassrootsUnion
from .party import PartyOrganization


class UnionAffiliationQuerySet(ScopedQuerySet):
    federation_lookup = "federation"
    union_lookup = "union"

    def overlapping(self, start, end):
        """Periods that share at least one day with [start, end]."""
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end), valid_until__gt=start)


class UnionAffiliation(models.Model):
    """A closed period of a union under a federation: from `valid_from` (open: since it was founded)
    up to the day before `valid_until`.

    The current period is the union's own `federation` since its `federation_since`; a reorganisation
    closes it here, so a report of a past year lists the unions the issuer held in that year.
    """

    union = models.ForeignKey(
        GrassrootsUnion, verbose_name=_("công đoàn cơ sở"), on_delete=models.PROTECT, related_name="affiliations"
    )
    federation = models.ForeignKey(
        Federation, verbose_name=_("liên đoàn lao động"), on_delete=models.PROTECT, related_name="past_unions"
    )
    valid_from = models.DateField(_("từ ngày"), null=True, blank=True)
    valid_until = models.DateField(_("đến trước ngày"))
    reorganisation = models.ForeignKey(
        "Reorganisation",
        verbose_name=_("sắp xếp tổ chức"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="affiliations",
    )

    objects = UnionAffiliationQuerySet.as_manager()

    class Meta:
        verbose_name = _("thời gian trực thuộc")
        verbose_name_plural = _("thời gian trực thuộc")
        ordering = ["union", "valid_until"]
        indexes = [models.Index(fields=["federation", "valid_until"], name="unions_affil_fed_until")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_until__gt=models.F("valid_from")),
                name="unions_unionaffiliation_period_order",
                violation_error_message=_("Ngày kết thúc phải sau ngày bắt đầu."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.union} — {self.federation} (đến {self.valid_until:%d/%m/%Y})"


class ReorganisationQuerySet(ScopedQuerySet):
    """Seen by the staff and leadership of the upper level that records it (and above it)."""

    federation_lookup = "federation"
    union_lookup = None


class Reorganisation(VersionedModel):
    """“Federation F ends on date D; its unions go to G1…Gn” (or the same for a Party organisation:
    its lower organisations go to T1…Tn), as one operation: proposed, edited, previewed, applied all
    or nothing, and undone while nothing depends on it."""

    class Kind(models.TextChoices):
        FEDERATION = "federation", _("Liên đoàn lao động")
        PARTY = "party", _("Tổ chức Đảng")

    class State(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        SCHEDULED = "scheduled", _("Đã duyệt, chờ ngày hiệu lực")
        APPLIED = "applied", _("Đã thực hiện")
        UNDONE = "undone", _("Đã hủy thực hiện")

    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices, default=Kind.FEDERATION)
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.DRAFT)
    federation = models.ForeignKey(
        Federation,
        verbose_name=_("cấp trên ghi nhận"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reorganisations",
        help_text=_("Liên đoàn cấp trên thực hiện việc sắp xếp; trống khi quản trị hệ thống ghi."),
    )
    source_federation = models.ForeignKey(
        Federation,
        verbose_name=_("liên đoàn kết thúc hoạt động"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ended_by",
    )
    source_party = models.ForeignKey(
        PartyOrganization,
        verbose_name=_("tổ chức Đảng kết thúc hoạt động"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ended_by",
    )
    target_federations = models.ManyToManyField(
        Federation, verbose_name=_("liên đoàn tiếp nhận"), blank=True, related_name="received_by"
    )
    target_parties = models.ManyToManyField(
        PartyOrganization, verbose_name=_("tổ chức Đảng tiếp nhận"), blank=True, related_name="received_by"
    )
    effective_on = models.DateField(_("ngày kết thúc hoạt động"))
    legal_basis = models.CharField(_("căn cứ (nghị quyết, quyết định)"), max_length=255, blank=True)
    moved = models.JSONField(_("số bản ghi đã chuyển"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người lập"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("thời điểm lập"), auto_now_add=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    applied_at = models.DateTimeField(_("thời điểm thực hiện"), null=True, blank=True)
    completed_at = models.DateTimeField(
        _("thời điểm có hiệu lực"),
        null=True,
        blank=True,
        help_text=_(
            "Khi các công đoàn đã chuyển sang tổ chức mới (ngày hiệu lực, hoặc ngay khi thực hiện nếu ngày đã qua)."
        ),
    )
    completion_error = models.CharField(_("lỗi khi đến ngày hiệu lực"), max_length=500, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người hủy thực hiện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    undone_at = models.DateTimeField(_("thời điểm hủy thực hiện"), null=True, blank=True)

    objects = ReorganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("sắp xếp tổ chức")
        verbose_name_plural = _("sắp xếp tổ chức")
        ordering = ["-effective_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="federation", source_federation__isnull=False, source_party__isnull=True))
                | (Q(kind="party", source_party__isnull=False, source_federation__isnull=True)),
                name="unions_reorganisation_one_source",
                violation_error_message=_("Một lần sắp xếp kết thúc đúng một tổ chức."),
            ),
            models.UniqueConstraint(
                fields=["source_federation"],
                condition=Q(state__in=["scheduled", "applied"]),
                name="unions_reorganisation_federation_ends_once",
                violation_error_message=_("Liên đoàn này đã được sắp xếp."),
            ),
            models.UniqueConstraint(
                fields=["source_party"],
                condition=Q(state__in=["scheduled", "applied"]),
                name="unions_reorganisation_party_ends_once",
                violation_error_message=_("Tổ chức Đảng này đã được sắp xếp."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} — {self.effective_on:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("unions:reorganisation_detail", args=[self.pk])

    @property
    def source(self):
        return self.source_federation if self.kind == self.Kind.FEDERATION else self.source_party

    def targets(self):
        if self.kind == self.Kind.FEDERATION:
            return self.target_federations.order_by("name", "pk")
        return self.target_parties.order_by("name", "pk")


class ReorganisationItemQuerySet(ScopedQuerySet):
    federation_lookup = "reorganisation__federation"
    union_lookup = None


class ReorganisationItem(models.Model):
    """One row of the mapping: a union (or a lower Party organisation) and where it goes."""

    reorganisation = models.ForeignKey(
        Reorganisation, verbose_name=_("sắp xếp tổ chức"), on_delete=models.CASCADE, related_name="items"
    )
    union = models.ForeignKey(
        GrassrootsUnion, verbose_name=_("công đoàn cơ sở"), null=True, blank=True, on_delete=models.PROTECT
    )
    enterprise = models.ForeignKey(
        "Enterprise",
        verbose_name=_("doanh nghiệp chưa có công đoàn"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,  # an enterprise deleted later leaves the record's counts; nothing to undo
        related_name="+",
    )
    party_organization = models.ForeignKey(
        PartyOrganization,
        verbose_name=_("tổ chức Đảng trực thuộc"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    target_federation = models.ForeignKey(
        Federation, verbose_name=_("chuyển về liên đoàn"), null=True, blank=True, on_delete=models.PROTECT
    )
    target_party = models.ForeignKey(
        PartyOrganization,
        verbose_name=_("chuyển về tổ chức Đảng"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed = models.BooleanField(_("theo đề xuất"), default=True)
    previous_since = models.DateField(null=True, blank=True, editable=False)

    objects = ReorganisationItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("dòng sắp xếp")
        verbose_name_plural = _("dòng sắp xếp")
        ordering = ["reorganisation", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["reorganisation", "union"], name="unions_reorgitem_union_once"),
            models.UniqueConstraint(fields=["reorganisation", "enterprise"], name="unions_reorgitem_enterprise_once"),
            models.UniqueConstraint(
                fields=["reorganisation", "party_organization"], name="unions_reorgitem_party_once"
            ),
        ]

    def __str__(self) -> str:
        return str(self.member)

    @property
    def member(self):
        return self.union or self.enterprise or self.party_organization

    @property
    def target(self):
        return self.target_federation or self.target_party
