"""Personal-data duties on screen: a person's legal basis, consents, restriction, export, requests.

Every view first finds the person (or request) through `for_user`, so anything outside the
user's scope is 404; then checks the role: district staff act, leadership reads the
register, chairs see the basis and consents of their own members but act on nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from tienlang.lib.audit import record_access
from tienlang.lib.xlsx import xlsx_response
from unions.models import AccessLog
from unions.permissions import is_district_staff, is_federation_reader

from .. import privacy, sensitivity
from ..exports import build_person_workbook
from ..forms import (
    ConsentForm,
    LegalBasisForm,
    PrivacyReasonForm,
    RequestFilterForm,
    RequestForm,
    RequestUpdateForm,
    WithdrawConsentForm,
)
from ..models import ENDED_STATUSES, Consent, DataSubjectRequest, Person, RequestKind, RequestStatus

ANCHOR = "#du-lieu-ca-nhan"


def _form_errors(form) -> list[str]:
    return [
        f"{form.fields[f].label}: {e}" if f in form.fields and form.fields[f].label else str(e)
        for f, errors in form.errors.items()
        for e in errors
    ]


def privacy_context(user, person: Person) -> dict:
    """The personal-data section of the person's page."""
    reader = is_federation_reader(user)
    staff = is_district_staff(user)
    context = {
        "privacy_staff": staff,
        "privacy_reader": reader,
        "consents": list(person.consents.select_related("recorded_by", "withdrawn_recorded_by")),
        "all_ended": not person.nominations.exclude(status__in=ENDED_STATUSES).exists(),
    }
    if reader:
        context["data_requests"] = list(person.data_requests.select_related("handled_by"))
        context["anonymisations"] = list(person.anonymisations.select_related("by"))
        context["today"] = timezone.localdate()
    if staff:
        context.update(
            {
                "legal_basis_form": LegalBasisForm(
                    initial={
                        "legal_basis": person.legal_basis,
                        "legal_basis_note": person.legal_basis_note,
                        "version": person.version,
                    }
                ),
                "consent_form": ConsentForm(),
                "withdraw_form": WithdrawConsentForm(),
                "reason_form": PrivacyReasonForm(),
                "request_form": RequestForm(),
            }
        )
    return context


class PersonExportView(View):
    """Everything held about one person, as one workbook (district staff, recorded in the access log)."""

    def get(self, request, pk):
        person = get_object_or_404(Person.objects.for_user(request.user).select_related("federation", "union"), pk=pk)
        if not is_district_staff(request.user):
            raise PermissionDenied
        record_access(
            request,
            AccessLog.Action.EXPORT,
            _("Toàn bộ dữ liệu của một đoàn viên (Excel)"),
            [person.pk],
            fields=[name for name, _label, _level in sensitivity.personal_fields()],
        )
        return xlsx_response(build_person_workbook(person, request.user), f"du-lieu-doan-vien-{person.pk}.xlsx")


