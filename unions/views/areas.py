"""Administrative units (rename, merge, retire) and the Party organisation catalogue."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _, gettext_lazy
from django.views.generic import DetailView, FormView, UpdateView
from django_filters.views import FilterView

from tienlang.lib.versioning import RefuseStaleSaveMixin

from .. import services
from ..filters import AreaFilter, bootstrap_filter_form
from ..forms import AreaForm, AreaMergeForm, AreaRetireForm
from ..models import AdministrativeUnit, AreaMerge, Enterprise, PartyOrganization
from ..permissions import FederationReaderRequiredMixin, ScopedQuerysetMixin, StaffRequiredMixin
from ..tables import AreaTable
from .common import Breadcrumbs, ScopedFilteredListView


class AreaListView(FederationReaderRequiredMixin, ScopedFilteredListView):
    model = AdministrativeUnit
    filterset_class = AreaFilter
    table_class = AreaTable
    title = gettext_lazy("Đơn vị hành chính")
    breadcrumbs = [(gettext_lazy("Đơn vị hành chính"), None)]

    def get_queryset(self):
        return super().get_queryset().select_related("parent", "merged_into")


class AreaDetailView(FederationReaderRequiredMixin, Breadcrumbs, ScopedQuerysetMixin, DetailView):
    model = AdministrativeUnit
    template_name = "unions/area_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("parent", "merged_into")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        area = self.object
        context["children"] = area.children.order_by("name")
        context["enterprise_count"] = Enterprise.objects.for_user(user).filter(commune=area).count()
        context["merges"] = AreaMerge.objects.filter(Q(old=area) | Q(new=area)).select_related(
            "old", "new", "recorded_by"
        )
        context["party_organizations"] = PartyOrganization.objects.for_user(user).filter(area=area)
        return context

    def get_breadcrumbs(self):
        return [(_("Đơn vị hành chính"), "unions:area_list"), (self.object.name, None)]


class AreaUpdateView(StaffRequiredMixin, Breadcrumbs, ScopedQuerysetMixin, RefuseStaleSaveMixin, UpdateView):
    model = AdministrativeUnit
    form_class = AreaForm
    template_name = "unions/form_page.html"

    def form_valid(self, form):
        response = super().form_valid(form)
        if not form.errors:
            messages.success(self.request, _("Đã lưu %(name)s.") % {"name": form.instance.name})
        return response

    def get_breadcrumbs(self):
        return [
            (_("Đơn vị hành chính"), "unions:area_list"),
            (self.object.name, self.object.get_absolute_url()),
            (_("Đổi tên"), None),
        ]


class AreaActionView(StaffRequiredMixin, Breadcrumbs, FormView):
    """Base for merge and retire: a form about one scoped unit."""

    template_name = "unions/form_page.html"
    action_title = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.area = get_object_or_404(AdministrativeUnit.objects.for_user(request.user).active(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = f"{self.action_title}: {self.area.name}"
        return context

    def get_breadcrumbs(self):
        return [
            (_("Đơn vị hành chính"), "unions:area_list"),
            (self.area.name, self.area.get_absolute_url()),
            (self.action_title, None),
        ]

    def form_valid(self, form):
        try:
            self.perform(form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        return redirect(self.area.get_absolute_url())


class AreaMergeView(AreaActionView):
    form_class = AreaMergeForm
    action_title = gettext_lazy("Sáp nhập")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "area": self.area, "user": self.request.user}

    def perform(self, data):
        merge = services.merge_area(
            self.area, data["new"], data["effective_on"], user=self.request.user, legal_basis=data["legal_basis"]
        )
        if merge.completed_at is None:
            messages.success(
                self.request,
                _(
                    "Đã ghi quyết định sáp nhập %(old)s vào %(new)s; "
                    "đến ngày %(day)s mới chuyển doanh nghiệp sang đơn vị mới."
                )
                % {"old": merge.old.name, "new": merge.new.name, "day": f"{merge.effective_on:%d/%m/%Y}"},
            )
            return
        messages.success(
            self.request,
            _("Đã sáp nhập %(old)s vào %(new)s; %(n)s doanh nghiệp đã chuyển sang đơn vị mới.")
            % {"old": merge.old.name, "new": merge.new.name, "n": merge.moved_enterprises},
        )


class AreaRetireView(AreaActionView):
    form_class = AreaRetireForm
    action_title = gettext_lazy("Ngừng sử dụng")

    def perform(self, data):
        services.retire_area(self.area, data["retired_on"])
        messages.success(self.request, _("%(name)s đã ngừng sử dụng.") % {"name": self.area.name})


class PartyOrganizationListView(FederationReaderRequiredMixin, Breadcrumbs, ScopedQuerysetMixin, FilterView):
    model = PartyOrganization
    template_name = "unions/partyorganization_list.html"
    filterset_fields = ["kind"]
    paginate_by = 100
    breadcrumbs = [(gettext_lazy("Tổ chức Đảng"), None)]

    def get_queryset(self):
        return super().get_queryset().select_related("area", "enterprise", "parent").order_by("kind", "name")

    def get_filterset(self, filterset_class):
        return bootstrap_filter_form_filterset(super().get_filterset(filterset_class))


def bootstrap_filter_form_filterset(filterset):
    bootstrap_filter_form(filterset.form)
    return filterset
