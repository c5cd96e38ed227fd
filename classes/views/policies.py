"""Stipend policies."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _, gettext_lazy
from django.views.generic import CreateView, ListView, UpdateView

from tienlang.lib.versioning import RefuseStaleSaveMixin
from unions.permissions import (
    FederationReaderRequiredMixin,
    StaffRequiredMixin,
    is_district_staff,
)
from unions.views import Breadcrumbs

from ..forms import (
    StipendPolicyForm,
)
from ..models import (
    PaymentStatus,
    StipendPolicy,
)
from .common import (
    CLASSES,
)

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

    def get_initial(self):
        # Opened from a class of a year without a policy (?year=YYYY): the policy of that year.
        year = self.request.GET.get("year", "")
        if year.isdigit() and 2000 <= int(year) <= 2100:
            return {**super().get_initial(), "from_year": int(year), "to_year": int(year)}
        return super().get_initial()

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
