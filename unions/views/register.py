"""The register: enterprises, grassroots unions, executive committees and yearly figures.

Reading: staff and leadership see the whole federation, a chair their own union.
Writing: staff change everything; a chair changes their own union's details and committee;
leadership only reads. Objects outside the user's scope are 404, a denied role is 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _, gettext_lazy
from django.views.generic import CreateView, DeleteView, DetailView, UpdateView

from tienlang.lib.audit import change_history

from ..exports import build_enterprises_workbook, build_unions_workbook
from ..filters import EnterpriseFilter, UnionFilter
from ..forms import (
    CommitteeMemberForm,
    EnterpriseForm,
    UnionChairForm,
    UnionCreateForm,
    UnionStaffForm,
    WorkforceFigureForm,
)
from ..models import CommitteeMember, Enterprise, GrassrootsUnion, UserProfile, WorkforceFigure
from ..permissions import (
    ScopedQuerysetMixin,
    StaffRequiredMixin,
    is_district_staff,
    may_edit_register,
    may_edit_union,
)
from ..tables import EnterpriseTable, UnionTable
from .common import (
    Breadcrumbs,
    ChangeObjectMixin,
    RegisterReaderMixin,
    ScopedFilteredListView,
    ScopedSaveMixin,
)

FORM_TEMPLATE = "unions/form_page.html"
DELETE_TEMPLATE = "unions/confirm_delete.html"


# ---------------------------------------------------------------------------------------
# Enterprises
# ---------------------------------------------------------------------------------------


def enterprise_crumbs(enterprise=None, *tail):
    crumbs = [(_("Doanh nghiệp"), "unions:enterprise_list")]
    if enterprise is not None:
        crumbs.append((enterprise.name, enterprise.get_absolute_url()))
    return crumbs + list(tail)


class EnterpriseListView(RegisterReaderMixin, ScopedFilteredListView):
    model = Enterprise
    filterset_class = EnterpriseFilter
    table_class = EnterpriseTable
    title = gettext_lazy("Doanh nghiệp")
    breadcrumbs = [(gettext_lazy("Doanh nghiệp"), None)]
    export_workbook = staticmethod(build_enterprises_workbook)
    export_filename = "doanh-nghiep.xlsx"
    table_only = (
        *("name", "tax_code", "ownership", "industry", "workers", "party_org_since", "is_pilot"),
        *("commune", "commune__name"),
    )

    def get_queryset(self):
        unions = GrassrootsUnion.objects.for_user(self.request.user).order_by("code")
        return super().get_queryset().select_related("commune").prefetch_related(Prefetch("unions", queryset=unions))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if may_edit_register(self.request.user):
            context["actions"] = [
                (_("Thêm doanh nghiệp"), reverse("unions:enterprise_create"), "btn-primary"),
                (_("Nhập từ Excel"), reverse("unions:import"), "btn-outline-primary"),
            ]
        return context


class EnterpriseDetailView(RegisterReaderMixin, Breadcrumbs, ScopedQuerysetMixin, DetailView):
    model = Enterprise

    def get_queryset(self):
        user = self.request.user
        unions = (
            GrassrootsUnion.objects.for_user(user)
            .order_by("code")
            .prefetch_related(
                Prefetch("committee", queryset=CommitteeMember.objects.order_by("rank", "full_name", "pk")),
                Prefetch("chairs", queryset=UserProfile.objects.select_related("user")),
            )
        )
        return (
            super()
            .get_queryset()
            .select_related("commune__parent", "federation")
            .prefetch_related(
                Prefetch("unions", queryset=unions),
                "party_organizations",
                Prefetch("figures", queryset=WorkforceFigure.objects.order_by("-year")),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can_edit"] = may_edit_register(user)
        context["editable_unions"] = {u.pk for u in self.object.unions.all() if may_edit_union(user, u)}
        context["change_history"] = change_history(self.object)
        return context

    def get_breadcrumbs(self):
        return enterprise_crumbs(None, (self.object.name, None))


class EnterpriseCreateView(StaffRequiredMixin, Breadcrumbs, ScopedSaveMixin, CreateView):
    model = Enterprise
    form_class = EnterpriseForm
    template_name = FORM_TEMPLATE
    success_message = gettext_lazy("Đã thêm doanh nghiệp %(name)s.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("Thêm doanh nghiệp")}

    def get_breadcrumbs(self):
        return enterprise_crumbs(None, (_("Thêm doanh nghiệp"), None))


class EnterpriseUpdateView(
    RegisterReaderMixin, Breadcrumbs, ChangeObjectMixin, ScopedQuerysetMixin, ScopedSaveMixin, UpdateView
):
    model = Enterprise
    form_class = EnterpriseForm
    template_name = FORM_TEMPLATE
    success_message = gettext_lazy("Đã lưu doanh nghiệp %(name)s.")

    def may_change(self, user, obj) -> bool:
        return may_edit_register(user)

    def get_queryset(self):
        return super().get_queryset().select_related("commune")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("Sửa: %(name)s") % {"name": self.object.name}}

    def get_breadcrumbs(self):
        return enterprise_crumbs(self.object, (_("Sửa"), None))


# ---------------------------------------------------------------------------------------
# Grassroots unions
# ---------------------------------------------------------------------------------------


def union_crumbs(union=None, *tail):
    crumbs = [(_("Công đoàn cơ sở"), "unions:union_list")]
    if union is not None:
        crumbs.append((union.name, union.get_absolute_url()))
    return crumbs + list(tail)


class UnionListView(RegisterReaderMixin, ScopedFilteredListView):
    model = GrassrootsUnion
    filterset_class = UnionFilter
    table_class = UnionTable
    title = gettext_lazy("Công đoàn cơ sở")
    breadcrumbs = [(gettext_lazy("Công đoàn cơ sở"), None)]
    export_workbook = staticmethod(build_unions_workbook)
    export_filename = "cong-doan-co-so.xlsx"
    table_only = (
        *("code", "name", "members", "founded_on"),
        *("enterprise", "enterprise__name", "enterprise__ownership", "enterprise__party_org_since"),
        *("enterprise__commune", "enterprise__commune__name"),
    )

    def get_queryset(self):
        return super().get_queryset().select_related("enterprise__commune")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if may_edit_register(self.request.user):
            context["actions"] = [
                (_("Thêm công đoàn cơ sở"), reverse("unions:union_create"), "btn-primary"),
                (_("Nhập từ Excel"), reverse("unions:import"), "btn-outline-primary"),
            ]
        return context


class UnionDetailView(RegisterReaderMixin, Breadcrumbs, ScopedQuerysetMixin, DetailView):
    model = GrassrootsUnion

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("enterprise__commune__parent", "federation")
            .prefetch_related(
                Prefetch("chairs", queryset=UserProfile.objects.select_related("user")),
                Prefetch("committee", queryset=CommitteeMember.objects.order_by("rank", "full_name", "pk")),
                "enterprise__party_organizations",
                Prefetch("enterprise__figures", queryset=WorkforceFigure.objects.order_by("-year")),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        committee = list(self.object.committee.all())
        context["committee"] = committee
        context["committee_counts"] = {
            "total": len(committee),
            "party": sum(m.is_party_member for m in committee),
            "volunteered": sum(m.volunteered for m in committee),
        }
        context["can_edit"] = may_edit_union(user, self.object)
        context["can_edit_register"] = may_edit_register(user)
        context["change_history"] = change_history(self.object)
        return context

    def get_breadcrumbs(self):
        return union_crumbs(None, (self.object.name, None))


class UnionCreateView(StaffRequiredMixin, Breadcrumbs, ScopedSaveMixin, CreateView):
    model = GrassrootsUnion
    form_class = UnionCreateForm
    template_name = FORM_TEMPLATE
    success_message = gettext_lazy("Đã thêm %(name)s.")

    def get_initial(self):
        initial = super().get_initial()
        enterprise = self.request.GET.get("enterprise")
        if enterprise and enterprise.isdigit():
            found = Enterprise.objects.for_user(self.request.user).filter(pk=enterprise).first()
            if found is not None:
                initial.update(enterprise=found, name=_("Công đoàn %(name)s") % {"name": found.name})
        return initial

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("Thêm công đoàn cơ sở")}

    def get_breadcrumbs(self):
        return union_crumbs(None, (_("Thêm công đoàn cơ sở"), None))


class UnionUpdateView(
    RegisterReaderMixin, Breadcrumbs, ChangeObjectMixin, ScopedQuerysetMixin, ScopedSaveMixin, UpdateView
):
    """Staff correct everything but the enterprise; a chair only the member count and founding date."""

    model = GrassrootsUnion
    template_name = FORM_TEMPLATE
    success_message = gettext_lazy("Đã lưu %(name)s.")

    def may_change(self, user, obj) -> bool:
        return may_edit_union(user, obj)

    def get_form_class(self):
        return UnionStaffForm if is_district_staff(self.request.user) else UnionChairForm

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("Sửa: %(name)s") % {"name": self.object.name}}

    def get_breadcrumbs(self):
        return union_crumbs(self.object, (_("Sửa"), None))


# ---------------------------------------------------------------------------------------
# Executive committee (BCH)
# ---------------------------------------------------------------------------------------


class UnionChildMixin(RegisterReaderMixin, Breadcrumbs):
    """Views about one union's committee: the union comes from the URL, scoped (404), then the role (403)."""

    template_name = FORM_TEMPLATE

    def get_union(self) -> GrassrootsUnion:
        union = get_object_or_404(GrassrootsUnion.objects.for_user(self.request.user), pk=self.kwargs["union_pk"])
        if not may_edit_union(self.request.user, union):
            raise PermissionDenied
        return union

    def get_success_url(self):
        return reverse("unions:union_detail", args=[self.union.pk]) + "#committee"


