"""Saving a large nomination upload as a background job (the preview page starts it)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from jobs.runner import Outcome, confirm_alive, register

from . import imports, services
from .models import NominationImport

# Uploads of more rows than this are saved in the background, with a progress bar.
BACKGROUND_IMPORT_ROWS = 1_000


def _preview(params: dict) -> str:
    """Where a save that did not happen is started again: the file's preview."""
    return reverse("candidates:import_preview", args=[params["record"]]) if params.get("record") else ""


@register("nomination_import", again=_preview)
def run_import(job) -> Outcome:
    with transaction.atomic():
        # Locked, as the preview page's own save does: a file is never saved twice.
        record = (
            NominationImport.objects.for_user(job.user)
            .select_related("union__federation")
            .select_for_update(of=("self",))
            .filter(pk=job.params["record"])
            .first()
        )
        if record is None or not services.can_nominate_for(job.user, record.union):
            raise PermissionDenied
        preview = reverse("candidates:import_preview", args=[record.pk])
        if record.state != NominationImport.State.PREVIEW:
            return Outcome(message=_("Tệp này đã được xử lý trước đó."), url=preview)
        result = imports.import_file(bytes(record.content), record.union, record.year, user=job.user, record=record)
        # A process frozen past JOB_DEAD_AFTER_SECONDS was judged dead, and its page says nothing
        # was saved: then this rolls the save back rather than commit it.
        confirm_alive(job)
    if result.ok and result.record is not None:
        message = _("Đã lưu %(n)s hồ sơ.") % {"n": len(result.saved)}
        if result.rows_with_warnings:
            message += " " + _("%(n)s hồ sơ có cảnh báo, đã được đánh dấu để cán bộ LĐLĐ xem xét.") % {
                "n": result.rows_with_warnings
            }
        return Outcome(message=message, url=reverse("candidates:nomination_list"))
    return Outcome(
        message=_("Chưa lưu hồ sơ nào: tệp còn lỗi. Hãy xem bản kiểm tra, sửa tệp rồi tải lên lại."),
        url=preview,
        failed=True,
    )
