"""Personal-data duties: consents, data-subject requests, anonymisation records."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tienlang.lib.audit import HISTORY_EXCLUDED
from unions.querysets import ScopedQuerySet

from .people import Person

# ---------------------------------------------------------------------------------------
# Personal-data duties: consents, data-subject requests, anonymisation records
# ---------------------------------------------------------------------------------------

DEFAULT_CONSENT_PURPOSE = (
    "Tạo nguồn, bồi dưỡng nhận thức về Đảng và giới thiệu đoàn viên ưu tú cho tổ chức Đảng xem xét kết nạp"
)


class ByPersonQuerySet(ScopedQuerySet):
    """Rows about one person: visible exactly when the person is."""

    federation_lookup = "person__federation"
    union_lookup = "person__union"


class ConsentQuerySet(ByPersonQuerySet):
    def active(self):
        return self.filter(withdrawn_on__isnull=True)


class Consent(models.Model):
    """A person's consent to the processing of their data for one purpose, and its withdrawal."""

    person = models.ForeignKey(Person, verbose_name=_("đoàn viên"), on_delete=models.PROTECT, related_name="consents")
    purpose = models.CharField(_("mục đích xử lý"), max_length=255, default=DEFAULT_CONSENT_PURPOSE)
    given_on = models.DateField(_("ngày đồng ý"))
    evidence = models.CharField(
        _("hình thức, chứng cứ"),
        max_length=255,
        blank=True,
        help_text=_("Ví dụ: phiếu đồng ý có chữ ký, kèm đơn tự nguyện ngày …"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ghi"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("thời điểm ghi"), auto_now_add=True)
    withdrawn_on = models.DateField(_("ngày rút lại"), null=True, blank=True)
    withdrawn_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi việc rút lại"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawal_note = models.CharField(_("ghi chú khi rút lại"), max_length=255, blank=True)

    objects = ConsentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("sự đồng ý xử lý dữ liệu")
        verbose_name_plural = _("sự đồng ý xử lý dữ liệu")
        ordering = ["person", "-given_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.purpose[:60]} ({self.given_on:%d/%m/%Y})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None


class RequestKind(models.TextChoices):
    """Rights a data subject may exercise (the register's request types)."""

    ACCESS = "access", _("Xem, nhận bản sao dữ liệu")
    CORRECTION = "correction", _("Chỉnh sửa dữ liệu")
    DELETION = "deletion", _("Xóa dữ liệu")
    RESTRICTION = "restriction", _("Hạn chế xử lý dữ liệu")
    OBJECTION = "objection", _("Phản đối xử lý dữ liệu")
    WITHDRAW_CONSENT = "withdraw", _("Rút lại sự đồng ý")
    OTHER = "other", _("Khác (hỏi đáp, khiếu nại)")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Đã tiếp nhận")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    DONE = "done", _("Đã giải quyết")
    REFUSED = "refused", _("Từ chối (có lý do)")


OPEN_REQUEST_STATUSES = [RequestStatus.RECEIVED, RequestStatus.IN_PROGRESS]


class DataSubjectRequestQuerySet(ByPersonQuerySet):
    # The register is kept by the federation's staff: chairs do not read it.
    union_lookup = None

    def open(self):
        return self.filter(status__in=OPEN_REQUEST_STATUSES)

    def overdue(self, today):
        return self.open().filter(due_on__lt=today)


class DataSubjectRequest(models.Model):
    """A request by a person about their own data, with its legal deadline and who handled it.

    `due_on` is computed when the request is received, from the number of hours set per
    kind in settings (`DSR_RESPONSE_HOURS`), and kept: a later change of the setting does
    not move the deadline of a request already received.
    """

    person = models.ForeignKey(
        Person, verbose_name=_("đoàn viên"), on_delete=models.PROTECT, related_name="data_requests"
    )
    kind = models.CharField(_("loại yêu cầu"), max_length=12, choices=RequestKind.choices)
    received_on = models.DateField(_("ngày tiếp nhận"))
    due_on = models.DateField(_("hạn giải quyết"), editable=False)
    channel = models.CharField(
        _("hình thức tiếp nhận"), max_length=120, blank=True, help_text=_("Ví dụ: đơn trực tiếp, thư, thư điện tử.")
    )
    details = models.TextField(_("nội dung yêu cầu"), blank=True)
    status = models.CharField(
        _("tình trạng"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xử lý"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    response = models.TextField(_("kết quả giải quyết"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ghi"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    objects = DataSubjectRequestQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("yêu cầu của chủ thể dữ liệu")
        verbose_name_plural = _("yêu cầu của chủ thể dữ liệu")
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="cand_dsr_status_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.received_on:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("candidates:request_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REQUEST_STATUSES


class AnonymisationLogQuerySet(ByPersonQuerySet):
    union_lookup = None


class AnonymisationLog(models.Model):
    """That a person's identifying data was removed: when, by whom, under which rule, which fields.

    Never the removed values themselves.
    """

    person = models.ForeignKey(
        Person, verbose_name=_("đoàn viên"), on_delete=models.PROTECT, related_name="anonymisations"
    )
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Để trống: lệnh chạy định kỳ anonymise_expired."),
    )
    rule = models.CharField(_("căn cứ"), max_length=255)
    fields = models.JSONField(_("các trường đã xóa hoặc thay thế"), default=list)
    rows = models.JSONField(_("số bản ghi liên quan"), default=dict)

    objects = AnonymisationLogQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("nhật ký ẩn danh hóa")
        verbose_name_plural = _("nhật ký ẩn danh hóa")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.person_id} {self.at:%d/%m/%Y %H:%M}"
