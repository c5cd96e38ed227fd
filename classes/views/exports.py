"""The budget page and the Excel exports of the classes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from tienlang.lib.xlsx import xlsx_response
from unions.views import Breadcrumbs

from .. import services
from ..exports import build_roster_workbook, build_stipends_workbook
from ..forms import (
    BudgetFilterForm,
)
from ..models import (
    StipendPayment,
)
from .common import (
    CLASSES,
    ClassReaderMixin,
    _year_from,
)

# ---------------------------------------------------------------------------------------
# Budget and exports
# ---------------------------------------------------------------------------------------


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
