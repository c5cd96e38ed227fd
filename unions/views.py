from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, FormView, UpdateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from . import services
from .filters import AreaFilter, EnterpriseFilter, UnionFilter, bootstrap_filter_form
from .forms import AreaForm, AreaMergeForm, AreaRetireForm
from .models import AdministrativeUnit, AreaMerge, Enterprise, GrassrootsUnion, PartyOrganization, Role, UserProfile
from .permissions import (
    FederationReaderRequiredMixin,
    RoleRequiredMixin,
    ScopedQuerysetMixin,
    StaffRequiredMixin,
    scope_form_fields,
    user_role,
)
from .tables import AreaTable, EnterpriseTable, UnionTable


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """Liveness for the operator's monitor: 200 "ok" when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


class RegisterReaderMixin(RoleRequiredMixin):
    """The enterprise and union register: staff, leadership and chairs (their own union)."""

    def test_role(self, user) -> bool:
        return user_role(user) in ("admin", Role.STAFF, Role.LEADERSHIP, Role.CHAIR)


class Breadcrumbs:
    breadcrumbs: list[tuple[str, str | None]] = []

    def get_breadcrumbs(self):
        return self.breadcrumbs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = self.get_breadcrumbs()
        return context


class ScopedFilteredListView(Breadcrumbs, ScopedQuerysetMixin, SingleTableMixin, FilterView):
    """List = for_user(user) → filter form → sorting → pagination."""

    template_name = "unions/object_list.html"
    paginate_by = 50
    title = ""

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        scope_form_fields(filterset.form, self.request.user)
        bootstrap_filter_form(filterset.form)
        return filterset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.title
        return context


class EnterpriseListView(RegisterReaderMixin, ScopedFilteredListView):
    model = Enterprise
    filterset_class = EnterpriseFilter
    table_class = EnterpriseTable
    title = gettext_lazy("Doanh nghiệp")
    breadcrumbs = [(gettext_lazy("Doanh nghiệp"), None)]

    def get_queryset(self):
        return super().get_queryset().select_related("commune")


class EnterpriseDetailView(RegisterReaderMixin, Breadcrumbs, ScopedQuerysetMixin, DetailView):
    model = Enterprise

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("commune__parent", "federation")
            .prefetch_related(
                Prefetch("unions", queryset=GrassrootsUnion.objects.for_user(self.request.user)),
                "party_organizations",
            )
        )

    def get_breadcrumbs(self):
        return [(_("Doanh nghiệp"), "unions:enterprise_list"), (self.object.name, None)]


class UnionListView(RegisterReaderMixin, ScopedFilteredListView):
    model = GrassrootsUnion
    filterset_class = UnionFilter
    table_class = UnionTable
    title = gettext_lazy("Công đoàn cơ sở")
    breadcrumbs = [(gettext_lazy("Công đoàn cơ sở"), None)]

    def get_queryset(self):
        return super().get_queryset().select_related("enterprise__commune")


class UnionDetailView(RegisterReaderMixin, Breadcrumbs, ScopedQuerysetMixin, DetailView):
    model = GrassrootsUnion

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("enterprise__commune", "federation")
            .prefetch_related(
                Prefetch("chairs", queryset=UserProfile.objects.select_related("user")),
                "enterprise__party_organizations",
            )
        )

    def get_breadcrumbs(self):
        return [(_("Công đoàn cơ sở"), "unions:union_list"), (self.object.name, None)]


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


class AreaUpdateView(StaffRequiredMixin, Breadcrumbs, ScopedQuerysetMixin, UpdateView):
    model = AdministrativeUnit
    form_class = AreaForm
    template_name = "unions/form_page.html"

    def form_valid(self, form):
        messages.success(self.request, _("Đã lưu %(name)s.") % {"name": form.instance.name})
        return super().form_valid(form)

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


def union_counts_for(user):
    """Small figures for the dashboard, within `user`'s scope."""
    enterprises = Enterprise.objects.for_user(user)
    return {
        "enterprises": enterprises.count(),
        "with_party": enterprises.with_party_organization().count(),
        "unions": GrassrootsUnion.objects.for_user(user).count(),
        "pilot": enterprises.filter(is_pilot=True).count(),
        "by_commune": enterprises.values("commune__name").annotate(n=Count("pk")).order_by("-n", "commune__name")[:8],
    }
