"""Plans, quotas and targets, and the yearly totals of the years before the system.

Progress against a quota is never typed in: it is computed from the nominations (see
`reports.queries`). Only the targets themselves, and the totals of earlier years kept on
paper, are entered here.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tienlang.lib.audit import HISTORY_EXCLUDED
from tienlang.lib.versioning import VersionedModel
from unions.models import Federation, GrassrootsUnion, Role
from unions.querysets import ReferenceQuerySet, ScopedQuerySet, party_organization_ids

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class FederationScopedQuerySet(ScopedQuerySet):
    """Federation-level rows: staff and leadership of the federation; chairs and Party viewers read them."""

    federation_lookup = "federation"
    union_lookup = None

    def for_user(self, user):
        profile = getattr(user, "profile", None) if user is not None and user.is_authenticated else None
        if profile is not None and user.is_active and profile.role in (Role.CHAIR, Role.PARTY_VIEWER):
            return self.filter(federation=profile.federation_id)
        return super().for_user(user)


class Plan(models.Model):
    """The plan a year's targets come from (e.g. Kế hoạch 33/KH-LĐLĐ ngày 16/3/2021)."""

    federation = models.ForeignKey(
        Federation, verbose_name=_("liên đoàn lao động"), on_delete=models.PROTECT, related_name="plans"
    )
    number = models.CharField(_("số kế hoạch"), max_length=40)
    issued_on = models.DateField(_("ngày ban hành"))
    issuer = models.CharField(_("cơ quan ban hành"), max_length=200)
    title = models.CharField(_("trích yếu"), max_length=500)
    from_year = models.PositiveSmallIntegerField(_("từ năm"), validators=YEAR_VALIDATORS)
    to_year = models.PositiveSmallIntegerField(_("đến năm"), validators=YEAR_VALIDATORS)

    objects = FederationScopedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")
        ordering = ["-issued_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(to_year__gte=models.F("from_year")),
                name="reports_plan_period_order",
                violation_error_message=_("Năm kết thúc phải sau hoặc bằng năm bắt đầu."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} ngày {self.issued_on:%d/%m/%Y}"


class FederationTarget(VersionedModel):
    """The federation's targets for one year: given by the level above (`given_by`), or set by
    the federation itself (`given_by` empty). Progress against them is always counted from the
    records (`reports.comparison`, `reports.targets`), never typed in."""

    federation = models.ForeignKey(
        Federation, verbose_name=_("liên đoàn lao động"), on_delete=models.PROTECT, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("năm"), validators=YEAR_VALIDATORS)
    plan = models.ForeignKey(
        Plan, verbose_name=_("theo kế hoạch"), null=True, blank=True, on_delete=models.PROTECT, related_name="targets"
    )
    classes = models.PositiveSmallIntegerField(_("số lớp cần mở"), default=0)
    learners = models.PositiveIntegerField(_("số học viên"), default=0)
    introductions = models.PositiveIntegerField(_("số người giới thiệu cho Đảng"), default=0)
    party_cells = models.PositiveSmallIntegerField(_("số tổ chức Đảng cần thành lập trong doanh nghiệp"), default=0)
    given_by = models.ForeignKey(
        Federation,
        verbose_name=_("cấp trên giao"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targets_given",
        help_text=_("Liên đoàn cấp trên đã giao chỉ tiêu này; trống khi liên đoàn tự đặt."),
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người giao hoặc đặt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    set_at = models.DateTimeField(_("thời điểm giao hoặc đặt"), null=True, blank=True)

    objects = FederationScopedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("chỉ tiêu của liên đoàn")
        verbose_name_plural = _("chỉ tiêu của liên đoàn")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "year"],
                name="reports_federationtarget_one_per_year",
                violation_error_message=_("Năm này đã có chỉ tiêu."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.federation} — {self.year}"

    @property
    def is_given_from_above(self) -> bool:
        return self.given_by_id is not None


class UnionQuotaQuerySet(ScopedQuerySet):
    federation_lookup = "union__federation"
    union_lookup = "union"


class UnionQuota(models.Model):
    """How many members a grassroots union is to introduce to the Party in a year."""

    union = models.ForeignKey(
        GrassrootsUnion, verbose_name=_("công đoàn cơ sở"), on_delete=models.PROTECT, related_name="quotas"
    )
    year = models.PositiveSmallIntegerField(_("năm"), validators=YEAR_VALIDATORS)
    introduce = models.PositiveIntegerField(_("chỉ tiêu giới thiệu"), default=0)
    plan = models.ForeignKey(
        Plan, verbose_name=_("theo kế hoạch"), null=True, blank=True, on_delete=models.PROTECT, related_name="quotas"
    )

    objects = UnionQuotaQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("chỉ tiêu của công đoàn cơ sở")
        verbose_name_plural = _("chỉ tiêu của công đoàn cơ sở")
        ordering = ["-year", "union__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["union", "year"],
                name="reports_unionquota_one_per_year",
                violation_error_message=_("Công đoàn cơ sở này đã có chỉ tiêu cho năm này."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.union} — {self.year}: {self.introduce}"


class YearlyAggregate(VersionedModel):
    """Totals of a year, or of a period of years, before the system, typed in once.

    A period (e.g. "từ năm 2020 đến 03/2022", kept as 2020–2022) is counted in the multi-year
    report only when none of its years is counted already (typed in on its own, or computed
    from the records); otherwise it is shown as a note, never added (`reports.queries.history`).
    """

    federation = models.ForeignKey(
        Federation, verbose_name=_("liên đoàn lao động"), on_delete=models.PROTECT, related_name="aggregates"
    )
    start_year = models.PositiveSmallIntegerField(_("từ năm"), validators=YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField(_("đến năm"), validators=YEAR_VALIDATORS)
    introduced = models.PositiveIntegerField(_("số được giới thiệu cho Đảng"), default=0)
    admitted = models.PositiveIntegerField(_("số được kết nạp"), null=True, blank=True)
    source = models.CharField(_("nguồn số liệu"), max_length=255, blank=True)

    objects = FederationScopedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("số liệu tổng hợp năm trước")
        verbose_name_plural = _("số liệu tổng hợp các năm trước")
        ordering = ["start_year", "end_year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="reports_yearlyaggregate_period_order",
                violation_error_message=_("Năm kết thúc phải sau hoặc bằng năm bắt đầu."),
            ),
            models.UniqueConstraint(
                fields=["federation", "start_year", "end_year"],
                name="reports_yearlyaggregate_one_per_period",
                violation_error_message=_("Năm (giai đoạn) này đã có số liệu tổng hợp."),
            ),
        ]

    @property
    def is_period(self) -> bool:
        return self.end_year != self.start_year

    @property
    def label(self) -> str:
        return f"{self.start_year}–{self.end_year}" if self.is_period else str(self.start_year)

    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)

    def __str__(self) -> str:
        return f"{self.label}: {self.introduced}"


# ---------------------------------------------------------------------------------------
# The register of issued reports (sổ văn bản đi)
# ---------------------------------------------------------------------------------------


class DocumentType(VersionedModel):
    """A kind of outgoing document and its abbreviation in the number: "BC" in "Số: 12/BC-LĐLĐ"."""

    code = models.CharField(_("ký hiệu"), max_length=12, unique=True, help_text=_("Ví dụ: BC, DS"))
    name = models.CharField(_("tên loại văn bản"), max_length=100, help_text=_("Ví dụ: Báo cáo, Danh sách"))
    report_kinds = models.JSONField(
        _("dùng cho các báo cáo"),
        default=list,
        blank=True,
        help_text=_("Mã các báo cáo mặc định phát hành với loại này: quota, roster, stipends, …"),
    )

    objects = ReferenceQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("loại văn bản")
        verbose_name_plural = _("loại văn bản")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class RegisterCounter(VersionedModel):
    """The last number a federation's register gave, per year and document type.

    Numbers are taken under a row lock (`reports.register.issue`), so two people issuing at
    once never get the same one. An administrator may set where a register starts (the
    numbers already given on paper this year).
    """

    federation = models.ForeignKey(
        Federation, verbose_name=_("liên đoàn lao động"), on_delete=models.PROTECT, related_name="register_counters"
    )
    year = models.PositiveSmallIntegerField(_("năm"), validators=YEAR_VALIDATORS)
    document_type = models.ForeignKey(DocumentType, verbose_name=_("loại văn bản"), on_delete=models.PROTECT)
    last_number = models.PositiveIntegerField(_("số cuối đã cấp"), default=0)

    objects = FederationScopedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("sổ đăng ký văn bản đi")
        verbose_name_plural = _("sổ đăng ký văn bản đi")
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "year", "document_type"],
                name="reports_registercounter_one_per_year_and_type",
            )
        ]

    def __str__(self) -> str:
        return f"{self.federation} — {self.year} — {self.document_type.code}: {self.last_number}"


