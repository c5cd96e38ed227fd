"""The people register: the list and one person's page (who may see the whole citizen ID)."""

from __future__ import annotations

from django.core.paginator import EmptyPage
from django.db.models import Prefetch
from django.utils.translation import gettext as _, gettext_lazy
from django.views.generic import DetailView
from django_tables2.paginators import LazyPaginator

from tienlang.lib.audit import change_history, record_access
from unions.models import AccessLog
from unions.permissions import (
    REGISTER_ROLES,
    RoleRequiredMixin,
    is_chair,
    is_district_staff,
    user_union_id,
)
from unions.views import Breadcrumbs, ScopedFilteredListView
from unions.views.common import CappedPaginator

from .. import sensitivity
from ..filters import PersonFilter
from ..models import Nomination, NominationEvent, Person
from ..tables import PersonTable
from .privacy import privacy_context


class PersonReaderMixin(RoleRequiredMixin):
    roles = REGISTER_ROLES


# Personal-data fields each page shows (the access log records them, see sensitivity.disclosed).
PERSON_PAGE_FIELDS = [
    "full_name",
    "citizen_id",
    "date_of_birth",
    "sex",
    "ethnicity",
    "religion",
    "education",
    "job_title",
    "profession",
    "union_joined_on",
    "residence_commune",
    "residence_district",
    "residence_province",
    "lives_in_district",
    "current_address",
    "phone",
]


def may_see_full_citizen_id(user, person: Person) -> bool:
    """Staff and the person's own union chair see the whole number; others see it masked."""
    return is_district_staff(user) or (is_chair(user) and user_union_id(user) == person.union_id)


class SearchPaginator(LazyPaginator):
    """A search's pages without counting its matches first.

    Counting then fetching a page reads every match twice (the trigram scan, then the rows
    sorted by closeness); here each page fetches one row more than it shows, so a search is
    one query, and the count shown is the rows seen so far ("50+" while more follow). Pages
    stop, as in the other lists, after `CappedPaginator.max_rows` rows.
    """

    max_rows = CappedPaginator.max_rows
    capped = False

    def validate_number(self, number):
        try:
            number = super().validate_number(number)
        except EmptyPage:
            return 1
        return min(number, max(1, self.max_rows // self.per_page))

    def page(self, number):
        try:
            page = super().page(number)
        except EmptyPage:  # past the last match: the first page, as a list does
            page = super().page(1)
        self._seen = (page.number - 1) * self.per_page + len(page.object_list)
        self._last = self.is_last_page(page.number)
        return page

    @property
    def count(self):
        seen = getattr(self, "_seen", 0)
        return seen if getattr(self, "_last", True) else f"{seen}+"


class PersonListView(PersonReaderMixin, ScopedFilteredListView):
    model = Person
    filterset_class = PersonFilter
    table_class = PersonTable
    title = gettext_lazy("Đoàn viên")
    breadcrumbs = [(gettext_lazy("Đoàn viên"), None)]

    def get_queryset(self):
        return super().get_queryset().select_related("union")

    def searching(self) -> bool:
        return bool((self.request.GET.get("q") or "").strip())

    def get_table_pagination(self, table):
        if self.searching():
            return {**self.table_pagination, "paginator_class": SearchPaginator}
        return super().get_table_pagination(table)

    def get_table_kwargs(self):
        # A search is ranked closest first (PersonFilter) unless the user sorts by a column.
        if self.searching() and not self.request.GET.get("sort"):
            return {**super().get_table_kwargs(), "order_by": ()}
        return super().get_table_kwargs()

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        if is_chair(self.request.user):
            filterset.form.fields.pop("union", None)
        return filterset


class PersonDetailView(PersonReaderMixin, Breadcrumbs, DetailView):
    model = Person
    template_name = "candidates/person_detail.html"

    def get_queryset(self):
        return (
            Person.objects.for_user(self.request.user)
            .select_related("union__enterprise", "federation")
            .prefetch_related(
                Prefetch(
                    # Only the nominations the user may see: a person who moved between unions keeps
                    # their earlier nominations under the union they belonged to.
                    "nominations",
                    queryset=Nomination.objects.for_user(self.request.user)
                    .select_related("union", "introduction__receiving_organization")
                    .prefetch_related(
                        Prefetch("events", queryset=NominationEvent.objects.select_related("recorded_by"))
                    )
                    .order_by("-year", "-pk"),
                )
            )
        )

    def get_breadcrumbs(self):
        return [(_("Đoàn viên"), "candidates:person_list"), (self.object.full_name, None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        show_full_id = may_see_full_citizen_id(self.request.user, self.object)
        context["show_full_id"] = show_full_id
        context["change_history"] = change_history(self.object)
        context.update(privacy_context(self.request.user, self.object))
        record_access(
            self.request,
            AccessLog.Action.VIEW,
            _("Trang đoàn viên"),
            [self.object.pk],
            fields=sensitivity.disclosed(PERSON_PAGE_FIELDS, masked_fields=[] if show_full_id else ["citizen_id"]),
        )
        return context
