"""Nominations: the list, the review queue, the form and the eligibility check, one nomination's page and its moves."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _, gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView

from tienlang.lib import glossary
from tienlang.lib.audit import change_history, record_access
from tienlang.lib.forms import form_error_messages
from tienlang.lib.kept import kept_count, request_version
from tienlang.lib.tables import PatternURL, format_date
from tienlang.lib.xlsx import xlsx_response
from unions.models import AccessLog, Role
from unions.permissions import (
    ALL_ROLES,
    RoleRequiredMixin,
    StaffRequiredMixin,
    is_chair,
    is_district_staff,
    user_role,
    user_union_id,
)
from unions.views import Breadcrumbs, ScopedFilteredListView
from unions.views.common import ObjectActionView

from .. import eligibility, sensitivity, services, transfers
from ..exports import EXPORTED_PERSON_FIELDS, build_nominations_workbook
from ..filters import NominationFilter
from ..forms import CorrectionForm, IntroductionForm, MoveForm, NominationForm, ReasonForm
from ..models import Nomination, NominationEvent, Person, Status, TransferRequest
from ..tables import NominationTable
from .people import may_see_full_citizen_id

# Moves that belong to a class (enrolment, results): made from the class pages only.
CLASS_MOVES = {Status.ENROLLED, Status.COMPLETED, Status.NOT_COMPLETED}


class NominationReaderMixin(RoleRequiredMixin):
    roles = ALL_ROLES


class NominatorMixin(RoleRequiredMixin):
    def test_role(self, user) -> bool:
        return is_district_staff(user) or is_chair(user)


# Personal-data fields the page shows (the access log records them, see sensitivity.disclosed).
NOMINATION_PAGE_FIELDS = ["full_name", "citizen_id", "date_of_birth", "sex", "residence_commune"]
NOMINATION_PAGE_FIELDS += ["residence_district", "residence_province"]


# ---------------------------------------------------------------------------------------
# Lists
# ---------------------------------------------------------------------------------------


class NominationListView(NominationReaderMixin, ScopedFilteredListView):
    model = Nomination
    filterset_class = NominationFilter
    table_class = NominationTable
    template_name = "candidates/nomination_list.html"
    title = glossary.TERMS["nominations_title"]
    breadcrumbs = [(glossary.TERMS["nominations_menu"], None)]
    table_only = (
        *("year", "status", "nominated_on", "in_district", "warnings", "warnings_accepted"),
        *("person", "person__full_name", "person__citizen_id", "person__date_of_birth"),
        *("union", "union__code"),
    )

    def get_queryset(self):
        return super().get_queryset().select_related("person", "union")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if is_district_staff(self.request.user) or is_chair(self.request.user):
            context["empty_action"] = (_("Giới thiệu đoàn viên"), reverse("candidates:nomination_add"))
        if user_role(self.request.user) == Role.PARTY_VIEWER:
            # What the Party viewer's menu calls it: the people introduced to their organisations.
            context["title"] = glossary.TERMS["introduced_title"]
            context["breadcrumbs"] = [(glossary.TERMS["introduced_title"], None)]
        return context

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        if is_chair(self.request.user):
            filterset.form.fields.pop("union", None)
        return filterset

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            # Exactly what the list shows: same scope, filters and sort order, without paging.
            filterset = self.get_filterset(self.get_filterset_class())
            queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
            table = self.get_table_class()(queryset)
            table.order_by = request.GET.get("sort") or table.Meta.order_by
            rows = table.data.data
            # People who asked for their data to stop being processed are not exported.
            omitted = rows.filter(person__processing_restricted=True).count()
            rows = rows.exclude(person__processing_restricted=True)
            record_access(
                request,
                AccessLog.Action.EXPORT,
                _("Danh sách hồ sơ nguồn (Excel)"),
                rows.values_list("person_id", flat=True),
                fields=sensitivity.disclosed(EXPORTED_PERSON_FIELDS),
            )
            return xlsx_response(build_nominations_workbook(rows, omitted=omitted), "ho-so-nguon.xlsx")
        return super().get(request, *args, **kwargs)


NOMINATION_URL = PatternURL("candidates:nomination_detail")


def review_rows(nominations) -> list[dict]:
    """The review queue's rows as the plain values it prints (a hundred rows: each looked up
    through the template's attribute resolution cost more than the page's queries)."""
    rows = []
    for nomination in nominations:
        person = nomination.person
        rows.append(
            {
                "pk": nomination.pk,
                "url": NOMINATION_URL(nomination.pk),
                "name": person.full_name,
                "choose": _("Chọn %(name)s") % {"name": person.full_name},
                "citizen_id": person.masked_citizen_id,
                "born": format_date(person.date_of_birth) if person.date_of_birth else "",
                "union": nomination.union.code,
                "nominated": format_date(nomination.nominated_on) if nomination.nominated_on else "",
                "warnings": [warning.get("message", "") for warning in nomination.warnings or []],
                "accepted": nomination.warnings_accepted,
            }
        )
    return rows


class ReviewQueueView(StaffRequiredMixin, Breadcrumbs, View):
    """Nominations waiting for the staff's eligibility review, with bulk approval."""

    template_name = "candidates/review_queue.html"
    breadcrumbs = [(gettext_lazy("Hồ sơ nguồn"), "candidates:nomination_list"), (gettext_lazy("Duyệt hồ sơ"), None)]
    page_size = 100
    # What `review_rows` prints (the access log then names those personal fields only).
    row_fields = (
        *("nominated_on", "warnings", "warnings_accepted", "union", "union__code"),
        *("person", "person__full_name", "person__citizen_id", "person__date_of_birth"),
    )

    def queryset(self):
        return (
            Nomination.objects.for_user(self.request.user)
            .filter(status=Status.NOMINATED)
            .select_related("person", "union")
            .order_by("nominated_on", "sort_name", "pk")
        )

    def get(self, request):
        queryset = self.queryset()
        union = request.GET.get("union")
        if union and union.isdigit():
            queryset = queryset.filter(union_id=int(union))
        # The oldest first, a screenful at a time: approved ones leave the queue and the next come up.
        rows = review_rows(queryset.only(*self.row_fields)[: self.page_size])
        total = kept_count(queryset, request_version(request))
        context = {"rows": rows, "total": total, "breadcrumbs": self.breadcrumbs}
        return render(request, self.template_name, context)

    def post(self, request):
        ids = [int(i) for i in request.POST.getlist("selected") if i.isdigit()]
        if not ids:
            messages.warning(request, _("Chưa chọn hồ sơ nào."))
            return redirect("candidates:review_queue")
        chosen = list(self.queryset().filter(pk__in=ids))
        approved, problems = services.bulk_approve(chosen, request.user)
        if approved:
            messages.success(request, _("Đã duyệt %(n)s hồ sơ.") % {"n": len(approved)})
        for problem in problems:
            messages.error(request, problem)
        return redirect("candidates:review_queue")


