"""The admission dossier of a nomination: staff record each document and its scan; readers see it."""

from __future__ import annotations

import dataclasses
import datetime
from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _, gettext_lazy

from candidates import services
from candidates.models import Nomination, Status
from tienlang.lib import kept
from tienlang.lib.audit import record_access
from tienlang.lib.document import Issuer
from tienlang.lib.forms import form_error_messages
from tienlang.lib.xlsx import xlsx_response
from unions.models import AccessLog
from unions.permissions import ALL_ROLES, is_district_staff, user_role

from . import clocks, documents, dossier, residence, rules
from .forms import CellResolutionForm, CeremonyForm, ResidenceReplyForm, ResidenceRequestForm
from .models import DossierItem, ResidenceCommentRequest


def _nomination(request, pk: int) -> Nomination:
    if user_role(request.user) not in ALL_ROLES:
        raise PermissionDenied
    return get_object_or_404(
        Nomination.objects.for_user(request.user).select_related(
            "person", "union", "introduction__receiving_organization__parent"
        ),
        pk=pk,
    )


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
        "admitted": nomination.status in (Status.ADMITTED, Status.OFFICIAL, Status.REMOVED),
        "clocks": clocks.Clocks([nomination], today).for_nomination(nomination),
        "needs_residence": residence.needs_comments(nomination),
        "residence_requests": list(
            ResidenceCommentRequest.objects.for_user(request.user)
            .filter(nomination=nomination)
            .select_related("organization")
        ),
        "request_form": ResidenceRequestForm(user=request.user, initial={"sent_on": today}),
        "outcomes": ResidenceCommentRequest.Outcome.choices,
        "channels": ResidenceCommentRequest.Channel.choices,
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


def _post_only(request) -> HttpResponse | None:
    if request.method != "POST":
        return HttpResponse(status=405)
    if not is_district_staff(request.user):
        raise PermissionDenied
    return None


STEP_FORMS = {"cell_resolution": CellResolutionForm, "ceremony": CeremonyForm}
STEP_DONE = {
    "cell_resolution": _("Đã ghi nghị quyết của chi bộ đề nghị kết nạp %(n)s."),
    "ceremony": _("Đã ghi ngày lễ kết nạp của %(n)s."),
}


def record_step(request, pk: int, step: str):
    """The cell's resolution or the ceremony, from the nomination page; refused with the reason."""
    refused = _post_only(request)
    if refused:
        return refused
    nomination = _nomination(request, pk)
    form_class = STEP_FORMS.get(step)
    if form_class is None:
        raise Http404
    form = form_class(request.POST)
    if not form.is_valid():
        return _refuse(request, nomination, step, form_error_messages(form))
    try:
        services.record_step(
            nomination,
            step,
            request.user,
            on=form.cleaned_data["happened_on"],
            details=form.details(),
            expected_version=form.cleaned_data["version"],
        )
    except ValidationError as exc:
        return _refuse(request, nomination, step, exc.messages)
    messages.success(request, STEP_DONE[step] % {"n": nomination.person.full_name})
    return redirect(nomination.get_absolute_url())


