"""Building blocks shared by the register's views (and by other apps' lists)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, Paginator
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin
from django_tables2.rows import BoundRows

from tienlang.lib.kept import kept_count, request_version
from tienlang.lib.versioning import StaleVersion
from tienlang.lib.xlsx import xlsx_response

from ..filters import bootstrap_filter_form, compact_union_choices
from ..permissions import (
    REGISTER_ROLES,
    RoleRequiredMixin,
    ScopedQuerysetMixin,
    check_in_scope,
    scope_form_fields,
)


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

    roles = REGISTER_ROLES


class ObjectActionView(View):
    """Base for a POST-only action on one object in the user's scope.

    `self.object` is found through the model's `for_user(user)`: 404 outside the scope, 405
    for anything but POST. Subclasses write `post()` and answer with `done()` or `fail()`.
    """

    model = None
    pk_url_kwarg = "pk"

    def get_queryset(self):
        return self.model._default_manager.for_user(self.request.user)

    def dispatch(self, request, *args, **kwargs):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        self.object = get_object_or_404(self.get_queryset(), pk=kwargs[self.pk_url_kwarg])
        return super().dispatch(request, *args, **kwargs)

    def done(self):
        return redirect(self.object.get_absolute_url())

    def fail(self, errors):
        for error in errors:
            messages.error(self.request, error)
        return self.done()


class Breadcrumbs:
    breadcrumbs: list[tuple[str, str | None]] = []

    def get_breadcrumbs(self):
        return self.breadcrumbs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = self.get_breadcrumbs()
        return context


class CappedPaginator(Paginator):
    """Pages stop after MAX_ROWS rows; a page number past the end shows the last page.

    An OFFSET deep in a national list costs seconds (page 2,000 of the nominations: 1.7 s
    at the nation tier, docs/performance.md) and nobody reads that far: search and the
    filters narrow a list, and its Excel export holds every row.

    The row count (the page count) is kept until the next write (`tienlang.lib.kept`) when
    the view hands over the request's `data_version`: a national list's COUNT reads 200,000
    nominations on every page otherwise.
    """

    max_rows = 10_000
    # From this many rows in, a page is found by its keys first (below).
    deferred_from = 1_000

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, data_version=None):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        self.data_version = data_version
        self._end_order_with_the_key()

    def _end_order_with_the_key(self) -> None:
        """Pages are cut from one total order: rows that tie in the chosen column (a status, a
        date) are ordered by their key, so no row shows on two pages or on none. The key runs
        the way the first column does, so an index on (column, id) serves both directions."""
        queryset = self.queryset
        if queryset is None or queryset.query.combinator or queryset.query.distinct_fields:
            return
        terms = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
        if any(term in ("pk", "-pk", "id", "-id") for term in terms):
            return
        first = terms[0] if terms else ""
        descending = isinstance(first, str) and first.startswith("-")
        self.object_list.data.data = queryset.order_by(*terms, "-pk" if descending else "pk")

    @property
    def queryset(self) -> QuerySet | None:
        # django-tables2 hands over its rows (BoundRows) around its data around the queryset.
        queryset = getattr(getattr(self.object_list, "data", None), "data", None)
        return queryset if isinstance(queryset, QuerySet) else None

    @cached_property
    def count(self) -> int:
        queryset = self.queryset
        if queryset is None or self.data_version is None:
            return super().count
        return kept_count(queryset, self.data_version)

    @cached_property
    def num_pages(self) -> int:
        return max(1, min(super().num_pages, -(-self.max_rows // self.per_page)))

    @property
    def capped(self) -> bool:
        return self.count > self.num_pages * self.per_page

    def validate_number(self, number):
        try:
            return super().validate_number(number)
        except EmptyPage:
            if int(number) > 1:
                return self.num_pages
            raise

    def page(self, number):
        """A deep page reads the keys of the rows it skips from the index alone, then its own rows.

        OFFSET over full rows reads every skipped row from the table (the nomination list's
        last page at the nation tier: 224 ms of SQL); the keys come from an index-only scan
        of the same order, and the page's 50 rows are then fetched by key. Past the middle of
        the list the keys are read from its end, in the reverse order (the same rows, since
        every list's order ends with the key).
        """
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        count = self.count
        if top + self.orphans >= count:
            top = count
        rows, queryset = self.object_list, self.queryset
        if bottom < self.deferred_from or queryset is None or queryset.query.distinct or not queryset.ordered:
            return self._get_page(rows[bottom:top], number, self)
        if bottom > count // 2:
            keys = list(queryset.reverse().values_list("pk", flat=True)[count - top : count - bottom])
            keys.reverse()
        else:
            keys = list(queryset.values_list("pk", flat=True)[bottom:top])
        found = {row.pk: row for row in queryset.filter(pk__in=keys).order_by()}
        page_rows = BoundRows([found[key] for key in keys if key in found], rows.table, rows.pinned_data)
        return self._get_page(page_rows, number, self)


class ScopedFilteredListView(Breadcrumbs, ScopedQuerysetMixin, SingleTableMixin, FilterView):
    """List = for_user(user) → filter form → sorting → pagination.

    With `export_workbook` set, `?export=xlsx` returns the same rows in the same order,
    without pagination, as an Excel file built by `export_workbook(queryset)`.
    """

    template_name = "unions/object_list.html"
    # The table paginates (one COUNT); the list view itself does not, or it would count twice.
    paginate_by = None
    table_pagination = {"per_page": 50, "paginator_class": CappedPaginator}
    title = ""
    export_workbook = None
    export_filename = "danh-sach.xlsx"
    # The fields the table shows (`QuerySet.only()`), or () for whole rows: a page's rows are then
    # built from those columns alone, and the access log names the personal fields the page read,
    # not every one the person's row holds. Exports read whole rows.
    table_only: tuple[str, ...] = ()

    def get_table_data(self):
        data = super().get_table_data()
        return data.only(*self.table_only) if self.table_only else data

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        scope_form_fields(filterset.form, self.request.user)
        compact_union_choices(filterset.form, request_version(self.request))
        bootstrap_filter_form(filterset.form)
        return filterset

    def get_table_pagination(self, table):
        pagination = super().get_table_pagination(table)
        if pagination and issubclass(pagination.get("paginator_class", Paginator), CappedPaginator):
            pagination = {**pagination, "data_version": request_version(self.request)}
        return pagination

    def get(self, request, *args, **kwargs):
        if self.export_workbook is not None and request.GET.get("export") == "xlsx":
            return self.export()
        return super().get(request, *args, **kwargs)

    def filtered_queryset(self):
        """The list's rows before paging: scoped, filtered (nothing if the filters are invalid), sorted."""
        filterset = self.get_filterset(self.get_filterset_class())
        queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        table = self.get_table_class()(data=queryset)
        RequestConfig(self.request, paginate=False).configure(table)
        return table.data.data

    def export(self):
        workbook = type(self).export_workbook(self.filtered_queryset())
        return xlsx_response(workbook, self.export_filename)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.title
        context["export_enabled"] = self.export_workbook is not None
        # A filter in use (not the sort or the page): an empty list then offers to clear it.
        context["is_filtered"] = any(v for k, v in self.request.GET.items() if k not in ("sort", "page"))
        return context

    def render_to_response(self, context, **response_kwargs):
        # The table renders in its own context (django-tables2): hand it what its empty state
        # offers — the view's `empty_action`, else its first action — and whether a filter is on.
        table = context.get("table")
        if table is not None:
            actions = context.get("actions") or []
            table.empty_action = context.get("empty_action") or (tuple(actions[0][:2]) if actions else None)
            table.is_filtered = context.get("is_filtered", False)
        return super().render_to_response(context, **response_kwargs)


class ChangeObjectMixin:
    """Edit views: outside the user's scope is 404 (scoped queryset); allowed to read only is 403."""

    def may_change(self, user, obj) -> bool:  # pragma: no cover - overridden
        return False

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not self.may_change(self.request.user, obj):
            raise PermissionDenied
        return obj


class ScopedSaveMixin:
    """Save the form in one transaction and re-check there that the result is in scope.

    A record changed by someone else since the form was opened is refused by the save's own
    UPDATE (`tienlang.lib.versioning`), never silently overwritten.
    """

    success_message = ""

    def form_valid(self, form):
        try:
            with transaction.atomic():
                self.object = form.save()
                # A tampered form must not leave anything outside the user's scope.
                check_in_scope(type(self.object).objects, self.object, self.request.user)
        except StaleVersion as exc:
            form.add_error(None, exc.messages[0])
            return self.form_invalid(form)
        except IntegrityError:
            # Someone saved a conflicting row between our checks and the insert.
            form.add_error(None, _("Dữ liệu vừa bị người khác thay đổi (trùng mã hoặc trùng năm). Hãy kiểm tra lại."))
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message % {"name": str(self.object)})
        return HttpResponseRedirect(self.get_success_url())