# ---------------------------------------------------------------------------------------
# Nominating one person
# ---------------------------------------------------------------------------------------


def _findings_for_form(form: NominationForm) -> list[eligibility.Finding]:
    data = form.cleaned_data
    union = form.chosen_union()
    if union is None or not data.get("nominated_on"):
        return []
    return eligibility.check(
        services.facts_from_data(form.person_data(), union),
        data["nominated_on"],
        data["nominated_on"].year,
        viewer=form.user,
    )


def _guard_lookups(request, findings: list[eligibility.Finding]) -> list[eligibility.Finding]:
    """Log a citizen ID held outside the user's scope; past the per-minute limit, say only that."""
    held = [f.person_id for f in findings if f.code == eligibility.HELD_ELSEWHERE and f.person_id]
    try:
        transfers.note_lookups(request.user, held, request.path)
    except transfers.TooManyLookups as exc:
        return [eligibility.Finding("lookup_limit", eligibility.BLOCK, exc.messages[0])]
    return findings


def _changes_for_form(form: NominationForm) -> list[dict]:
    """A person in the user's scope whose details the form would change: each field, before → after."""
    citizen_id = form.cleaned_data.get("citizen_id")
    if not citizen_id:
        return []
    person = Person.objects.for_user(form.user).filter(citizen_id=citizen_id).first()
    return services.person_changes(person, form.person_data()) if person else []


