"""What the class pages share: who reads them, breadcrumbs, the class a page is about."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views import View

from unions.permissions import (
    REGISTER_ROLES,
    RoleRequiredMixin,
    StaffRequiredMixin,
    is_district_staff,
)

from ..forms import (
    BudgetFilterForm,
)
from ..models import (
    Enrollment,
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
        .order_by("nomination__sort_name", "pk")
    )


class ClassActionView(StaffRequiredMixin, View):
    """Base: `self.klass` is the scoped class (404 outside the staff member's federation)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and is_district_staff(request.user):
            self.klass = _scoped_class(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


def _year_from(request, user) -> int:
    form = BudgetFilterForm(request.GET or None)
    if form.is_valid() and form.cleaned_data.get("year"):
        return form.cleaned_data["year"]
    latest = TrainingClass.objects.for_user(user).order_by("-year").values_list("year", flat=True).first()
    return latest or timezone.localdate().year
