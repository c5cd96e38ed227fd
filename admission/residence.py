"""Comments from the Party committee where a person lives, for people living outside the
federation's area: the request (to whom, when, how) and its reply, which fills the dossier's
document "Tổng hợp ý kiến nhận xét của chi ủy (chi bộ) nơi cư trú"."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from candidates.models import Nomination, Status
from tienlang.lib.versioning import StaleVersion
from unions.permissions import is_district_staff

from . import dossier
from .models import DossierItem, ResidenceCommentRequest

ITEM_CODE = "residence_comments"


def needs_comments(nomination: Nomination) -> bool:
    return not nomination.person.lives_in_district


def send_request(nomination: Nomination, user, *, organization, organization_text: str, number: str, sent_on, channel):
    if not is_district_staff(user):
        raise PermissionDenied
    name = nomination.person.full_name
    if nomination.status != Status.INTRODUCED:
        raise ValidationError(
            _("%(n)s: chỉ đề nghị nhận xét nơi cư trú khi hồ sơ đang ở “Đã giới thiệu cho Đảng”.") % {"n": name}
        )
    if not needs_comments(nomination):
        raise ValidationError(
            _("%(n)s thường trú trong địa bàn: không cần nhận xét của chi ủy nơi cư trú ngoài địa bàn.") % {"n": name}
        )
    if sent_on > timezone.localdate() + datetime.timedelta(days=1):
        raise ValidationError(_("Ngày gửi %(d)s chưa đến.") % {"d": sent_on.strftime("%d/%m/%Y")})
    introduction = getattr(nomination, "introduction", None)
    if introduction is not None and sent_on < introduction.resolution_date:
        raise ValidationError(
            _("Ngày gửi %(d)s trước ngày nghị quyết giới thiệu.") % {"d": sent_on.strftime("%d/%m/%Y")}
        )
    request = ResidenceCommentRequest(
        nomination=nomination,
        organization=organization,
        organization_text="" if organization else organization_text[:200],
        number=number[:40],
        sent_on=sent_on,
        channel=channel,
        recorded_by=user,
    )
    request._history_user = user
    request.save()
    return request


def record_reply(request: ResidenceCommentRequest, user, *, replied_on, outcome, note, upload, version: int):
    """The reply (or that none came), with its scan; the dossier's document is received with it."""
    if not is_district_staff(user):
        raise PermissionDenied
    if outcome not in ResidenceCommentRequest.Outcome.values:
        raise ValidationError(_("Kết quả không hợp lệ."))
    if replied_on < request.sent_on:
        raise ValidationError(
            _("Ngày trả lời %(r)s trước ngày gửi đề nghị %(s)s.")
            % {"r": replied_on.strftime("%d/%m/%Y"), "s": request.sent_on.strftime("%d/%m/%Y")}
        )
    changes = {"replied_on": replied_on, "outcome": outcome, "reply_note": (note or "")[:500], "recorded_by": user}
    if upload is not None:
        data = upload.read(dossier.MAX_ATTACHMENT_BYTES + 1)
        changes.update(
            attachment=data,
            attachment_name=upload.name[:200],
            attachment_type=dossier.check_attachment(upload.name, data),
        )
    with transaction.atomic():
        current = ResidenceCommentRequest.objects.select_for_update().get(pk=request.pk)
        if current.version != version:
            raise StaleVersion(current)
        for name, value in changes.items():
            setattr(current, name, value)
        current._history_user = user
        current.save()
        _fill_dossier(current, user)
        return current


def _fill_dossier(request: ResidenceCommentRequest, user) -> None:
    item = next((i for i in dossier.items(request.nomination) if i.item_type.code == ITEM_CODE), None)
    if item is None:
        return
    item = DossierItem.objects.select_for_update().get(pk=item.pk)
    item.status = DossierItem.Status.RECEIVED
    item.received_on = request.replied_on
    item.note = _("%(o)s — %(w)s") % {"o": request.get_outcome_display(), "w": request.addressee}
    if request.attachment_name:
        item.attachment = request.attachment
        item.attachment_name, item.attachment_type = request.attachment_name, request.attachment_type
    item.recorded_by = user
    item.version += 1
    item._history_user = user
    item.save()
