"""The admission dossier of a nomination: staff record each document and its scan; readers see it."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from candidates.models import Nomination, Status
from tienlang.lib.audit import record_access
from unions.models import AccessLog
from unions.permissions import ALL_ROLES, is_district_staff, user_role

from . import dossier, rules
from .models import DossierItem


def _nomination(request, pk: int) -> Nomination:
    if user_role(request.user) not in ALL_ROLES:
        raise PermissionDenied
    return get_object_or_404(Nomination.objects.for_user(request.user).select_related("person", "union"), pk=pk)


def dossier_page(request, pk: int):
    nomination = _nomination(request, pk)
    items = dossier.items(nomination)
    person = nomination.person
    certificate = next((i.received_on for i in items if i.item_type.code == "certificate" and i.received_on), None)
    prepared = min((i.received_on for i in items if i.item_type.goes_stale and i.received_on), default=None)
    today = timezone.localdate()
    window = rules.admission_window(person.date_of_birth, certificate, prepared, today) if person.date_of_birth else []
    closes = window[0] if window else None
    record_access(request, AccessLog.Action.VIEW, _("Hồ sơ kết nạp"), [person.pk], fields=["full_name"])
    context = {
        "nomination": nomination,
        "items": items,
        "statuses": DossierItem.Status.choices,
        "can_edit": is_district_staff(request.user),
        "window": window,
        "closes": closes,
        "closes_soon": closes is not None and (closes[1] - today).days <= 60,
        "missing_before_cell": dossier.missing_for(nomination, "before_cell"),
        "admitted": nomination.status in (Status.ADMITTED, Status.OFFICIAL),
        "breadcrumbs": [
            (_("Hồ sơ nguồn"), "candidates:nomination_list"),
            (str(nomination), nomination.get_absolute_url()),
            (_("Hồ sơ kết nạp"), None),
        ],
    }
    return render(request, "admission/dossier.html", context)


def record_item(request, pk: int, item_pk: int):
    if request.method != "POST":
        return HttpResponse(status=405)
    if not is_district_staff(request.user):
        raise PermissionDenied
    nomination = _nomination(request, pk)
    item = get_object_or_404(DossierItem.objects.for_user(request.user), pk=item_pk, nomination=nomination)
    received = request.POST.get("received_on", "").strip()
    try:
        received_on = datetime.datetime.strptime(received, "%d/%m/%Y").date() if received else None
    except ValueError:
        messages.error(
            request,
            _("%(d)s: ngày nhận “%(v)s” không đúng dạng dd/mm/yyyy.") % {"d": item.item_type.name, "v": received},
        )
        return redirect("admission:dossier", pk=nomination.pk)
    version = request.POST.get("version", "")
    try:
        dossier.record(
            item,
            request.user,
            status=request.POST.get("status", ""),
            received_on=received_on,
            note=request.POST.get("note", ""),
            upload=request.FILES.get("attachment"),
            version=int(version) if version.isdigit() else -1,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã ghi: %(d)s.") % {"d": item.item_type.name})
    return redirect("admission:dossier", pk=nomination.pk)


def attachment(request, item_pk: int):
    """The scan of one document: only for users who may see its nomination, and access-logged."""
    if user_role(request.user) not in ALL_ROLES:
        raise PermissionDenied
    item = get_object_or_404(
        DossierItem.objects.for_user(request.user).select_related("nomination").exclude(attachment_name=""), pk=item_pk
    )
    record_access(
        request, AccessLog.Action.EXPORT, _("Bản quét hồ sơ kết nạp"), [item.nomination.person_id], fields=["full_name"]
    )
    response = HttpResponse(bytes(item.attachment), content_type=item.attachment_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=item.attachment_name)
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response