def _refuse(request, nomination: Nomination, step: str, errors: list[str]):
    """Say why, and keep what was typed: the page shows the step's form filled in again."""
    request.session[f"refused-step-{nomination.pk}"] = {
        "step": step,
        **{k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"},
    }
    for message in errors:
        messages.error(request, message)
    return redirect(nomination.get_absolute_url())


def _parse_date(value: str) -> datetime.date | None:
    try:
        return datetime.datetime.strptime(value.strip(), "%d/%m/%Y").date()
    except ValueError:
        return None


def residence_request_new(request, pk: int):
    refused = _post_only(request)
    if refused:
        return refused
    nomination = _nomination(request, pk)
    form = ResidenceRequestForm(request.POST, user=request.user)
    if not form.is_valid():
        for message in form_error_messages(form):
            messages.error(request, message)
        return redirect("admission:dossier", pk=nomination.pk)
    data = form.cleaned_data
    try:
        residence.send_request(
            nomination,
            request.user,
            organization=data["organization"],
            organization_text=data["organization_text"],
            number=data["number"],
            sent_on=data["sent_on"],
            channel=data["channel"],
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        name = nomination.person.full_name
        messages.success(request, _("Đã ghi đề nghị nhận xét nơi cư trú của %(n)s.") % {"n": name})
    return redirect("admission:dossier", pk=nomination.pk)


def _residence_request(request, request_pk: int) -> ResidenceCommentRequest:
    if user_role(request.user) not in ALL_ROLES:
        raise PermissionDenied
    return get_object_or_404(
        ResidenceCommentRequest.objects.for_user(request.user).select_related(
            "organization",
            "nomination__person",
            "nomination__union__enterprise",
            "nomination__federation__parent",
            "nomination__introduction__receiving_organization",
        ),
        pk=request_pk,
    )


def residence_reply(request, request_pk: int):
    refused = _post_only(request)
    if refused:
        return refused
    comment_request = _residence_request(request, request_pk)
    nomination = comment_request.nomination
    form = ResidenceReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        for message in form_error_messages(form):
            messages.error(request, message)
        return redirect("admission:dossier", pk=nomination.pk)
    data = form.cleaned_data
    try:
        residence.record_reply(
            comment_request,
            request.user,
            replied_on=data["replied_on"],
            outcome=data["outcome"],
            note=data["reply_note"],
            upload=data["attachment"],
            version=data["version"],
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã ghi trả lời của %(o)s.") % {"o": comment_request.addressee})
    return redirect("admission:dossier", pk=nomination.pk)


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def residence_attachment(request, request_pk: int):
    """The reply's scan: only for users who may see its nomination, and access-logged."""
    comment_request = _residence_request(request, request_pk)
    if not comment_request.attachment_name:
        raise Http404
    record_access(
        request,
        AccessLog.Action.EXPORT,
        _("Bản quét trả lời nhận xét nơi cư trú"),
        [comment_request.nomination.person_id],
        fields=["full_name"],
    )
    return _download(
        bytes(comment_request.attachment), comment_request.attachment_type, comment_request.attachment_name
    )


def residence_letter(request, request_pk: int):
    """The request letter to print and sign (xlsx in the administrative layout)."""
    comment_request = _residence_request(request, request_pk)
    nomination = comment_request.nomination
    record_access(
        request,
        AccessLog.Action.EXPORT,
        _("Công văn đề nghị nhận xét nơi cư trú"),
        [nomination.person_id],
        fields=["full_name", "date_of_birth", "residence_commune"],
    )
    issuer = Issuer.for_federation(nomination.federation)
    return xlsx_response(
        documents.request_letter_workbook(comment_request, issuer), f"de-nghi-nhan-xet-{comment_request.pk}.xlsx"
    )


def resolution_document(request, pk: int):
    """The union executive's resolution introducing the member (mẫu 4A-KNĐ), ready to sign."""
    nomination = _nomination(request, pk)
    introduction = getattr(nomination, "introduction", None)
    if introduction is None:
        raise Http404
    record_access(
        request,
        AccessLog.Action.EXPORT,
        _("Nghị quyết giới thiệu đoàn viên ưu tú"),
        [nomination.person_id],
        fields=["full_name", "date_of_birth"],
    )
    return xlsx_response(documents.resolution_workbook(introduction), f"nghi-quyet-gioi-thieu-{nomination.pk}.xlsx")


SHOW = {
    "overdue": (gettext_lazy("Quá hạn"), lambda clock: clock.overdue),
    "soon": (gettext_lazy("Đến hạn trong 10 ngày làm việc"), lambda clock: clock.soon),
    "due": (gettext_lazy("Quá hạn và sắp đến hạn"), lambda clock: clock.overdue or clock.soon),
    "missing": (gettext_lazy("Hồ sơ còn thiếu giấy tờ"), lambda clock: clock.step == "dossier"),
    "stale": (gettext_lazy("Hồ sơ quá 12 tháng chưa được chi bộ xét"), None),
}


# Rows per page of the lists of steps due (a district's thousand, a province's two thousand).
DUE_PAGE_SIZE = 50


def _open_steps(request, today: datetime.date) -> tuple[list, set[int], bool]:
    """The open steps of the user's introduced and admitted people (plain rows, no names), the
    nominations whose dossier went stale, and whether the 2,000 looked at are not all of them.

    Kept until the next write (`tienlang.lib.kept`): the steps are the same on every page of
    the lists until someone records something, a rule or a calendar day included."""
    user = request.user
    queryset = clocks.open_after_introduction(user)

    def compute():
        nominations = clocks.listed_nominations(user)
        computed = clocks.Clocks(nominations, today)
        stale = {pk for pk, fact in computed.facts.items() if fact.stale}
        # What is kept of each nomination is its key and its place by name: no one's data.
        steps = [
            dataclasses.replace(c, nomination=SimpleNamespace(pk=c.nomination.pk, order=c.nomination.order))
            for c in computed.all()
        ]
        return steps, stale, len(nominations) >= clocks.LIMIT

    key = f"{kept.query_key(queryset)}|{today.isoformat()}|{translation.get_language()}"
    return kept.kept("open-steps", key, kept.request_version(request), compute)


def _page(request, rows: list):
    page = Paginator(rows, DUE_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = clocks.with_people(request.user, list(page.object_list))
    return page, {"page_obj": page, "paginator": page.paginator, "is_paginated": page.has_other_pages()}


def due_list(request):
    """Overdue and soon-due steps of the user's people, grouped by the body that must act, 50 to a page."""
    if user_role(request.user) not in ALL_ROLES:
        raise PermissionDenied
    show = request.GET.get("show", "due")
    if show not in SHOW:
        show = "due"
    steps, stale, limited = _open_steps(request, timezone.localdate())
    title, keep = SHOW[show]
    if show == "stale":
        shown = [c for c in steps if c.step == "cell" and c.nomination.pk in stale]
    else:
        shown = [c for c in steps if keep(c)]
    shown.sort(key=lambda c: (c.body_kind, c.body, c.due_on or datetime.date.max, c.nomination.order))
    page, paging = _page(request, shown)
    groups: dict[tuple[str, str], list] = {}
    for clock in page.object_list:
        groups.setdefault((clock.body_kind_label, clock.body), []).append(clock)
    record_access(
        request,
        AccessLog.Action.VIEW,
        _("Danh sách việc đến hạn sau khi giới thiệu cho Đảng"),
        sorted({c.nomination.person_id for c in page.object_list}),
        fields=["full_name"],
    )
    context = {
        "groups": [(kind, body, rows) for (kind, body), rows in groups.items()],
        "title": title,
        "show": show,
        "choices": [(key, label) for key, (label, _keep) in SHOW.items()],
        "count": len(shown),
        "limited": limited,
        "breadcrumbs": [(_("Việc đến hạn"), None)],
        **paging,
    }
    return render(request, "admission/due_list.html", context)


def residence_waiting(request):
    """People living outside the area whose residence comments are not in yet, 50 to a page."""
    if user_role(request.user) not in ALL_ROLES:
        raise PermissionDenied
    steps, _stale, limited = _open_steps(request, timezone.localdate())
    rows = [c for c in steps if c.step in ("residence_reply", "residence_request")]
    rows.sort(key=lambda c: (c.step != "residence_reply", c.due_on or datetime.date.max, c.nomination.order))
    page, paging = _page(request, rows)
    record_access(
        request,
        AccessLog.Action.VIEW,
        _("Danh sách chờ nhận xét nơi cư trú"),
        sorted({c.nomination.person_id for c in page.object_list}),
        fields=["full_name", "residence_commune"],
    )
    context = {
        "rows": page.object_list,
        "count": len(rows),
        "limited": limited,
        "breadcrumbs": [(_("Chờ nhận xét nơi cư trú"), None)],
        **paging,
    }
    return render(request, "admission/residence_waiting.html", context)
