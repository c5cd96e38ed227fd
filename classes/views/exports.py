"""The budget page and the Excel exports of the classes."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from tienlang.lib import kept
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
        payments = self.get_queryset()
        # The same on every request until someone writes (a payment, a class): kept until then.
        summary = kept.kept_query(
            "budget", payments, kept.request_version(self.request), lambda: services.budget_summary(payments)
        )
        context["totals"] = summary["totals"]
        # A nation's breakdowns run to thousands of classes and unions: 50 rows a page each,
        # every row in the signing list's budget sheet (Excel).
        for name in ("by_class", "by_union", "by_source"):
            parameter = f"{name}_page"
            page = Paginator(summary[name], BUDGET_PAGE_SIZE).get_page(self.request.GET.get(parameter))
            page.previous_url = _page_url(self.request, parameter, page.has_previous() and page.previous_page_number())
            page.next_url = _page_url(self.request, parameter, page.has_next() and page.next_page_number())
            context[name] = page
        context["year"] = self.year
        context["filter_form"] = BudgetFilterForm(initial={"year": self.year})
        return context


BUDGET_PAGE_SIZE = 50


def _page_url(request, parameter: str, number) -> str:
    """This page's address with another page of one of its tables (the other tables' pages kept)."""
    if not number:
        return ""
    query = request.GET.copy()
    query[parameter] = number
    return f"?{query.urlencode()}"


class RosterExportView(ClassReaderMixin, View):
    def get(self, request):
        year = _year_from(request, request.user)
        return xlsx_response(build_roster_workbook(year, user=request.user), f"danh-sach-hoc-vien-{year}.xlsx")


class StipendsExportView(ClassReaderMixin, View):
    def get(self, request):
        year = _year_from(request, request.user)
        return xlsx_response(build_stipends_workbook(year, user=request.user), f"danh-sach-ky-nhan-{year}.xlsx")
