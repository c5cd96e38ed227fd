"""Transfer requests: a union asks for a person held elsewhere; the holder's staff decide."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from tienlang.lib.audit import record_access
from unions.models import AccessLog
from unions.permissions import is_chair, is_district_staff, is_federation_reader

from .. import sensitivity, services, transfers
from ..models import Person, TransferRequest

BREADCRUMBS = [(_("Hồ sơ nguồn"), "candidates:nomination_list")]


def _may_read(user) -> bool:
    return is_federation_reader(user) or is_chair(user)


def transfer_list(request):
    if not _may_read(request.user):
        raise PermissionDenied
    rows = list(
        TransferRequest.objects.for_user(request.user).select_related("to_union", "from_union", "requested_by")[:200]
    )
    decidable = transfers.decidable(request.user, rows)
    for row in rows:
        row.may_decide = row.pk in decidable
    crumbs = [*BREADCRUMBS, (_("Đề nghị chuyển đoàn viên"), None)]
    return render(request, "candidates/transfer_list.html", {"rows": rows, "breadcrumbs": crumbs})


def transfer_detail(request, pk):
    if not _may_read(request.user):
        raise PermissionDenied
    transfer = get_object_or_404(
        TransferRequest.objects.for_user(request.user).select_related("to_union", "from_union", "person"), pk=pk
    )
    deciding = transfers.may_decide(request.user, transfer)
    context = {
        "transfer": transfer,
        "submitted": transfers.submitted_for_display(transfer),
        "deciding": deciding and transfer.is_pending,
        "breadcrumbs": [
            *BREADCRUMBS,
            (_("Đề nghị chuyển đoàn viên"), "candidates:transfer_list"),
            (str(transfer), None),
        ],
    }
    if deciding:
        # The holder's staff see the person on record, what would change, and every rule's reason.
        person = Person.objects.for_user(request.user).get(pk=transfer.person_id)
        context["person"] = person
        context["changes"] = services.person_changes(person, transfers.submitted_person(transfer))
        context["findings"] = transfers.findings_for_approver(transfer) if transfer.is_pending else []
        record_access(
            request,
            AccessLog.Action.VIEW,
            _("Đề nghị chuyển đoàn viên"),
            [person.pk],
            fields=sensitivity.disclosed(["full_name", "citizen_id", "date_of_birth", "phone", "job_title"]),
        )
    return render(request, "candidates/transfer_detail.html", context)


def transfer_decide(request, pk):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not is_district_staff(request.user):
        raise PermissionDenied
    transfer = get_object_or_404(TransferRequest.objects.for_user(request.user), pk=pk)
    version = request.POST.get("version")
    expected = int(version) if version and version.isdigit() else None
    try:
        if request.POST.get("decision") == "approve":
            nomination = transfers.approve(transfer, request.user, expected_version=expected)
            messages.success(
                request,
                _("Đã chấp nhận đề nghị: %(n)s chuyển sang %(u)s, hồ sơ năm %(y)s đã được mở.")
                % {"n": nomination.person.full_name, "u": nomination.union.name, "y": nomination.year},
            )
        else:
            transfers.refuse(transfer, request.user, request.POST.get("reason", ""), expected_version=expected)
            messages.success(request, _("Đã từ chối đề nghị."))
    except services.EligibilityBlocked as blocked:
        for finding in blocked.findings:
            messages.error(request, finding.message)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("candidates:transfer_detail", pk=transfer.pk)