class PersonPrivacyAction(View):
    """POST-only action on one person's data, by district staff."""

    def dispatch(self, request, *args, **kwargs):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        self.person = get_object_or_404(Person.objects.for_user(request.user), pk=kwargs["pk"])
        if not is_district_staff(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def done(self):
        return redirect(self.person.get_absolute_url() + ANCHOR)

    def fail(self, errors):
        for error in errors:
            messages.error(self.request, error)
        return self.done()

    def run(self, action, success: str):
        try:
            action()
        except ValidationError as exc:
            return self.fail(exc.messages)
        messages.success(self.request, success)
        return self.done()


class LegalBasisView(PersonPrivacyAction):
    def post(self, request, pk):
        form = LegalBasisForm(request.POST)
        if not form.is_valid():
            return self.fail(_form_errors(form))
        data = form.cleaned_data
        return self.run(
            lambda: privacy.set_legal_basis(
                self.person,
                request.user,
                data["legal_basis"],
                data["legal_basis_note"],
                expected_version=data["version"],
            ),
            _("Đã ghi căn cứ xử lý dữ liệu."),
        )


class ConsentAddView(PersonPrivacyAction):
    def post(self, request, pk):
        form = ConsentForm(request.POST)
        if not form.is_valid():
            return self.fail(_form_errors(form))
        data = form.cleaned_data
        return self.run(
            lambda: privacy.record_consent(
                self.person, request.user, given_on=data["given_on"], purpose=data["purpose"], evidence=data["evidence"]
            ),
            _("Đã ghi nhận sự đồng ý."),
        )


class ConsentWithdrawView(PersonPrivacyAction):
    def post(self, request, pk, consent_pk):
        consent = get_object_or_404(Consent.objects.for_user(request.user), pk=consent_pk, person=self.person)
        form = WithdrawConsentForm(request.POST)
        if not form.is_valid():
            return self.fail(_form_errors(form))
        data = form.cleaned_data
        return self.run(
            lambda: privacy.withdraw_consent(consent, request.user, on=data["withdrawn_on"], note=data["note"]),
            _("Đã ghi việc rút lại sự đồng ý."),
        )


class RestrictView(PersonPrivacyAction):
    def post(self, request, pk):
        form = PrivacyReasonForm(request.POST)
        if not form.is_valid():
            return self.fail([_("Cần ghi lý do hạn chế xử lý.")])
        return self.run(
            lambda: privacy.restrict(self.person, request.user, form.cleaned_data["reason"]),
            _("Đã hạn chế xử lý dữ liệu của %(n)s.") % {"n": self.person.full_name},
        )


class LiftRestrictionView(PersonPrivacyAction):
    def post(self, request, pk):
        form = PrivacyReasonForm(request.POST)
        if not form.is_valid():
            return self.fail([_("Cần ghi lý do gỡ hạn chế xử lý.")])
        return self.run(
            lambda: privacy.lift_restriction(self.person, request.user, form.cleaned_data["reason"]),
            _("Đã gỡ hạn chế xử lý dữ liệu của %(n)s.") % {"n": self.person.full_name},
        )


class AnonymiseView(PersonPrivacyAction):
    def post(self, request, pk):
        form = PrivacyReasonForm(request.POST)
        if not form.is_valid():
            return self.fail([_("Cần ghi căn cứ ẩn danh hóa (ví dụ: yêu cầu xóa dữ liệu ngày …).")])
        return self.run(
            lambda: privacy.anonymise_person(self.person, rule=form.cleaned_data["reason"], user=request.user),
            _("Đã ẩn danh hóa dữ liệu của đoàn viên #%(id)s.") % {"id": self.person.pk},
        )


class RequestAddView(PersonPrivacyAction):
    def post(self, request, pk):
        form = RequestForm(request.POST)
        if not form.is_valid():
            return self.fail(_form_errors(form))
        data = form.cleaned_data
        try:
            created = privacy.open_request(
                self.person,
                request.user,
                kind=data["kind"],
                received_on=data["received_on"],
                channel=data["channel"],
                details=data["details"],
            )
        except ValidationError as exc:
            return self.fail(exc.messages)
        due = created.due_on.strftime("%d/%m/%Y")
        messages.success(request, _("Đã ghi yêu cầu; hạn giải quyết %(d)s.") % {"d": due})
        return redirect(created.get_absolute_url())


# ---------------------------------------------------------------------------------------
# The register of data-subject requests
# ---------------------------------------------------------------------------------------


def _require_reader(user) -> None:
    if not is_federation_reader(user):
        raise PermissionDenied


def request_list(request):
    """Requests received, their deadlines and who handled them (staff and leadership)."""
    _require_reader(request.user)
    today = timezone.localdate()
    requests = DataSubjectRequest.objects.for_user(request.user).select_related("person", "handled_by")
    form = RequestFilterForm(request.GET or None)
    if form.is_valid():
        status, kind = form.cleaned_data["status"], form.cleaned_data["kind"]
        if status == "open":
            requests = requests.open()
        elif status == "overdue":
            requests = requests.overdue(today)
        elif status:
            requests = requests.filter(status=status)
        if kind:
            requests = requests.filter(kind=kind)
    page = Paginator(requests.order_by("status", "due_on", "pk"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "candidates/request_list.html",
        {
            "page_obj": page,
            "is_paginated": page.has_other_pages(),
            "paginator": page.paginator,
            "form": form,
            "today": today,
            "overdue": DataSubjectRequest.objects.for_user(request.user).overdue(today).count(),
            "hours": [(label, privacy.response_hours(kind)) for kind, label in RequestKind.choices],
            "breadcrumbs": [(_("Đoàn viên"), "candidates:person_list"), (_("Yêu cầu về dữ liệu cá nhân"), None)],
        },
    )


def request_detail(request, pk):
    """One request: its details, and (staff) moving it on."""
    item = get_object_or_404(
        DataSubjectRequest.objects.for_user(request.user).select_related("person", "handled_by", "recorded_by"), pk=pk
    )
    _require_reader(request.user)
    staff = is_district_staff(request.user)
    if request.method != "POST":
        record_access(request, AccessLog.Action.VIEW, _("Yêu cầu về dữ liệu cá nhân"), [item.person_id], ["full_name"])
    if request.method == "POST":
        if not staff:
            raise PermissionDenied
        form = RequestUpdateForm(request.POST)
        if form.is_valid():
            try:
                privacy.update_request(
                    item,
                    request.user,
                    status=form.cleaned_data["status"],
                    response=form.cleaned_data["response"],
                    expected_status=form.cleaned_data["expected_status"] or None,
                )
            except ValidationError as exc:
                for error in exc.messages:
                    messages.error(request, error)
            else:
                messages.success(request, _("Đã cập nhật yêu cầu."))
            return redirect(item.get_absolute_url())
    else:
        form = RequestUpdateForm(
            initial={
                "status": RequestStatus.IN_PROGRESS if item.status == RequestStatus.RECEIVED else item.status,
                "response": item.response,
                "expected_status": item.status,
            }
        )
    return render(
        request,
        "candidates/request_detail.html",
        {
            "item": item,
            "form": form if staff and item.is_open else None,
            "staff": staff,
            "today": timezone.localdate(),
            "breadcrumbs": [
                (_("Yêu cầu về dữ liệu cá nhân"), "candidates:request_list"),
                (str(item), None),
            ],
        },
    )
