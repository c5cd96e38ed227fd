"""The class list, one class (read, create, edit), its sessions, enrolment and one learner."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _, gettext_lazy
from django.views.generic import CreateView, DetailView, UpdateView

from candidates.models import Nomination, Status
from candidates.tables import status_badge
from tienlang.lib import disclosure
from tienlang.lib.money import format_vnd
from tienlang.lib.tables import DateColumn, LinkColumn, PatternURL, Table, format_date
from tienlang.lib.versioning import RefuseStaleSaveMixin
from unions.permissions import (
    StaffRequiredMixin,
    is_chair,
    is_district_staff,
)
from unions.views import Breadcrumbs, ScopedFilteredListView

from .. import services
from ..forms import (
    ClassSessionForm,
    EnrolFilterForm,
    EnrolForm,
    TrainingClassForm,
)
from ..models import (
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
from ..templatetags.classes_extras import PAYMENT_CSS, RESULT_CSS, class_badge
from .common import (
    CLASSES,
    ClassActionView,
    ClassReaderMixin,
    _class_crumbs,
    _learners,
    _messages_from,
    _scoped_class,
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


class TrainingClassTable(Table):
    name = LinkColumn(url_name="classes:class_detail", verbose_name=gettext_lazy("Tên lớp"), order_by=("name",))
    year = tables.Column(verbose_name=gettext_lazy("Năm"))
    opens_on = DateColumn(verbose_name=gettext_lazy("Khai giảng"))
    closes_on = DateColumn(verbose_name=gettext_lazy("Bế giảng"))
    venue = tables.Column(verbose_name=gettext_lazy("Địa điểm"))
    learners = tables.Column(verbose_name=gettext_lazy("Học viên / chỗ"), orderable=True, order_by=("learners",))
    status = tables.Column(verbose_name=gettext_lazy("Tình trạng"))

    class Meta:
        model = TrainingClass
        fields = ["name", "year", "opens_on", "closes_on", "venue", "learners", "status"]
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "class-table"}
        order_by = ("-year", "opens_on")
        empty_text = gettext_lazy("Chưa có lớp bồi dưỡng nhận thức về Đảng nào.")

    def render_learners(self, value, record):
        return f"{value} / {record.capacity}"

    def render_status(self, value, record):
        return class_badge(record)


class TrainingClassListView(ClassReaderMixin, ScopedFilteredListView):
    model = TrainingClass
    filterset_class = TrainingClassFilter
    table_class = TrainingClassTable
    template_name = "classes/trainingclass_list.html"
    title = gettext_lazy("Lớp bồi dưỡng nhận thức về Đảng")
    breadcrumbs = [(CLASSES, None)]

    def get_queryset(self):
        # Each class's learners that the user may see (a chair: their own union's), counted for the
        # rows shown: a count over every enrollment in scope, grouped, cost an upper level 53 ms.
        learners = (
            Enrollment.objects.for_user(self.request.user)
            .filter(training_class=OuterRef("pk"))
            .order_by()
            .values("training_class")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset()
            .annotate(learners=Coalesce(Subquery(learners), 0))
            .order_by("-year", "opens_on", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["is_district_staff"] = is_district_staff(user)
        context["is_chair"] = is_chair(user)
        if context["is_district_staff"]:
            context["empty_action"] = (_("Mở lớp mới"), reverse("classes:class_add"))
        context["years"] = (
            TrainingClass.objects.for_user(user).order_by("-year").values_list("year", flat=True).distinct()[:10]
        )
        return context


# ---------------------------------------------------------------------------------------
# One class
# ---------------------------------------------------------------------------------------


LEARNER_URL = PatternURL("classes:enrollment_detail")


class _Badges(dict):
    """Each choice's badge (as `result_badge`/`payment_badge` write it), written once a request
    instead of once a cell; a value outside the choices shows itself, as those tags do."""

    def __init__(self, choices, css: dict):
        super().__init__((choice.value, _badge(css.get(choice, "secondary"), choice.label)) for choice in choices)

    def __missing__(self, value):
        return _badge("secondary", value)


def _badge(css: str, label) -> str:
    return format_html('<span class="badge text-bg-{}">{}</span>', css, label)


def _learner_rows(klass: TrainingClass, user, session_count: int) -> list[dict]:
    """The class's learners that `user` may see, as the learners' table shows them: plain values
    read as tuples (no model row per learner, per payment, per shirt), each cell's text written
    here once rather than by a template tag or filter per cell.

    The rows are no model instances, so the access log is told which people and which of their
    fields the table shows (the name, and the nomination's status).
    """
    status_labels = {choice.value: str(choice.label) for choice in Status}
    result_badges = _Badges(Result, RESULT_CSS)
    payment_badges = _Badges(PaymentStatus, PAYMENT_CSS)
    rows, by_enrollment = [], {}
    learners = (
        _learners(klass, user)
        .annotate(present=Count("attendances", filter=Q(attendances__present=True)))
        .values_list(
            "pk",
            "nomination__person_id",
            "nomination__person__full_name",
            "nomination__union__code",
            "nomination__status",
            "present",
            "result",
            "certificate_number",
            "certificate_date",
        )
    )
    for pk, person_id, name, union_code, status, present, result, certificate, certified_on in learners:
        disclosure.note(person_id, "candidates.Person", ("full_name",))
        disclosure.note(person_id, "candidates.Nomination", ("status",))
        row = {
            "url": LEARNER_URL(pk),
            "name": name,
            "union": union_code,
            "status": status_labels.get(status, status),
            "status_value": status,
            "present": f"{present} / {session_count}",
            "result": result_badges[result],
            "result_value": result,
            "certificate": certificate,
            "certificate_date": format_date(certified_on) if certified_on else "",
            "payments": [],
            "shirts": [],
        }
        rows.append(row)
        by_enrollment[pk] = row
    payments = (
        StipendPayment.objects.for_user(user)
        .live()
        .filter(enrollment__training_class=klass)
        .order_by("pk")
        .values_list("enrollment_id", "status", "amount")
    )
    for enrollment_id, status, amount in payments:
        if enrollment_id in by_enrollment:
            by_enrollment[enrollment_id]["payments"].append(
                {"badge": payment_badges[status], "amount": format_vnd(amount)}
            )
    shirts = (
        LearnerSupport.objects.for_user(user)
        .filter(enrollment__training_class=klass, kind=SupportKind.SHIRT)
        .order_by("enrollment", "pk")
        .values_list("enrollment_id", "given_on")
    )
    for enrollment_id, given_on in shirts:
        if enrollment_id in by_enrollment:
            by_enrollment[enrollment_id]["shirts"].append(format_date(given_on) if given_on else "")
    return rows


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
        learners = _learner_rows(klass, user, len(sessions))
        payments = StipendPayment.objects.for_user(user).filter(enrollment__training_class=klass)
        counts = {value: 0 for value in Result.values}
        withdrawn = 0
        for row in learners:
            counts[row["result_value"]] += 1
            withdrawn += row["status_value"] == Status.WITHDRAWN
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


class EnrolView(ClassActionView):
    template_name = "classes/enrol.html"

    def candidates(self, filters):
        queryset = (
            Nomination.objects.for_user(self.request.user)
            .filter(status=Status.APPROVED, federation=self.klass.federation_id, enrollments__isnull=True)
            .select_related("person", "union")
            .order_by("union__code", "sort_name", "pk")
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
            # No policy covers the class's year: enrolling commits no stipend; say so, and where to add it.
            "no_policy": not self.policies().exists(),
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


# ---------------------------------------------------------------------------------------
# One learner
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
