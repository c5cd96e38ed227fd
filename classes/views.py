"""Class pages. Staff change; leadership read; a chair reads their own union's learners.

Every queryset goes through `for_user(request.user)`: a class, learner or payment
outside the user's scope is 404. Pages that change anything are for district staff
only (403 for everyone else, checked before any object is looked up).
"""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy
from django.views import View
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from candidates.models import Nomination, Status
from candidates.tables import status_badge
from tienlang.lib.versioning import RefuseStaleSaveMixin
from tienlang.lib.xlsx import xlsx_response
from unions.models import Enterprise
from unions.permissions import (
    REGISTER_ROLES,
    FederationReaderRequiredMixin,
    RoleRequiredMixin,
    StaffRequiredMixin,
    is_chair,
    is_district_staff,
)
from unions.views import Breadcrumbs, ScopedFilteredListView

from . import services
from .exports import build_roster_workbook, build_stipends_workbook
from .forms import (
    AttendanceRowForm,
    BudgetFilterForm,
    CancelPaymentForm,
    ClassSessionForm,
    CommitmentRowForm,
    EnrolFilterForm,
    EnrolForm,
    PaymentForm,
    ResultRowForm,
    StipendPolicyForm,
    TrainingClassForm,
)
from .models import (
    Attendance,
    ClassSession,
    ClassStatus,
    EmployerCommitment,
    Enrollment,
    LearnerSupport,
    PaymentStatus,
    Result,
    StipendPayment,
    StipendPolicy,
    SupportKind,
    TrainingClass,
)

CLASSES = gettext_lazy("Lớp học")


class ClassReaderMixin(RoleRequiredMixin):
    """Staff, leadership and chairs (a chair reads only the classes their people are in)."""

    roles = REGISTER_ROLES


def _class_crumbs(klass: TrainingClass, *tail) -> list:
    return [(CLASSES, "classes:class_list"), (klass.name, klass.get_absolute_url()), *tail]


def _scoped_class(request, pk) -> TrainingClass:
    return get_object_or_404(TrainingClass.objects.for_user(request.user), pk=pk)


def _messages_from(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _learners(klass: TrainingClass, user):
    """The class's learners that `user` may see, in roster order, with their people."""
    return (
        Enrollment.objects.for_user(user)
        .filter(training_class=klass)
        .select_related("nomination__person", "nomination__union")
        .order_by("nomination__search_folded", "pk")
    )


# ---------------------------------------------------------------------------------------
# Class list
# ---------------------------------------------------------------------------------------


class TrainingClassFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=gettext_lazy("Năm"))
    status = django_filters.ChoiceFilter(label=gettext_lazy("Tình trạng"), choices=ClassStatus.choices)

    class Meta:
        model = TrainingClass
        fields = ["year", "status"]


class TrainingClassTable(tables.Table):
    name = tables.Column(verbose_name=gettext_lazy("Tên lớp"), linkify=True)
    year = tables.Column(verbose_name=gettext_lazy("Năm"))
    opens_on = tables.DateColumn(verbose_name=gettext_lazy("Khai giảng"), format="d/m/Y")
    closes_on = tables.DateColumn(verbose_name=gettext_lazy("Bế giảng"), format="d/m/Y")
    venue = tables.Column(verbose_name=gettext_lazy("Địa điểm"))
    learners = tables.Column(verbose_name=gettext_lazy("Học viên / chỗ"), orderable=True, order_by=("learners",))
    status = tables.Column(verbose_name=gettext_lazy("Tình trạng"))

    class Meta:
        model = TrainingClass
        fields = ["name", "year", "opens_on", "closes_on", "venue", "learners", "status"]
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "class-table"}
        order_by = ("-year", "opens_on")

    def render_learners(self, value, record):
        return f"{value} / {record.capacity}"

    def render_status(self, value, record):
        from .templatetags.classes_extras import class_badge

        return class_badge(record)


