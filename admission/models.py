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

from candidates.models import Nomination
from tienlang.lib.versioning import VersionedModel
from unions.querysets import ReferenceQuerySet, ScopedQuerySet


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
        CELL_VOTE = "cell_vote", _("Tỷ lệ đảng viên chính thức tán thành khi chi bộ xét kết nạp")
        REMOVAL = "removal", _("Xóa tên đảng viên dự bị không được công nhận chính thức")
        RESIDENCE_REPLY = "residence_reply", _("Thời hạn chờ chi ủy nơi cư trú trả lời nhận xét")

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


class DossierItemType(models.Model):
    """One document of the admission dossier (Hướng dẫn 12-HD/BTCTW, phần II, mục 1.1), as data."""

    class Step(models.TextChoices):
        BEFORE_CELL = "before_cell", _("Trước khi chi bộ xét kết nạp")
        AFTER_CELL = "after_cell", _("Sau khi chi bộ đồng ý")

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên giấy tờ"), max_length=200)
    legal_basis = models.CharField(_("căn cứ"), max_length=255)
    step = models.CharField(_("cần cho bước"), max_length=12, choices=Step.choices)
    goes_stale = models.BooleanField(
        _("phải làm lại khi hồ sơ quá hạn"), default=False, help_text=_("Quá 12 tháng chưa được chi bộ xét.")
    )
    residence_only = models.BooleanField(_("chỉ cho người ở ngoài địa bàn"), default=False)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("loại giấy tờ hồ sơ kết nạp")
        verbose_name_plural = _("loại giấy tờ hồ sơ kết nạp")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class DossierItemQuerySet(ScopedQuerySet):
    federation_lookup = "nomination__federation"
    union_lookup = "nomination__union"

    def party_viewer_filter(self, profile):
        return self.filter(nomination__in=Nomination.objects.party_viewer_filter(profile))


class DossierItem(models.Model):
    """One document of one person's admission dossier: its status, date, who recorded it, its scan."""

    class Status(models.TextChoices):
        MISSING = "missing", _("Chưa có")
        RECEIVED = "received", _("Đã nhận")
        STALE = "stale", _("Quá hạn, phải làm lại")
        NOT_NEEDED = "not_needed", _("Không cần")

    nomination = models.ForeignKey(
        "candidates.Nomination", verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="dossier_items"
    )
    item_type = models.ForeignKey(DossierItemType, verbose_name=_("giấy tờ"), on_delete=models.PROTECT)
    status = models.CharField(_("tình trạng"), max_length=12, choices=Status.choices, default=Status.MISSING)
    received_on = models.DateField(_("ngày nhận"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        "auth.User", verbose_name=_("người ghi"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("thời điểm ghi"), auto_now=True)
    # The scanned document, kept in the database: never under the static files, downloaded only
    # through the scoped, access-logged view, and part of every backup.
    attachment = models.BinaryField(_("bản quét"), blank=True, default=b"", editable=False)
    attachment_name = models.CharField(_("tên tệp"), max_length=200, blank=True)
    attachment_type = models.CharField(_("loại tệp"), max_length=40, blank=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)

    objects = DossierItemQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["attachment"])

    class Meta:
        verbose_name = _("giấy tờ hồ sơ kết nạp")
        verbose_name_plural = _("giấy tờ hồ sơ kết nạp")
        ordering = ["nomination", "item_type__order"]
        constraints = [
            models.UniqueConstraint(fields=["nomination", "item_type"], name="admission_dossieritem_one_per_type"),
        ]

    def __str__(self) -> str:
        return f"{self.item_type} — {self.get_status_display()}"


class ReminderSent(models.Model):
    """One reminder e-mail a day per user: `send_reminders` can run twice without sending twice."""

    user = models.ForeignKey("auth.User", verbose_name=_("người nhận"), on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("ngày"))
    items = models.PositiveIntegerField(_("số việc"), default=0)
    sent_at = models.DateTimeField(_("lúc gửi"), auto_now_add=True)

    class Meta:
        verbose_name = _("thư nhắc việc đã gửi")
        verbose_name_plural = _("thư nhắc việc đã gửi")
        ordering = ["-day", "user"]
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="admission_remindersent_once_a_day")]

    def __str__(self) -> str:
        return f"{self.user} {self.day:%d/%m/%Y}"


class ResidenceCommentRequest(VersionedModel):
    """The request for comments sent to the Party committee where a person living outside the
    federation's area resides, and its reply (Hướng dẫn 12-HD/BTCTW, phần II, mục 1.1)."""

    class Channel(models.TextChoices):
        POST = "post", _("Gửi qua bưu điện")
        HAND = "hand", _("Chuyển tay")
        EMAIL = "email", _("Thư điện tử")

    class Outcome(models.TextChoices):
        AGREE = "agree", _("Đồng ý")
        DISAGREE = "disagree", _("Không đồng ý")
        NO_REPLY = "no_reply", _("Không trả lời")

    nomination = models.ForeignKey(
        "candidates.Nomination",
        verbose_name=_("hồ sơ"),
        on_delete=models.CASCADE,
        related_name="residence_requests",
    )
    organization = models.ForeignKey(
        "unions.PartyOrganization",
        verbose_name=_("cấp ủy nơi cư trú"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organization_text = models.CharField(
        _("cấp ủy nơi cư trú (khi chưa có trong danh mục)"), max_length=200, blank=True
    )
    number = models.CharField(_("số công văn"), max_length=40, blank=True)
    sent_on = models.DateField(_("ngày gửi"))
    channel = models.CharField(_("hình thức gửi"), max_length=8, choices=Channel.choices)
    replied_on = models.DateField(_("ngày trả lời"), null=True, blank=True)
    outcome = models.CharField(_("kết quả"), max_length=10, choices=Outcome.choices, blank=True)
    reply_note = models.CharField(_("nội dung trả lời"), max_length=500, blank=True)
    # The reply's scan: kept like the dossier's (database, scoped and access-logged download, backups).
    attachment = models.BinaryField(_("bản quét trả lời"), blank=True, default=b"", editable=False)
    attachment_name = models.CharField(_("tên tệp"), max_length=200, blank=True)
    attachment_type = models.CharField(_("loại tệp"), max_length=40, blank=True)
    recorded_by = models.ForeignKey(
        "auth.User", verbose_name=_("người ghi"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("thời điểm ghi"), auto_now=True)

    objects = DossierItemQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["attachment"])

    class Meta:
        verbose_name = _("đề nghị nhận xét nơi cư trú")
        verbose_name_plural = _("đề nghị nhận xét nơi cư trú")
        ordering = ["nomination", "-sent_on", "-pk"]
        indexes = [models.Index(fields=["replied_on", "sent_on"], name="adm_residence_waiting")]

    def __str__(self) -> str:
        return f"{self.addressee} — {self.sent_on:%d/%m/%Y}"

    @property
    def addressee(self) -> str:
        return self.organization.name if self.organization_id else self.organization_text

    @property
    def is_waiting(self) -> bool:
        return self.replied_on is None
