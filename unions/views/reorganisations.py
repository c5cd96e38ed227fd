"""Reorganisations of the tree: list, record, map, preview, apply and undo (upper-level staff)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy
from django.views.generic import DetailView, FormView, ListView, View

from tienlang.lib.versioning import StaleVersion

from .. import reorganisations
from ..forms import ReorganisationCreateForm, ReorganisationMappingForm
from ..models import Reorganisation
from ..permissions import ReorganiserRequiredMixin, UpperLevelRequiredMixin, may_reorganise
from .common import Breadcrumbs

LIST = (gettext_lazy("Sắp xếp tổ chức"), "unions:reorganisation_list")


def _scoped(request, pk) -> Reorganisation:
    return get_object_or_404(
        Reorganisation.objects.for_user(request.user).select_related(
            "source_federation", "source_party", "federation", "created_by", "applied_by", "undone_by"
        ),
        pk=pk,
    )


class ReorganisationListView(UpperLevelRequiredMixin, Breadcrumbs, ListView):
    template_name = "unions/reorganisation_list.html"
    context_object_name = "reorganisations"
    paginate_by = 50
    breadcrumbs = [(LIST[0], None)]

    def get_queryset(self):
        return Reorganisation.objects.for_user(self.request.user).select_related(
            "source_federation", "source_party", "applied_by"
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "may_reorganise": may_reorganise(self.request.user)}


class ReorganisationCreateView(ReorganiserRequiredMixin, Breadcrumbs, FormView):
    form_class = ReorganisationCreateForm
    template_name = "unions/form_page.html"
    breadcrumbs = [LIST, (gettext_lazy("Lập phương án sắp xếp"), None)]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("Lập phương án sắp xếp tổ chức")}

    def form_valid(self, form):
        data = form.cleaned_data
        source = data["source_federation"] or data["source_party"]
        targets = data["target_federations"] if data["source_federation"] else data["target_parties"]
        profile = getattr(self.request.user, "profile", None)
        try:
            reorganisation = reorganisations.create(
                self.request.user,
                source=source,
                effective_on=data["effective_on"],
                targets=targets,
                legal_basis=data["legal_basis"],
                recorded_for=None if data["source_federation"] or profile is None else profile.federation,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã lập phương án; hãy kiểm tra nơi tiếp nhận của từng đơn vị."))
        return redirect("unions:reorganisation_mapping", reorganisation.pk)


class ReorganisationDetailView(UpperLevelRequiredMixin, Breadcrumbs, DetailView):
    """The preview before applying, and the record (who, when, what moved) after."""

    template_name = "unions/reorganisation_detail.html"
    context_object_name = "reorganisation"

    def get_object(self, queryset=None):
        return _scoped(self.request, self.kwargs["pk"])

    def get_breadcrumbs(self):
        return [LIST, (str(self.object), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["preview"] = reorganisations.preview(self.object)
        context["may_reorganise"] = may_reorganise(self.request.user)
        context["undo_refusal"] = reorganisations.undo_refusal(self.object)
        context["waiting_for_the_run"] = (
            self.object.state == Reorganisation.State.SCHEDULED and timezone.localdate() >= self.object.effective_on
        )
        return context


class ReorganisationMappingView(ReorganiserRequiredMixin, Breadcrumbs, FormView):
    template_name = "unions/form_page.html"
    form_class = ReorganisationMappingForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.reorganisation = _scoped(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "reorganisation": self.reorganisation}

    def get_breadcrumbs(self):
        return [LIST, (str(self.reorganisation), self.reorganisation.get_absolute_url()), (_("Phương án"), None)]

    def get_context_data(self, **kwargs):
        title = _("Nơi tiếp nhận từng đơn vị: %(name)s") % {"name": self.reorganisation}
        return {**super().get_context_data(**kwargs), "title": title}

    def form_valid(self, form):
        try:
            reorganisations.set_mapping(self.reorganisation, form.mapping(), form.cleaned_data.get("version") or 0)
        except (StaleVersion, ValidationError) as exc:
            for message in exc.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã lưu phương án. Xem trước rồi thực hiện."))
        return redirect(self.reorganisation.get_absolute_url())


class ReorganisationActionView(ReorganiserRequiredMixin, View):
    """POST only: apply or undo, all or nothing; the refusal comes back as a message."""

    http_method_names = ["post"]
    action = "apply"

    def post(self, request, pk):
        reorganisation = _scoped(request, pk)
        try:
            if self.action == "apply":
                applied = reorganisations.apply(reorganisation, request.user)
                if applied.state == applied.State.SCHEDULED:
                    messages.success(
                        request,
                        _("Đã duyệt sắp xếp %(name)s: các công đoàn chuyển sang tổ chức mới vào ngày %(day)s.")
                        % {"name": applied, "day": f"{applied.effective_on:%d/%m/%Y}"},
                    )
                else:
                    messages.success(request, _("Đã thực hiện sắp xếp %(name)s.") % {"name": reorganisation})
            else:
                reorganisations.undo(reorganisation, request.user)
                messages.success(request, _("Đã hủy thực hiện sắp xếp %(name)s.") % {"name": reorganisation})
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        return redirect(reorganisation.get_absolute_url())