class CommitteeMemberCreateView(UnionChildMixin, ScopedSaveMixin, CreateView):
    model = CommitteeMember
    form_class = CommitteeMemberForm
    success_message = gettext_lazy("Đã thêm %(name)s vào Ban Chấp hành.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.union = self.get_union()
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "union": self.union}

    def get_context_data(self, **kwargs):
        title = _("Thêm ủy viên Ban Chấp hành — %(union)s") % {"union": self.union.name}
        return {**super().get_context_data(**kwargs), "title": title}

    def get_breadcrumbs(self):
        return union_crumbs(self.union, (_("Thêm ủy viên BCH"), None))


class CommitteeMemberMixin(UnionChildMixin, ChangeObjectMixin, ScopedQuerysetMixin):
    model = CommitteeMember

    def get_queryset(self):
        return super().get_queryset().select_related("union")

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        self.union = obj.union
        return obj

    def may_change(self, user, obj) -> bool:
        return may_edit_union(user, obj.union)

    def get_breadcrumbs(self):
        return union_crumbs(self.union, (str(self.object), None))


class CommitteeMemberUpdateView(CommitteeMemberMixin, ScopedSaveMixin, UpdateView):
    form_class = CommitteeMemberForm
    success_message = gettext_lazy("Đã lưu %(name)s.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "union": self.union}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("Sửa ủy viên BCH: %(name)s") % {"name": self.object}}


class CommitteeMemberDeleteView(CommitteeMemberMixin, DeleteView):
    template_name = DELETE_TEMPLATE

    def form_valid(self, form):
        with transaction.atomic():
            name = str(self.object)
            self.object.delete()
        messages.success(self.request, _("Đã xóa %(name)s khỏi Ban Chấp hành.") % {"name": name})
        return redirect(self.get_success_url())


# ---------------------------------------------------------------------------------------
# Yearly workforce figures
# ---------------------------------------------------------------------------------------


class FigureMixin(RegisterReaderMixin, Breadcrumbs):
    template_name = FORM_TEMPLATE

    def get_success_url(self):
        return reverse("unions:enterprise_detail", args=[self.enterprise.pk]) + "#figures"


class FigureCreateView(FigureMixin, ScopedSaveMixin, CreateView):
    model = WorkforceFigure
    form_class = WorkforceFigureForm
    success_message = gettext_lazy("Đã lưu số liệu %(name)s.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.enterprise = get_object_or_404(Enterprise.objects.for_user(request.user), pk=kwargs["enterprise_pk"])
            if not may_edit_register(request.user):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "enterprise": self.enterprise}

    def get_context_data(self, **kwargs):
        title = _("Thêm số liệu lao động theo năm — %(name)s") % {"name": self.enterprise.name}
        return {**super().get_context_data(**kwargs), "title": title}

    def get_breadcrumbs(self):
        return enterprise_crumbs(self.enterprise, (_("Thêm số liệu năm"), None))


class FigureObjectMixin(FigureMixin, ChangeObjectMixin, ScopedQuerysetMixin):
    model = WorkforceFigure

    def get_queryset(self):
        return super().get_queryset().select_related("enterprise")

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        self.enterprise = obj.enterprise
        return obj

    def may_change(self, user, obj) -> bool:
        return may_edit_register(user)

    def get_breadcrumbs(self):
        return enterprise_crumbs(self.enterprise, (_("Số liệu năm %(y)s") % {"y": self.object.year}, None))


class FigureUpdateView(FigureObjectMixin, ScopedSaveMixin, UpdateView):
    form_class = WorkforceFigureForm
    success_message = gettext_lazy("Đã lưu số liệu %(name)s.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "enterprise": self.enterprise}

    def get_context_data(self, **kwargs):
        title = _("Sửa số liệu năm %(y)s — %(name)s") % {"y": self.object.year, "name": self.enterprise.name}
        return {**super().get_context_data(**kwargs), "title": title}


class FigureDeleteView(FigureObjectMixin, DeleteView):
    template_name = DELETE_TEMPLATE

    def form_valid(self, form):
        with transaction.atomic():
            label = str(self.object)
            self.object.delete()
        messages.success(self.request, _("Đã xóa số liệu %(name)s.") % {"name": label})
        return redirect(self.get_success_url())
