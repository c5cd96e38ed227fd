"""A nomination upload kept from its preview to its save (the file holds personal data)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from unions.models import Federation, GrassrootsUnion
from unions.querysets import ScopedQuerySet


class NominationImport(models.Model):
    """An uploaded nomination file: kept for the preview, then as the record of what was saved."""

    class State(models.TextChoices):
        PREVIEW = "preview", _("Đang xem trước")
        SAVED = "saved", _("Đã lưu")
        REFUSED = "refused", _("Bị từ chối")

    federation = models.ForeignKey(Federation, on_delete=models.PROTECT, related_name="+")
    union = models.ForeignKey(
        GrassrootsUnion, verbose_name=_("công đoàn cơ sở"), on_delete=models.PROTECT, related_name="imports"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    file_name = models.CharField(_("tên tệp"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content = models.BinaryField(_("nội dung"), editable=False)
    state = models.CharField(_("trạng thái"), max_length=8, choices=State.choices, default=State.PREVIEW)
    rows_total = models.PositiveIntegerField(_("số dòng"), default=0)
    rows_saved = models.PositiveIntegerField(_("số dòng đã lưu"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("thời điểm tải lên"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("tệp nhập hồ sơ")
        verbose_name_plural = _("tệp nhập hồ sơ")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.sha256[:12]})"