class TrainingClassListView(ClassReaderMixin, ScopedFilteredListView):
    model = TrainingClass
    filterset_class = TrainingClassFilter
    table_class = TrainingClassTable
    template_name = "classes/trainingclass_list.html"
    title = gettext_lazy("Lớp bồi dưỡng nhận thức về Đảng")
    breadcrumbs = [(CLASSES, None)]

    def get_queryset(self):
        # The chair's scope filters on the same relation first, so the count is of their own learners.
        return (
            super()
            .get_queryset()
            .annotate(learners=Count("enrollments", distinct=True))
            .order_by("-year", "opens_on", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["is_district_staff"] = is_district_staff(user)
        context["is_chair"] = is_chair(user)
        context["years"] = (
            TrainingClass.objects.for_user(user).order_by("-year").values_list("year", flat=True).distinct()[:10]
        )
        return context


# ---------------------------------------------------------------------------------------
# One class
# ---------------------------------------------------------------------------------------


class TrainingClassDetailView(ClassReaderMixin, Breadcrumbs, DetailView):
    model = TrainingClass
    template_name = "classes/trainingclass_detail.html"

    def get_queryset(self):
        return TrainingClass.objects.for_user(self.request.user).select_related("federation")

    def get_breadcrumbs(self):
        return [(CLASSES, "classes:class_list"), (self.object.name, None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        klass = self.object
        visible = Enrollment.objects.for_user(user).filter(training_class=klass)
        sessions = list(
            klass.sessions.annotate(
                present=Count(
                    "attendances",
                    filter=Q(attendances__present=True, attendances__enrollment__in=visible.values("pk")),
                ),
                marked=Count("attendances", filter=Q(attendances__enrollment__in=visible.values("pk"))),
            ).order_by("date", "pk")
        )
        learners = list(
            _learners(klass, user)
            .annotate(present=Count("attendances", filter=Q(attendances__present=True)))
            .prefetch_related(
                Prefetch("payments", queryset=StipendPayment.objects.live().order_by("pk")),
                Prefetch("supports", queryset=LearnerSupport.objects.filter(kind=SupportKind.SHIRT)),
            )
        )
        payments = StipendPayment.objects.for_user(user).filter(enrollment__training_class=klass)
        counts = {value: 0 for value in Result.values}
        withdrawn = 0
        for enrollment in learners:
            counts[enrollment.result] += 1
            withdrawn += enrollment.nomination.status == Status.WITHDRAWN
        context.update(
            {
                "sessions": sessions,
                "learners": learners,
                "total_learners": klass.enrollments.count(),
                "counts": counts,
                "withdrawn": withdrawn,
                "budget": services.budget_totals(payments),
                "commitments": list(
                    EmployerCommitment.objects.for_user(user).filter(training_class=klass).select_related("enterprise")
                ),
                "is_district_staff": is_district_staff(user),
                "is_chair": is_chair(user),
            }
        )
        return context


class TrainingClassCreateView(StaffRequiredMixin, Breadcrumbs, CreateView):
    model = TrainingClass
    form_class = TrainingClassForm
    template_name = "classes/form_page.html"
    breadcrumbs = [(CLASSES, "classes:class_list"), (gettext_lazy("Mở lớp mới"), None)]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("Mở lớp mới")}

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Đã tạo lớp “%(n)s”.") % {"n": self.object.name})
        return response


class TrainingClassUpdateView(StaffRequiredMixin, Breadcrumbs, RefuseStaleSaveMixin, UpdateView):
    model = TrainingClass
    form_class = TrainingClassForm
    template_name = "classes/form_page.html"

    def get_queryset(self):
        return TrainingClass.objects.for_user(self.request.user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_breadcrumbs(self):
        return _class_crumbs(self.object, (_("Sửa thông tin lớp"), None))

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("Sửa thông tin lớp")}

    def form_valid(self, form):
        response = super().form_valid(form)
        if not form.errors:
            messages.success(self.request, _("Đã lưu lớp “%(n)s”.") % {"n": self.object.name})
        return response


class SessionCreateView(StaffRequiredMixin, Breadcrumbs, CreateView):
    model = ClassSession
    form_class = ClassSessionForm
    template_name = "classes/form_page.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and is_district_staff(request.user):
            self.training_class = _scoped_class(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "training_class": self.training_class}

    def get_breadcrumbs(self):
        return _class_crumbs(self.training_class, (_("Thêm buổi học"), None))

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("Thêm buổi học — %(c)s") % {"c": self.training_class}}

    def form_valid(self, form):
        form.save()
        messages.success(
            self.request, _("Đã thêm buổi học ngày %(d)s.") % {"d": form.instance.date.strftime("%d/%m/%Y")}
        )
        return redirect(self.training_class.get_absolute_url())


# ---------------------------------------------------------------------------------------
# Staff pages on one class (403 for everyone else, before any lookup)
# ---------------------------------------------------------------------------------------


class ClassActionView(StaffRequiredMixin, View):
    """Base: `self.klass` is the scoped class (404 outside the staff member's federation)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and is_district_staff(request.user):
            self.klass = _scoped_class(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


class EnrolView(ClassActionView):
    template_name = "classes/enrol.html"

    def candidates(self, filters):
        queryset = (
            Nomination.objects.for_user(self.request.user)
            .filter(status=Status.APPROVED, federation=self.klass.federation_id, enrollments__isnull=True)
            .select_related("person", "union")
            .order_by("union__code", "search_folded", "pk")
        )
        data = filters.cleaned_data if filters.is_valid() else {}
        year = data.get("year") or self.klass.year
        queryset = queryset.filter(year=year)
        if data.get("union"):
            queryset = queryset.filter(union=data["union"])
        if data.get("q"):
            queryset = queryset.search(data["q"])
        return queryset

    def policies(self):
        return (
            StipendPolicy.objects.for_user(self.request.user)
            .filter(federation=self.klass.federation_id)
            .for_year(self.klass.year)
        )

    def render_page(self, filters, form, status=200):
        filters.fields["year"].widget.attrs["placeholder"] = str(self.klass.year)
        rows = list(self.candidates(filters)[:1000])
        taken = self.klass.enrollments.count()
        context = {
            "klass": self.klass,
            "rows": rows,
            "filters": filters,
            "form": form,
            "taken": taken,
            "free": max(self.klass.capacity - taken, 0),
            "breadcrumbs": _class_crumbs(self.klass, (_("Ghi danh học viên"), None)),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        filters = EnrolFilterForm(request.GET or None, user=request.user)
        policies = self.policies()
        form = EnrolForm(
            policies=policies,
            initial={"on": timezone.localdate(), "policy": policies.first()},
        )
        return self.render_page(filters, form)

    def post(self, request, pk):
        filters = EnrolFilterForm(request.GET or None, user=request.user)
        form = EnrolForm(request.POST, policies=self.policies())
        ids = [int(i) for i in request.POST.getlist("selected") if i.isdigit()]
        if not form.is_valid():
            return self.render_page(filters, form, status=400)
        if not ids:
            messages.warning(request, _("Chưa chọn hồ sơ nào để ghi danh."))
            return self.render_page(filters, form, status=400)
        chosen = Nomination.objects.for_user(request.user).filter(pk__in=ids)
        try:
            created = services.enrol(
                self.klass, chosen, request.user, on=form.cleaned_data["on"], policy=form.cleaned_data["policy"]
            )
        except ValidationError as exc:
            _messages_from(request, exc)
            return self.render_page(filters, form, status=400)
        messages.success(
            request, _("Đã ghi danh %(n)s học viên vào lớp “%(c)s”.") % {"n": len(created), "c": self.klass.name}
        )
        return redirect(self.klass.get_absolute_url())


class AttendanceView(ClassActionView):
    """The whole class × one session on one screen; saved all at once."""

    template_name = "classes/attendance.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and is_district_staff(request.user):
            self.session = get_object_or_404(
                ClassSession.objects.for_user(request.user).filter(training_class=kwargs["pk"]), pk=kwargs["session_pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def rows(self, data=None):
        learners = list(_learners(self.klass, self.request.user))
        marks = {a.enrollment_id: a for a in Attendance.objects.filter(session=self.session)}
        rows = []
        for number, enrollment in enumerate(learners, start=1):
            mark = marks.get(enrollment.pk)
            initial = {"present": mark.present if mark else True, "reason": mark.absence_reason if mark else ""}
            form = AttendanceRowForm(data, prefix=f"a{enrollment.pk}", initial=initial)
            rows.append({"number": number, "enrollment": enrollment, "form": form, "mark": mark})
        return rows

    def render_page(self, rows, status=200):
        sessions = list(self.klass.sessions.order_by("date", "pk"))
        context = {
            "klass": self.klass,
            "session": self.session,
            "sessions": sessions,
            "rows": rows,
            "recorded": any(r["mark"] for r in rows),
            "stamp": services.attendance_stamp(self.session),
            "breadcrumbs": _class_crumbs(self.klass, (_("Điểm danh"), None)),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk, session_pk):
        return self.render_page(self.rows())

    def post(self, request, pk, session_pk):
        rows = self.rows(request.POST)
        errors = []
        for row in rows:
            if not row["form"].is_valid():
                name = row["enrollment"].nomination.person.full_name
                for field_errors in row["form"].errors.values():
                    errors += [
                        _("Dòng %(r)s — %(n)s: %(e)s") % {"r": row["number"], "n": name, "e": e} for e in field_errors
                    ]
        if errors:
            for error in errors:
                messages.error(request, error)
            return self.render_page(rows, status=400)
        marks = [
            services.Mark(r["enrollment"].pk, r["form"].cleaned_data["present"], r["form"].cleaned_data["reason"])
            for r in rows
        ]
        try:
            services.record_attendance(self.session, marks, request.user, expected_stamp=request.POST.get("stamp"))
        except ValidationError as exc:
            _messages_from(request, exc)
            return self.render_page(rows, status=400)
        present = sum(1 for m in marks if m.present)
        messages.success(
            request,
            _("Đã lưu điểm danh buổi %(d)s: %(p)s có mặt, %(a)s vắng.")
            % {"d": self.session.date.strftime("%d/%m/%Y"), "p": present, "a": len(marks) - present},
        )
        return redirect(reverse("classes:attendance", args=[self.klass.pk, self.session.pk]))


class ResultsView(ClassActionView):
    """Result, certificate number and date per learner; saved all or nothing."""

    template_name = "classes/results.html"

    def rows(self, data=None):
        learners = list(
            _learners(self.klass, self.request.user).annotate(
                present=Count("attendances", filter=Q(attendances__present=True))
            )
        )
        rows = []
        for number, enrollment in enumerate(learners, start=1):
            editable = enrollment.result == Result.PASSED or (
                enrollment.result == Result.PENDING and enrollment.nomination.status == Status.ENROLLED
            )
            initial = {
                "result": enrollment.result,
                "certificate_number": enrollment.certificate_number,
                "certificate_date": enrollment.certificate_date,
                "note": enrollment.result_note,
            }
            form = ResultRowForm(data if editable else None, prefix=f"r{enrollment.pk}", initial=initial)
            form.fields["certificate_date"].widget.format = "%d/%m/%Y"
            rows.append({"number": number, "enrollment": enrollment, "form": form, "editable": editable})
        return rows

    def render_page(self, rows, errors=(), status=200):
        context = {
            "klass": self.klass,
            "rows": rows,
            "sessions": self.klass.sessions.count(),
            "errors": list(errors),
            "results": Result.choices,
            "breadcrumbs": _class_crumbs(self.klass, (_("Kết quả và giấy chứng nhận"), None)),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        return self.render_page(self.rows())

    def post(self, request, pk):
        rows = self.rows(request.POST)
        errors, inputs = [], []
        for row in rows:
            if not row["editable"]:
                continue
            form = row["form"]
            name = row["enrollment"].nomination.person.full_name
            if not form.is_valid():
                for field, field_errors in form.errors.items():
                    label = form.fields[field].label if field in form.fields else ""
                    errors += [
                        _("Dòng %(r)s — %(n)s, cột “%(c)s”: %(e)s")
                        % {"r": row["number"], "n": name, "c": label, "e": e}
                        for e in field_errors
                    ]
                continue
            data = form.cleaned_data
            inputs.append(
                services.ResultInput(
                    enrollment_id=row["enrollment"].pk,
                    result=data["result"],
                    certificate_number=data["certificate_number"],
                    certificate_date=data["certificate_date"],
                    note=data["note"],
                    row=row["number"],
                )
            )
        if not errors:
            try:
                summary = services.record_results(self.klass, inputs, request.user)
            except ValidationError as exc:
                errors = exc.messages
        if errors:
            return self.render_page(rows, errors, status=400)
        messages.success(
            request,
            _(
                "Đã lưu kết quả: %(p)s học viên hoàn thành, %(n)s không hoàn thành, "
                "%(u)s dòng sửa giấy chứng nhận hoặc ghi chú."
            )
            % {"p": summary["passed"], "n": summary["not_completed"], "u": summary["updated"]},
        )
        return redirect(reverse("classes:results", args=[self.klass.pk]))


class PaymentsView(ClassActionView):
    """Stipends of a class: commit, mark paid under one voucher, hand over shirts."""

    template_name = "classes/payments.html"

    def policies(self):
        return (
            StipendPolicy.objects.for_user(self.request.user)
            .filter(federation=self.klass.federation_id)
            .for_year(self.klass.year)
        )

    def render_page(self, form, selected=(), status=200):
        learners = list(
            _learners(self.klass, self.request.user).prefetch_related(
                Prefetch(
                    "payments",
                    queryset=StipendPayment.objects.select_related("policy").order_by("status", "pk"),
                ),
                Prefetch("supports", queryset=LearnerSupport.objects.filter(kind=SupportKind.SHIRT)),
            )
        )
        payments = StipendPayment.objects.for_user(self.request.user).filter(enrollment__training_class=self.klass)
        context = {
            "klass": self.klass,
            "learners": learners,
            "form": form,
            "selected": {int(i) for i in selected},
            "budget": services.budget_totals(payments),
            "by_source": services.budget_rows(payments, "source"),
            "breadcrumbs": _class_crumbs(self.klass, (_("Hỗ trợ học viên"), None)),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        return self.render_page(PaymentForm(policies=self.policies()))

    def post(self, request, pk):
        form = PaymentForm(request.POST, policies=self.policies())
        selected = [int(i) for i in request.POST.getlist("selected") if i.isdigit()]
        if not form.is_valid():
            return self.render_page(form, selected, status=400)
        if not selected:
            messages.warning(request, _("Chưa chọn học viên nào."))
            return self.render_page(form, selected, status=400)
        data = form.cleaned_data
        try:
            if data["action"] == "commit":
                done = services.commit_stipends(self.klass, selected, data["policy"], request.user, on=data["on"])
                message = _("Đã ghi cam kết hỗ trợ cho %(n)s học viên.") % {"n": len(done)}
            elif data["action"] == "pay":
                done = services.pay_stipends(
                    self.klass,
                    selected,
                    data["policy"],
                    request.user,
                    voucher_number=data["voucher_number"],
                    paid_on=data["on"],
                )
                message = _("Đã ghi chi hỗ trợ cho %(n)s học viên, phiếu chi số %(v)s.") % {
                    "n": len(done),
                    "v": done[0].voucher_number,
                }
            else:
                count = services.record_support(self.klass, selected, SupportKind.SHIRT, request.user, on=data["on"])
                message = _("Đã ghi trao áo nhận diện công đoàn cho %(n)s học viên.") % {"n": count}
        except ValidationError as exc:
            _messages_from(request, exc)
            return self.render_page(form, selected, status=400)
        messages.success(request, message)
        return redirect(reverse("classes:payments", args=[self.klass.pk]))


class EmployerCommitmentsView(ClassActionView):
    """What each learner's employer undertook: full salary kept, time off given."""

    template_name = "classes/employers.html"

    def rows(self, data=None):
        enterprises = list(
            Enterprise.objects.filter(unions__nominations__enrollments__training_class=self.klass)
            .annotate(learners=Count("unions__nominations__enrollments", distinct=True))
            .order_by("name_folded")
        )
        existing = {c.enterprise_id: c for c in EmployerCommitment.objects.filter(training_class=self.klass)}
        rows = []
        for enterprise in enterprises:
            current = existing.get(enterprise.pk)
            initial = (
                {
                    "keeps_full_salary": current.keeps_full_salary,
                    "gives_time_off": current.gives_time_off,
                    "confirmed_on": current.confirmed_on,
                    "note": current.note,
                }
                if current
                else {}
            )
            form = CommitmentRowForm(data, prefix=f"e{enterprise.pk}", initial=initial)
            form.fields["confirmed_on"].widget.format = "%d/%m/%Y"
            rows.append({"enterprise": enterprise, "form": form})
        return rows

    def render_page(self, rows, status=200):
        context = {
            "klass": self.klass,
            "rows": rows,
            "breadcrumbs": _class_crumbs(self.klass, (_("Cam kết của doanh nghiệp"), None)),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        return self.render_page(self.rows())

    def post(self, request, pk):
        rows = self.rows(request.POST)
        errors = []
        for row in rows:
            if not row["form"].is_valid():
                for field_errors in row["form"].errors.values():
                    errors += [f"{row['enterprise'].name}: {e}" for e in field_errors]
        if errors:
            for error in errors:
                messages.error(request, error)
            return self.render_page(rows, status=400)
        inputs = [services.CommitmentInput(enterprise_id=r["enterprise"].pk, **r["form"].cleaned_data) for r in rows]
        try:
            services.save_employer_commitments(self.klass, inputs, request.user)
        except ValidationError as exc:
            _messages_from(request, exc)
            return self.render_page(rows, status=400)
        messages.success(request, _("Đã lưu cam kết của %(n)s doanh nghiệp.") % {"n": len(inputs)})
        return redirect(self.klass.get_absolute_url())


# ---------------------------------------------------------------------------------------
# One learner, one payment
# ---------------------------------------------------------------------------------------


class EnrollmentDetailView(ClassReaderMixin, Breadcrumbs, DetailView):
    model = Enrollment
    template_name = "classes/enrollment_detail.html"
    context_object_name = "enrollment"

    def get_queryset(self):
        return (
            Enrollment.objects.for_user(self.request.user)
            .select_related("nomination__person", "nomination__union__enterprise", "training_class")
            .prefetch_related(
                Prefetch("attendances", queryset=Attendance.objects.select_related("session")),
                Prefetch("payments", queryset=StipendPayment.objects.select_related("policy", "paid_by")),
                "supports",
            )
        )

    def get_breadcrumbs(self):
        return _class_crumbs(self.object.training_class, (self.object.nomination.person.full_name, None))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        enrollment = self.object
        marks = {a.session_id: a for a in enrollment.attendances.all()}
        sessions = list(enrollment.training_class.sessions.order_by("date", "pk"))
        context.update(
            {
                "attendance": [(s, marks.get(s.pk)) for s in sessions],
                "status_badge": status_badge(enrollment.nomination),
                "is_district_staff": is_district_staff(self.request.user),
            }
        )
        return context


class PaymentDetailView(ClassReaderMixin, Breadcrumbs, DetailView):
    model = StipendPayment
    template_name = "classes/payment_detail.html"
    context_object_name = "payment"

    def get_queryset(self):
        return StipendPayment.objects.for_user(self.request.user).select_related(
            "enrollment__nomination__person",
            "enrollment__nomination__union",
            "enrollment__training_class",
            "policy",
            "paid_by",
            "recorded_by",
        )

    def get_breadcrumbs(self):
        klass = self.object.enrollment.training_class
        return _class_crumbs(
            klass,
            (self.object.enrollment.nomination.person.full_name, self.object.enrollment.get_absolute_url()),
            (_("Khoản hỗ trợ"), None),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_district_staff"] = is_district_staff(self.request.user)
        context["cancel_form"] = CancelPaymentForm()
        return context


class PaymentCancelView(StaffRequiredMixin, View):
    def dispatch(self, request, *args, **kwargs):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, pk):
        payment = get_object_or_404(StipendPayment.objects.for_user(request.user), pk=pk)
        form = CancelPaymentForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Cần ghi lý do hủy."))
            return redirect(payment.get_absolute_url())
        try:
            services.cancel_payment(payment, request.user, form.cleaned_data["reason"])
        except ValidationError as exc:
            _messages_from(request, exc)
        else:
            messages.success(request, _("Đã hủy khoản hỗ trợ chưa chi."))
        return redirect(payment.get_absolute_url())


# ---------------------------------------------------------------------------------------
# Budget and exports
# ---------------------------------------------------------------------------------------


def _year_from(request, user) -> int:
    form = BudgetFilterForm(request.GET or None)
    if form.is_valid() and form.cleaned_data.get("year"):
        return form.cleaned_data["year"]
    latest = TrainingClass.objects.for_user(user).order_by("-year").values_list("year", flat=True).first()
    return latest or timezone.localdate().year


class BudgetView(ClassReaderMixin, Breadcrumbs, ListView):
    """Committed, paid and outstanding per class, union and funding source for a year."""

    template_name = "classes/budget.html"
    breadcrumbs = [(CLASSES, "classes:class_list"), (gettext_lazy("Kinh phí hỗ trợ học viên"), None)]

    def get_queryset(self):
        self.year = _year_from(self.request, self.request.user)
        return StipendPayment.objects.for_user(self.request.user).filter(enrollment__training_class__year=self.year)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(object_list=[], **kwargs)
        context.update(services.budget_summary(self.get_queryset()))
        context["year"] = self.year
        context["filter_form"] = BudgetFilterForm(initial={"year": self.year})
        return context


class RosterExportView(ClassReaderMixin, View):
    def get(self, request):
        year = _year_from(request, request.user)
        return xlsx_response(build_roster_workbook(year, user=request.user), f"danh-sach-hoc-vien-{year}.xlsx")


class StipendsExportView(ClassReaderMixin, View):
    def get(self, request):
        year = _year_from(request, request.user)
        return xlsx_response(build_stipends_workbook(year, user=request.user), f"danh-sach-ky-nhan-{year}.xlsx")


# ---------------------------------------------------------------------------------------
# Stipend policies
# ---------------------------------------------------------------------------------------


class StipendPolicyListView(FederationReaderRequiredMixin, Breadcrumbs, ListView):
    template_name = "classes/policy_list.html"
    context_object_name = "policies"
    breadcrumbs = [(CLASSES, "classes:class_list"), (gettext_lazy("Chế độ hỗ trợ học viên"), None)]

    def get_queryset(self):
        return StipendPolicy.objects.for_user(self.request.user).annotate(
            committed=Count("payments", filter=~Q(payments__status=PaymentStatus.CANCELLED))
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "is_district_staff": is_district_staff(self.request.user)}


class StipendPolicyCreateView(StaffRequiredMixin, Breadcrumbs, CreateView):
    model = StipendPolicy
    form_class = StipendPolicyForm
    template_name = "classes/form_page.html"
    breadcrumbs = [
        (CLASSES, "classes:class_list"),
        (gettext_lazy("Chế độ hỗ trợ học viên"), "classes:policy_list"),
        (gettext_lazy("Thêm chế độ"), None),
    ]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("Thêm chế độ hỗ trợ học viên")}

    def get_success_url(self):
        messages.success(self.request, _("Đã lưu chế độ “%(n)s”.") % {"n": self.object.name})
        return reverse("classes:policy_list")


class StipendPolicyUpdateView(RefuseStaleSaveMixin, StipendPolicyCreateView, UpdateView):
    breadcrumbs = [
        (CLASSES, "classes:class_list"),
        (gettext_lazy("Chế độ hỗ trợ học viên"), "classes:policy_list"),
        (gettext_lazy("Sửa chế độ"), None),
    ]

    def get_queryset(self):
        return StipendPolicy.objects.for_user(self.request.user)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("Sửa chế độ hỗ trợ học viên")}
