"""Stipends (pay, one payment, cancel) and the employers' commitments."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView

from unions.models import Enterprise
from unions.permissions import (
    StaffRequiredMixin,
    is_district_staff,
)
from unions.views import Breadcrumbs

from .. import services
from ..forms import (
    CancelPaymentForm,
    CommitmentFormSet,
    PaymentForm,
)
from ..models import (
    EmployerCommitment,
    LearnerSupport,
    StipendPayment,
    StipendPolicy,
    SupportKind,
)
from .common import (
    ClassActionView,
    ClassReaderMixin,
    _class_crumbs,
    _learners,
    _messages_from,
)


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
            Enterprise.objects.for_user(self.request.user)
            .filter(unions__nominations__enrollments__training_class=self.klass)
            .annotate(learners=Count("unions__nominations__enrollments", distinct=True))
            .order_by("name", "pk")
        )
        existing = {
            c.enterprise_id: c
            for c in EmployerCommitment.objects.for_user(self.request.user).filter(training_class=self.klass)
        }
        initial = [
            {
                "keeps_full_salary": current.keeps_full_salary,
                "gives_time_off": current.gives_time_off,
                "confirmed_on": current.confirmed_on,
                "note": current.note,
            }
            if current
            else {}
            for current in (existing.get(enterprise.pk) for enterprise in enterprises)
        ]
        formset = CommitmentFormSet(data, keys=[e.pk for e in enterprises], prefix="e", initial=initial)
        rows = []
        for enterprise, form in zip(enterprises, formset.forms, strict=True):
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