class ImmutableRecord(Exception):
    """An issued report is never changed or deleted."""


class IssuedReportQuerySet(ScopedQuerySet):
    """Issued reports: the federation's staff and leadership (and those above); a Party viewer
    the ones addressed to their organisation or to one below it; chairs none."""

    federation_lookup = "federation"
    union_lookup = None

    def party_viewer_filter(self, profile):
        organisations = party_organization_ids(profile)
        if not organisations:
            return self.none()
        return self.filter(
            pk__in=IssuedReport.addressed_to.through.objects.filter(partyorganization_id__in=organisations).values(
                "issuedreport_id"
            )
        )

    def update(self, **kwargs):
        raise ImmutableRecord(_("Văn bản đã phát hành không được sửa."))

    def delete(self):
        raise ImmutableRecord(_("Văn bản đã phát hành không được xóa."))


class IssuedReport(models.Model):
    """A report as it was sent: its register number, signer, date, recipients and the exact file.

    The file is kept in the database (so every backup holds it) with its SHA-256, and never
    changes: the model refuses any update or delete, the admin only shows it.
    """

    federation = models.ForeignKey(
        Federation, verbose_name=_("liên đoàn lao động"), on_delete=models.PROTECT, related_name="issued_reports"
    )
    document_type = models.ForeignKey(DocumentType, verbose_name=_("loại văn bản"), on_delete=models.PROTECT)
    register_year = models.PositiveSmallIntegerField(_("năm của sổ"), validators=YEAR_VALIDATORS)
    number = models.PositiveIntegerField(_("số"))
    reference = models.CharField(_("số, ký hiệu"), max_length=60)
    report_kind = models.CharField(_("báo cáo"), max_length=20)
    report_year = models.PositiveSmallIntegerField(_("năm báo cáo"), validators=YEAR_VALIDATORS)
    title = models.CharField(_("trích yếu"), max_length=300)
    issued_on = models.DateField(_("ngày phát hành"))
    signer_title = models.CharField(_("chức vụ người ký"), max_length=120)
    signer_name = models.CharField(_("người ký"), max_length=120)
    recipients = models.TextField(_("nơi nhận"), help_text=_("Mỗi dòng một nơi nhận."))
    addressed_to = models.ManyToManyField(
        "unions.PartyOrganization",
        verbose_name=_("gửi tổ chức Đảng"),
        blank=True,
        related_name="issued_reports",
    )
    content = models.BinaryField(_("tệp Excel"), editable=False)
    sha256 = models.CharField(_("mã SHA-256"), max_length=64, editable=False)
    size = models.PositiveIntegerField(_("dung lượng (byte)"), editable=False)
    # The people the file lists (ids only): every download of it is access-logged with them.
    person_ids = models.JSONField(_("người có tên trong tệp"), default=list, blank=True, editable=False)
    disclosed_fields = models.JSONField(_("trường dữ liệu cá nhân"), default=list, blank=True, editable=False)
    issued_by = models.ForeignKey(
        "auth.User", verbose_name=_("người phát hành"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("lúc ghi sổ"), auto_now_add=True)

    objects = IssuedReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("văn bản đã phát hành")
        verbose_name_plural = _("sổ văn bản đi")
        ordering = ["-register_year", "-issued_on", "-number", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "register_year", "document_type", "number"],
                name="reports_issuedreport_one_number",
                violation_error_message=_("Số này đã được cấp trong sổ văn bản đi của năm."),
            )
        ]
        indexes = [models.Index(fields=["federation", "report_kind", "report_year"], name="reports_issued_kind_year")]

    def __str__(self) -> str:
        return f"Số {self.reference} ngày {self.issued_on:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableRecord(_("Văn bản đã phát hành không được sửa."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecord(_("Văn bản đã phát hành không được xóa."))

    @property
    def recipient_lines(self) -> list[str]:
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]