class NominationCreateView(NominatorMixin, Breadcrumbs, FormView):
    form_class = NominationForm
    template_name = "candidates/nomination_form.html"
    breadcrumbs = [
        (gettext_lazy("Hồ sơ nguồn"), "candidates:nomination_list"),
        (gettext_lazy("Giới thiệu đoàn viên"), None),
    ]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        findings = _guard_lookups(self.request, _findings_for_form(form))
        changes = _changes_for_form(form)
        if "save" not in self.request.POST or any(f.code == "lookup_limit" for f in findings):
            return self.render_to_response(
                self.get_context_data(form=form, findings=findings, changes=changes, checked=True)
            )
        data = form.cleaned_data
        request = services.NominationRequest(
            person=form.person_data(),
            union=form.chosen_union(),
            year=data["nominated_on"].year,
            nominated_on=data["nominated_on"],
            voluntary_application=data["voluntary_application"],
            chair_assessment=data["chair_assessment"],
            qualities_confirmed=data["qualities_confirmed"],
        )
        try:
            nomination = services.create_nomination(request, self.request.user)
        except transfers.TooManyLookups as exc:
            form.add_error("citizen_id", exc.messages[0])
            return self.form_invalid(form)
        except services.EligibilityBlocked as blocked:
            form.add_error(None, _("Không thể gửi hồ sơ: đoàn viên chưa đủ điều kiện."))
            return self.render_to_response(self.get_context_data(form=form, findings=blocked.findings, checked=True))
        except ValidationError as exc:
            for field, errors in exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]:
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            return self.form_invalid(form)
        if isinstance(nomination, TransferRequest):
            messages.info(
                self.request,
                _(
                    "Số CCCD của %(n)s đã có trong dữ liệu của Liên đoàn: đã gửi đề nghị để cán bộ LĐLĐ nơi "
                    "đang quản lý người này xác nhận. Hồ sơ sẽ được mở khi đề nghị được chấp nhận."
                )
                % {"n": nomination.submitted_name},
            )
            return redirect(nomination.get_absolute_url())
        if nomination.warnings:
            messages.warning(
                self.request,
                _("Đã gửi hồ sơ của %(n)s, kèm %(k)s cảnh báo để cán bộ LĐLĐ xem xét.")
                % {"n": nomination.person.full_name, "k": len(nomination.warnings)},
            )
        else:
            messages.success(self.request, _("Đã gửi hồ sơ của %(n)s.") % {"n": nomination.person.full_name})
        return redirect(nomination.get_absolute_url())


def eligibility_check(request):
    """Eligibility feedback while the chair types (the nomination form posts here)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not (is_district_staff(request.user) or is_chair(request.user)):
        raise PermissionDenied
    form = NominationForm(request.POST, user=request.user)
    form.is_valid()  # partial data is fine: judge what is there
    findings, changes = [], []
    if form.chosen_union() is not None and form.cleaned_data.get("nominated_on"):
        findings = _guard_lookups(request, _findings_for_form(form))
        changes = _changes_for_form(form)
    return render(
        request,
        "candidates/_findings.html",
        {"findings": findings, "changes": changes, "checked": bool(form.cleaned_data.get("date_of_birth"))},
    )


# ---------------------------------------------------------------------------------------
# One nomination
# ---------------------------------------------------------------------------------------


class NominationDetailView(NominationReaderMixin, Breadcrumbs, DetailView):
    model = Nomination
    template_name = "candidates/nomination_detail.html"

    def get_queryset(self):
        return (
            Nomination.objects.for_user(self.request.user)
            .select_related("person", "union__enterprise", "federation", "introduction__receiving_organization")
            .prefetch_related(
                Prefetch(
                    "events",
                    queryset=NominationEvent.objects.select_related("recorded_by").order_by("recorded_at", "pk"),
                )
            )
        )

    def get_breadcrumbs(self):
        person, _moved = self.shown_person()
        return [(_("Hồ sơ nguồn"), "candidates:nomination_list"), (f"{person.full_name} ({self.object.year})", None)]

    def shown_person(self):
        """The person as this user may see them, and whether they have moved out of the user's reach.

        A person who has since moved to a union outside the user's scope is shown as they were
        recorded while they belonged to this nomination's union, and nothing of what came after.
        """
        if not hasattr(self, "_shown_person"):
            nomination, person = self.object, self.object.person
            moved_away = person.union_id != nomination.union_id and not (
                Person.objects.for_user(self.request.user).filter(pk=person.pk).exists()
            )
            if moved_away:
                then = person.history.filter(union_id=nomination.union_id).first() or person.history.earliest()
                person = then.instance
            self._shown_person = (person, moved_away)
        return self._shown_person

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        nomination = self.object
        moves = services.allowed_moves(nomination, user)
        show_full_id = may_see_full_citizen_id(user, nomination.person)
        record_access(
            self.request,
            AccessLog.Action.VIEW,
            _("Hồ sơ nguồn"),
            [nomination.person_id],
            fields=sensitivity.disclosed(NOMINATION_PAGE_FIELDS, masked_fields=[] if show_full_id else ["citizen_id"]),
        )
        person, moved_away = self.shown_person()
        # A refused step comes back with what was typed (and the introduction form open at its errors).
        refused = self.request.session.pop(f"refused-move-{nomination.pk}", None) or {}
        if refused.get("to_status") == Status.INTRODUCED:
            introduction_form = IntroductionForm(
                {**refused, "version": nomination.version}, user=user, nomination=nomination
            )
            introduction_form.is_valid()
        else:
            introduction_form = IntroductionForm(
                user=user, nomination=nomination, initial={"version": nomination.version}
            )
        person_history = [] if moved_away else change_history(person)
        context["person"] = person
        context["change_history"] = sorted(
            change_history(nomination) + person_history, key=lambda r: r["date"], reverse=True
        )
        context.update(
            {
                # Enrolment and class results are recorded on the class pages, with the class.
                "moves": [(s, Status(s).label) for s in moves if s not in CLASS_MOVES and s != Status.INTRODUCED],
                "enrollment": nomination.enrollments.select_related("training_class").first(),
                "can_introduce": Status.INTRODUCED in moves,
                "introduction_form": introduction_form,
                "refused_move": refused,
                "move_form": MoveForm(user=user, nomination=nomination, initial={"version": nomination.version}),
                "is_district_staff": is_district_staff(user),
                "correction_form": CorrectionForm(initial={"version": nomination.version}),
                "show_full_id": show_full_id,
                "can_see_person": user_role(user) != Role.PARTY_VIEWER and not moved_away,
                "can_complete": is_district_staff(user)
                or (is_chair(user) and user_union_id(user) == nomination.union_id),
            }
        )
        return context


class NominationActionView(ObjectActionView):
    """Base for POST-only actions on one scoped nomination."""

    model = Nomination

    def get_queryset(self):
        return super().get_queryset().select_related("person")

    @property
    def nomination(self) -> Nomination:
        return self.object


class NominationMoveView(NominationActionView):
    def refuse(self, errors):
        """Say why, and keep what was typed: the page shows the same form filled in, open."""
        typed = {k: v for k, v in self.request.POST.items() if k != "csrfmiddlewaretoken"}
        self.request.session[f"refused-move-{self.nomination.pk}"] = typed
        return self.fail(errors)

    def post(self, request, pk):
        to_status = request.POST.get("to_status")
        if to_status == Status.INTRODUCED:
            return self.introduce()
        if to_status in CLASS_MOVES:
            return self.fail([_("Xếp lớp và kết quả học tập được ghi ở trang lớp học, cùng với lớp của học viên.")])
        form = MoveForm(request.POST, user=request.user, nomination=self.nomination)
        if not form.is_valid():
            return self.refuse(form_error_messages(form))
        try:
            services.move(
                self.nomination,
                form.cleaned_data["to_status"],
                request.user,
                reason=form.cleaned_data["reason"],
                on=form.cleaned_data["happened_on"],
                details=form.details(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            return self.refuse(exc.messages)
        messages.success(
            request,
            _("Hồ sơ của %(n)s đã chuyển sang “%(s)s”.")
            % {"n": self.nomination.person.full_name, "s": Status(to_status).label},
        )
        return self.done()

    def introduce(self):
        form = IntroductionForm(self.request.POST, user=self.request.user, nomination=self.nomination)
        if not form.is_valid():
            return self.refuse(form_error_messages(form))
        try:
            with transaction.atomic():
                nomination = services.move(
                    self.nomination,
                    Status.INTRODUCED,
                    self.request.user,
                    on=form.cleaned_data["resolution_date"],
                    details={"resolution_number": form.cleaned_data["resolution_number"]},
                    expected_version=form.cleaned_data["version"],
                )
                introduction = form.save(commit=False)
                introduction.nomination = nomination
                introduction.save()
        except ValidationError as exc:
            return self.refuse(exc.messages)
        messages.success(
            self.request,
            _("Đã ghi nghị quyết giới thiệu %(n)s cho %(o)s.")
            % {"n": self.nomination.person.full_name, "o": introduction.receiving_organization.name},
        )
        return self.done()


class AcceptWarningsView(NominationActionView):
    def post(self, request, pk):
        form = ReasonForm(request.POST)
        if not form.is_valid():
            return self.fail([_("Cần ghi lý do chấp nhận cảnh báo.")])
        try:
            services.accept_warnings(self.nomination, request.user, form.cleaned_data["reason"])
        except ValidationError as exc:
            return self.fail(exc.messages)
        messages.success(request, _("Đã chấp nhận cảnh báo của hồ sơ %(n)s.") % {"n": self.nomination.person.full_name})
        return self.done()


class NominationCompleteView(NominationActionView):
    """The chair adds the voluntary application and the assessment an uploaded nomination lacks."""

    def post(self, request, pk):
        version = request.POST.get("version", "")
        try:
            services.complete(
                self.nomination,
                request.user,
                voluntary_application=request.POST.get("voluntary_application") == "on",
                chair_assessment=request.POST.get("chair_assessment", ""),
                expected_version=int(version) if version.isdigit() else None,
            )
        except ValidationError as exc:
            return self.fail(exc.messages)
        messages.success(request, _("Đã bổ sung hồ sơ của %(n)s.") % {"n": self.nomination.person.full_name})
        return self.done()


class NominationCorrectView(NominationActionView):
    def post(self, request, pk):
        form = CorrectionForm(request.POST)
        if not form.is_valid():
            return self.fail([_("Cần chọn trạng thái và ghi lý do đính chính.")])
        try:
            services.correct(self.nomination, form.cleaned_data["to_status"], request.user, form.cleaned_data["reason"])
        except ValidationError as exc:
            return self.fail(exc.messages)
        messages.success(request, _("Đã ghi đính chính cho hồ sơ %(n)s.") % {"n": self.nomination.person.full_name})
        return self.done()


# ---------------------------------------------------------------------------------------
# One person
# ---------------------------------------------------------------------------------------
