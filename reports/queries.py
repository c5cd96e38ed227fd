"""One query layer for every figure on screen and in Excel.

Functions take a `Scope`: a user, or, for the management command, a federation. What a
report lists is reached through the model's `for_user` (`Scope.rows`); what it only counts
through `Scope.totals`, where Party committee readers count their federation's rows (totals,
no one's personal data). Counts follow the "ever reached" rule: a status column counts the
year's nominations whose `stage` reached that step, whatever happened after.
"""

from __future__ import annotations

import datetime
import functools
import itertools
import operator
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    FilteredRelation,
    IntegerField,
    Manager,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from admission.clocks import action_counts
from candidates.models import STAGE, DataSubjectRequest, Nomination, Status
from classes.models import ClassStatus, StipendPayment, TrainingClass
from classes.services import budget_totals
from tienlang.lib import document
from tienlang.lib.collation import vietnamese_sort_key
from tienlang.lib.money import format_vnd
from unions.models import (
    Enterprise,
    Federation,
    GrassrootsUnion,
    Reorganisation,
    ReorganisationItem,
    Role,
    UnionAffiliation,
    UserProfile,
)
from unions.querysets import federation_ids, federation_scope, federation_subtree
from unions.reorganisations import memberships

from .models import FederationTarget, UnionQuota, YearlyAggregate

FIRST_YEAR = 2015
STAGE_FIELDS = [
    ("nominated", Status.NOMINATED),
    ("approved", Status.APPROVED),
    ("enrolled", Status.ENROLLED),
    ("completed", Status.COMPLETED),
    ("introduced", Status.INTRODUCED),
    ("admitted", Status.ADMITTED),
]
AGE_GROUPS = [("age_18_30", 18, 30), ("age_31_40", 31, 40), ("age_41_50", 41, 50), ("age_51_60", 51, 60)]
BREAKDOWN_FIELDS = ["women", "minorities", "religious", "direct_production"] + [g[0] for g in AGE_GROUPS]


# ---------------------------------------------------------------------------------------
# Scope
# ---------------------------------------------------------------------------------------


@dataclass
class Scope:
    """What a report covers: a user's scope, or a whole federation for the command line."""

    user: object = None
    federation: Federation | None = None
    # An administrator's issuer, looked up once per scope (a report of 300 sheets asks 300 times).
    _default: list = field(default_factory=list, init=False, repr=False, compare=False)

    @property
    def profile(self) -> UserProfile | None:
        return getattr(self.user, "profile", None) if self.user is not None else None

    @property
    def is_party_viewer(self) -> bool:
        return self.profile is not None and self.profile.role == Role.PARTY_VIEWER

    def issuing_federation(self) -> Federation | None:
        if self.federation is not None:
            return self.federation
        if self.profile is not None:
            return self.profile.federation
        if not self._default:
            self._default.append(default_federation())
        return self._default[0]

    def rows(self, manager: Manager) -> QuerySet:
        """Rows a report lists: the user's (`for_user`), or, for an operator's run, what a user of
        the federation would see (it, the federations below it, what it handed over)."""
        if self.user is None:
            if self.federation is None:
                return manager.all()
            return manager.all().within(federation_scope(self.federation.pk))
        return manager.for_user(self.user)

    def totals(self, manager: Manager) -> QuerySet:
        """Rows a report only counts, never lists.

        A Party committee viewer's reports are federation totals: they count the rows of their
        federation's tree (`within` the federations its staff would see, so an ended district's
        totals follow the unions it handed over) and name no one; what they list goes through
        `rows`, so through the model's `party_viewer_filter`. Anyone else counts the rows they may list.
        """
        if self.user is not None and self.is_party_viewer:
            queryset = manager.all()
            if self.profile.federation_id is None:
                return queryset.none()
            return queryset.within(federation_ids(self.profile))
        return self.rows(manager)

    def nominations(self) -> QuerySet[Nomination]:
        return self.totals(Nomination.objects)

    def unions(self) -> QuerySet[GrassrootsUnion]:
        return self.totals(GrassrootsUnion.objects)

    def enterprises(self) -> QuerySet[Enterprise]:
        return self.totals(Enterprise.objects)

    def quotas(self) -> QuerySet[UnionQuota]:
        return self.totals(UnionQuota.objects)


def default_federation() -> Federation | None:
    """The federation that keeps unions (the district federation in a single-office install)."""
    # A federation ended by a reorganisation still issued its own years (its past unions count).
    keeps_unions = Q(unions__isnull=False) | Q(past_unions__isnull=False)
    return Federation.objects.filter(keeps_unions).order_by("pk").first() or Federation.objects.first()


def latest_year(scope: Scope) -> int:
    year = scope.nominations().order_by("-year").values_list("year", flat=True).first()
    return year or datetime.date.today().year


# ---------------------------------------------------------------------------------------
# Quota fulfilment (report 1) and the dashboard funnel
# ---------------------------------------------------------------------------------------


def _stage_counts(year: int) -> dict:
    """Aggregates keyed "c_<field>" (a prefix, so no name clashes with the model's own fields)."""
    counts = {name: Count("pk", filter=Q(stage__gte=STAGE[status])) for name, status in STAGE_FIELDS}
    counts["in_district"] = Count("pk", filter=Q(in_district=True))
    counts["out_district"] = Count("pk", filter=Q(in_district=False))
    admitted = Q(stage__gte=STAGE[Status.ADMITTED])
    counts["women"] = Count("pk", filter=admitted & Q(person__sex="F"))
    counts["minorities"] = Count("pk", filter=admitted & ~Q(person__ethnicity__iexact="Kinh"))
    counts["religious"] = Count("pk", filter=admitted & ~Q(person__religion__iexact="Không") & ~Q(person__religion=""))
    counts["direct_production"] = Count("pk", filter=admitted & Q(person__is_direct_production=True))
    for name, low, high in AGE_GROUPS:
        # Age in the report's year (year of admission minus year of birth).
        counts[name] = Count(
            "pk",
            filter=admitted
            & Q(person__date_of_birth__year__gte=year - high, person__date_of_birth__year__lte=year - low),
        )
    return {f"c_{name}": value for name, value in counts.items()}


def _unprefixed(row: dict) -> dict:
    return {key[2:]: value for key, value in row.items() if key.startswith("c_")}


@dataclass
class QuotaRow:
    union_id: int | None
    code: str
    name: str
    quota: int = 0
    nominated: int = 0
    approved: int = 0
    enrolled: int = 0
    completed: int = 0
    introduced: int = 0
    admitted: int = 0
    in_district: int = 0
    out_district: int = 0
    women: int = 0
    minorities: int = 0
    religious: int = 0
    direct_production: int = 0
    age_18_30: int = 0
    age_31_40: int = 0
    age_41_50: int = 0
    age_51_60: int = 0
    # The federation that held the union for this row's period (a union moved during the year
    # has a row under each federation, each with the nominations of its own period).
    federation_id: int | None = None

    @property
    def percent(self) -> float | None:
        """Introduced to the Party as a share of the quota, in %."""
        return round(100 * self.introduced / self.quota, 1) if self.quota else None


COUNT_FIELDS = [name for name, _ in STAGE_FIELDS] + ["in_district", "out_district"] + BREAKDOWN_FIELDS


class QuotaReport:
    """The quota report of a year: its rows streamed from the database (`iter_rows`: one row at a
    time, never all of them held, for the national workbook's 45,000 unions), the same rows as a
    list for a screen (`rows`, read on first use), the totals and a subtotal per federation directly
    below the issuer (one grouped query, not a sum over held rows)."""

    def __init__(self, scope: Scope, year: int):
        self.scope = scope
        self.year = year
        self._plan = None

    def iter_rows(self) -> Iterator[QuotaRow]:
        """Every row in report order (Vietnamese order of the union's name, then its id), read from
        a server-side cursor in chunks."""
        plan = self._quota_plan()
        moved = iter(plan.moved_rows)
        pending = next(moved, None)
        for row in plan.stream():
            # Unions that changed hands in the year (a few) are merged in at their place.
            while pending is not None and _report_order(pending) <= _report_order(row):
                yield pending
                pending = next(moved, None)
            yield row
        while pending is not None:
            yield pending
            pending = next(moved, None)

    @functools.cached_property
    def rows(self) -> list[QuotaRow]:
        return list(self.iter_rows())

    @functools.cached_property
    def _by_federation(self) -> list[QuotaRow]:
        """Rows whose sums are the totals and subtotals: the figures summed per federation on
        the way when the rows were read already (the dashboard, the workbook), else by the
        database; the unions that changed hands in the year as their own rows."""
        plan = self._quota_plan()
        return plan.per_federation() + plan.moved_rows

    @functools.cached_property
    def totals(self) -> QuotaRow:
        return _summed(self._by_federation, "Tổng cộng")

    @functools.cached_property
    def subtotals(self) -> list[QuotaRow]:
        """One row per federation directly below the issuer (for an issuer with federations below it)."""
        return _subtotals(self.scope.issuing_federation(), self._by_federation)

    def _quota_plan(self) -> _QuotaPlan:
        if self._plan is None:
            self._plan = _QuotaPlan(self.scope, self.year)
        return self._plan


def _report_order(row: QuotaRow):
    return (vietnamese_sort_key(row.name), row.union_id)


class _QuotaPlan:
    """How the quota report's rows are read.

    Nearly every union was held by its present federation all year: its row is its current
    record, its quota and its nominations' counts, and those rows come from one query that joins
    the union list to the grouped counts, in report order, streamed. The few unions that changed
    federation during or after the year (a period in `UnionAffiliation`, a `federation_since`
    after 1 January, or nominations recorded under another federation) get one row per period
    from their history (`_moved_rows`), held: they are a handful.
    """

    def __init__(self, scope: Scope, year: int):
        self.scope = scope
        self.year = year
        self.start, self.end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        nominations = scope.nominations().filter(year=year)
        changed = (
            scope.totals(UnionAffiliation.objects)
            .overlapping(self.start, self.end)
            .order_by()
            .values_list("union_id")
            .union(
                scope.unions().filter(federation_since__gt=self.start).order_by().values_list("pk"),
                nominations.exclude(federation_id=F("union__federation_id")).order_by().values_list("union_id"),
            )
        )
        self.moved_ids = {union_id for (union_id,) in changed}
        self.moved_rows = _moved_rows(scope, year, self.moved_ids) if self.moved_ids else []

    def _sql(self) -> tuple[str, list]:
        unions = (
            self.scope.unions()
            .filter(Q(federation_since__isnull=True) | Q(federation_since__lte=self.start))
            .exclude(pk__in=self.moved_ids)
            # One quota per union and year (a unique constraint): joined, not looked up union by union.
            .annotate(quota_row=FilteredRelation("quotas", condition=Q(quotas__year=self.year)))
            .annotate(quota_of_year=Coalesce(F("quota_row__introduce"), Value(0)))
            .order_by()
            .values_list("id", "federation_id", "code", "name", "quota_of_year")
        )
        counts = (
            self.scope.nominations()
            .filter(year=self.year)
            .exclude(union_id__in=self.moved_ids)
            .values("union_id", "federation_id")
            .annotate(**_stage_counts(self.year))
            .order_by()
        )
        unions_sql, unions_params = unions.query.sql_with_params()
        try:
            counts_sql, counts_params = counts.query.sql_with_params()
        except EmptyResultSet:  # nothing to count in scope: the same columns, no rows
            counts_sql, counts_params = (
                Nomination.objects.filter(pk__isnull=True)
                .values("union_id", "federation_id")
                .annotate(**_stage_counts(self.year))
                .order_by()
                .query.sql_with_params()
            )
        columns = ", ".join(f'COALESCE(c."c_{name}", 0) AS "c_{name}"' for name in COUNT_FIELDS)
        sql = (
            # The columns in `QuotaRow`'s order (a row is made from them as they come, see `stream`).
            f'SELECT u."id", u."code", u."name", u."quota_of_year", {columns}, u."federation_id" '
            f"FROM ({unions_sql}) u LEFT JOIN ({counts_sql}) c "
            'ON c."union_id" = u."id" AND c."federation_id" = u."federation_id"'
        )
        return sql, [*unions_params, *counts_params]

    def _sql_or_none(self) -> tuple[str, list] | None:
        try:
            return self._sql()
        except EmptyResultSet:  # no union in scope
            return None

    def stream(self) -> Iterator[QuotaRow]:
        query = self._sql_or_none()
        if query is None:
            return
        sql, params = query
        # The name column's own collation (Vietnamese order, see tienlang.lib.collation).
        # The figures summed per federation on the way: a whole pass makes `per_federation`'s
        # query unneeded (the national report's rows are 45,000 unions: half a second of SQL).
        sums: dict[int, tuple[int, ...]] = {}
        with connection.chunked_cursor() as cursor:
            cursor.execute(f'{sql} ORDER BY u."name", u."id"', params)
            while chunk := cursor.fetchmany(document.ROWS_PER_READ):
                rows = list(itertools.starmap(QuotaRow, chunk))
                by_federation = defaultdict(list)
                for values in chunk:  # (id, code, name, quota, *counts, federation_id); never NULL (COALESCE)
                    by_federation[values[-1]].append(values[3:-1])
                for federation_id, figures in by_federation.items():
                    figures = tuple(map(sum, zip(*figures, strict=True)))
                    total = sums.get(federation_id)
                    sums[federation_id] = figures if total is None else tuple(map(operator.add, total, figures))
                yield from rows
        self.streamed_sums = sums

    streamed_sums: dict[int, tuple[int, ...]] | None = None

    def per_federation(self) -> list[QuotaRow]:
        """The stream's figures summed per federation (one small grouped query, or summed by a
        whole pass of `stream`)."""
        if self.streamed_sums is not None:
            rows = []
            for federation_id, (quota, *counts) in self.streamed_sums.items():
                row = QuotaRow(None, "", "", quota=quota, federation_id=federation_id)
                row.__dict__.update(zip(COUNT_FIELDS, counts, strict=True))
                rows.append(row)
            return rows
        query = self._sql_or_none()
        if query is None:
            return []
        sql, params = query
        columns = ", ".join(f'SUM(r."c_{name}")' for name in COUNT_FIELDS)
        rows = []
        with connection.cursor() as cursor:
            cursor.execute(
                f'SELECT r."federation_id", SUM(r."quota_of_year"), {columns} FROM ({sql}) r '
                'GROUP BY r."federation_id"',
                params,
            )
            for federation_id, quota, *counts in cursor.fetchall():
                row = QuotaRow(None, "", "", quota=int(quota or 0), federation_id=federation_id)
                row.__dict__.update(zip(COUNT_FIELDS, (int(c or 0) for c in counts), strict=True))
                rows.append(row)
        return rows


def quota_report(scope: Scope, year: int) -> QuotaReport:
    """One row per grassroots union in scope in that year (even with no nominations), and the totals.

    The unions are those the federations in scope held during the year (the union's history,
    `UnionAffiliation`, keeps who held it before a reorganisation): a report of a past year lists
    what its issuer held then. A union that changed federation during the year has one row per
    federation, each counting the nominations recorded under it; its quota counts once, in the
    row of the federation that held it first that year. The rows are read when asked for
    (`QuotaReport.iter_rows` streams them).
    """
    return QuotaReport(scope, year)


def _moved_rows(scope: Scope, year: int, union_ids: set[int]) -> list[QuotaRow]:
    """The rows of unions that changed federation in or after `year`: one per (union, federation)
    period, from the union's history, in report order."""
    nominations = scope.nominations().filter(year=year, union_id__in=union_ids)
    per_pair = {
        (row["union_id"], row["federation_id"]): _unprefixed(row)
        for row in nominations.values("union_id", "federation_id").annotate(**_stage_counts(year)).order_by()
    }
    periods = memberships(
        scope.unions().filter(pk__in=union_ids),
        scope.totals(UnionAffiliation.objects).filter(union_id__in=union_ids),
        datetime.date(year, 1, 1),
        datetime.date(year, 12, 31),
    )
    pairs = list(dict.fromkeys([(m.union_id, m.federation_id) for m in periods] + sorted(per_pair)))
    in_pairs = {union_id for union_id, _federation in pairs}
    unions = {m.union_id: {"code": m.code, "name": m.name, "name_folded": m.name_folded} for m in periods}
    missing = in_pairs - set(unions)  # nominations under a period the scope does not hold (never, normally)
    if missing:
        named = GrassrootsUnion.objects.filter(pk__in=missing).values("pk", "code", "name", "name_folded")
        unions.update({u.pop("pk"): u for u in named})
    # Quotas of the unions the scope's own rows named (scoped above).
    quotas = dict(UnionQuota.objects.filter(union_id__in=in_pairs, year=year).values_list("union_id", "introduce"))
    # A union held from before the year began: its holder then holds the year's quota. Only a union
    # that came during the year needs its whole history to say who held it first.
    start = datetime.date(year, 1, 1)
    moved_in = {m.union_id for m in periods if m.valid_from and m.valid_from > start}
    quota_holder = {m.union_id: m.federation_id for m in periods if m.union_id not in moved_in}
    quota_holder.update(_first_holders(moved_in, year))
    rows = []
    for union_id, federation_id in sorted(pairs, key=lambda p: (vietnamese_sort_key(unions[p[0]]["name"]), p[0])):
        union = unions[union_id]
        quota = quotas.get(union_id, 0) if quota_holder.get(union_id, federation_id) == federation_id else 0
        row = QuotaRow(union_id, union["code"], union["name"], quota=quota, federation_id=federation_id)
        for name, value in per_pair.get((union_id, federation_id), {}).items():
            setattr(row, name, value)
        rows.append(row)
    return rows


def _first_holders(union_ids: set[int], year: int) -> dict[int, int]:
    """The federation that held each union first in `year` (from its whole history, not only the scope)."""
    if not union_ids:
        return {}
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    periods = memberships(
        GrassrootsUnion.objects.filter(pk__in=union_ids),
        UnionAffiliation.objects.filter(union_id__in=union_ids),
        start,
        end,
    )
    holders: dict[int, int] = {}
    for period in periods:  # earliest first
        holders.setdefault(period.union_id, period.federation_id)
    return holders


def _summed(rows: list[QuotaRow], name: str) -> QuotaRow:
    total = QuotaRow(None, "", name, quota=sum(r.quota for r in rows))
    for field_name in COUNT_FIELDS:
        setattr(total, field_name, sum(getattr(r, field_name) for r in rows))
    return total


def _subtotals(issuer: Federation | None, rows: list[QuotaRow]) -> list[QuotaRow]:
    """A row per federation directly below `issuer`, summing the unions of it and of those below it."""
    if issuer is None:
        return []
    below = list(Federation.objects.filter(parent=issuer).order_by("name", "pk"))
    if not below:
        return []
    # The federations under the issuer in one query (not one per federation directly below),
    # then each union's federation followed up to the one directly below the issuer.
    parent_of = dict(Federation.objects.filter(pk__in=federation_subtree(issuer.pk)).values_list("pk", "parent_id"))
    top_of: dict[int, int | None] = {child.pk: child.pk for child in below}

    def branch(federation_id: int | None) -> int | None:
        path = []
        while federation_id is not None and federation_id not in top_of and federation_id in parent_of:
            path.append(federation_id)
            federation_id = parent_of[federation_id]
        top = top_of.get(federation_id)
        for seen in path:
            top_of[seen] = top
        return top

    grouped: dict[int, list[QuotaRow]] = {child.pk: [] for child in below}
    for row in rows:
        top = branch(row.federation_id)
        if top is not None:
            grouped[top].append(row)
    subtotals = []
    for child in below:
        if not grouped[child.pk]:
            continue  # no union under it in the report's year (it did not exist yet, or had ended)
        subtotal = _summed(grouped[child.pk], child.name)
        subtotal.federation_id = child.pk
        subtotals.append(subtotal)
    return subtotals


# The funnel counts who ever reached each step: "Đang học" (a status) would read as "studying now".
REACHED_LABELS = {"enrolled": gettext_lazy("Đã vào học")}


def funnel(report: QuotaReport) -> list[tuple[str, str, int]]:
    return [
        (name, str(REACHED_LABELS.get(name, status.label)), getattr(report.totals, name))
        for name, status in STAGE_FIELDS
    ]


def federation_target(scope: Scope, year: int) -> FederationTarget | None:
    federation = scope.issuing_federation()
    if federation is None:
        return None
    return FederationTarget.objects.filter(federation=federation, year=year).select_related("plan").first()


# ---------------------------------------------------------------------------------------
# Multi-year summary (report 6) and the trend chart
# ---------------------------------------------------------------------------------------


@dataclass
class YearRow:
    year: int
    is_aggregate: bool
    nominated: int | None = None
    approved: int | None = None
    enrolled: int | None = None
    completed: int | None = None
    introduced: int | None = None
    admitted: int | None = None
    women: int | None = None
    minorities: int | None = None
    religious: int | None = None
    direct_production: int | None = None
    age_18_30: int | None = None
    age_31_40: int | None = None
    age_41_50: int | None = None
    age_51_60: int | None = None
    source: str = ""
    end_year: int | None = None  # a typed-in period: its last year

    @property
    def label(self) -> str:
        return f"{self.year}–{self.end_year}" if self.end_year and self.end_year != self.year else str(self.year)


@dataclass
class HistoryNote:
    """A typed-in figure left out of the totals because one of its years is counted already."""

    label: str
    introduced: int | None
    admitted: int | None
    source: str
    overlaps: list[int]
    reason: str

    @property
    def text(self) -> str:
        figures = f"{self.introduced or 0:,} được giới thiệu cho Đảng".replace(",", ".")
        if self.admitted is not None:
            figures += f", {self.admitted:,} được kết nạp".replace(",", ".")
        source = f" ({self.source})" if self.source else ""
        return f"Ghi chú — {self.label}{source}: {figures}; không cộng vào tổng vì {self.reason}."


class History(list):
    """The years counted in the multi-year report, in order, and `notes`: typed-in figures
    shown beside them but not added, so no year is ever counted twice."""

    def __init__(self, rows=(), notes=()):
        super().__init__(rows)
        self.notes: list[HistoryNote] = list(notes)

    def total(self, name: str) -> int:
        return sum(getattr(row, name) or 0 for row in self)


def _years_text(years) -> str:
    years = sorted(years)
    return ("năm " if len(years) == 1 else "các năm ") + ", ".join(str(y) for y in years)


def history(scope: Scope, until: int | None = None) -> History:
    """Every year since 2015, each counted once.

    A year with records is counted from the records; else a year typed in on its own; else a
    typed-in period whose years are all still uncounted (one row, its first year and its last).
    Anything else typed in — a year that has records, a period overlapping counted years or
    reaching past `until` — is a note, never added to the totals.
    """
    until = until or datetime.date.today().year
    recorded = {}
    nominations = scope.nominations().filter(year__gte=FIRST_YEAR, year__lte=until)
    # One grouped query: the age groups follow each row's own year (F("year")).
    for row in nominations.values("year").annotate(**_stage_counts(F("year"))).order_by():
        recorded[row["year"]] = _unprefixed(row)
    federation = scope.issuing_federation()
    aggregates = []
    if federation is not None:
        aggregates = list(
            YearlyAggregate.objects.filter(
                federation=federation, start_year__lte=until, end_year__gte=FIRST_YEAR
            ).order_by("start_year", "end_year", "pk")
        )
    rows: dict[int, YearRow] = {}
    notes: list[HistoryNote] = []
    for year, counts in recorded.items():
        row = rows[year] = YearRow(year, False, source="Từ hồ sơ trong hệ thống")
        for name, value in counts.items():
            if hasattr(row, name):
                setattr(row, name, value)
    singles = [a for a in aggregates if not a.is_period]
    periods = [a for a in aggregates if a.is_period]
    for aggregate in singles:
        if aggregate.start_year in rows:
            notes.append(_note(aggregate, [aggregate.start_year], "năm này đã tính từ hồ sơ trong hệ thống"))
            continue
        rows[aggregate.start_year] = _aggregate_row(aggregate)
    covered = set(rows)
    for aggregate in periods:
        overlaps = sorted(covered.intersection(aggregate.years()))
        if overlaps:
            notes.append(_note(aggregate, overlaps, f"trùng {_years_text(overlaps)} đã tính"))
        elif aggregate.start_year < FIRST_YEAR or aggregate.end_year > until:
            notes.append(_note(aggregate, [], f"giai đoạn vượt ra ngoài {FIRST_YEAR}–{until}"))
        else:
            rows[aggregate.start_year] = _aggregate_row(aggregate)
            covered.update(aggregate.years())
    return History([rows[year] for year in sorted(rows)], notes)


def history_by_federation(scope: Scope, until: int | None = None) -> dict[int | None, dict]:
    """The recorded figures of `history` per federation of the nominations (one grouped query):
    a nomination keeps the federation of its date, so each year counts under who held it then.
    Typed-in figures are the issuer's own and are not split."""
    until = until or datetime.date.today().year
    nominations = scope.nominations().filter(year__gte=FIRST_YEAR, year__lte=until)
    return {
        row["federation_id"]: _unprefixed(row)
        for row in nominations.values("federation_id").annotate(**_stage_counts(F("year"))).order_by()
    }


def _aggregate_row(aggregate: YearlyAggregate) -> YearRow:
    return YearRow(
        aggregate.start_year,
        True,
        introduced=aggregate.introduced,
        admitted=aggregate.admitted,
        source=aggregate.source or "Số liệu tổng hợp",
        end_year=aggregate.end_year if aggregate.is_period else None,
    )


def _note(aggregate: YearlyAggregate, overlaps: list[int], reason: str) -> HistoryNote:
    return HistoryNote(
        label=("Giai đoạn " if aggregate.is_period else "Năm ") + aggregate.label,
        introduced=aggregate.introduced,
        admitted=aggregate.admitted,
        source=aggregate.source,
        overlaps=overlaps,
        reason=reason,
    )


# ---------------------------------------------------------------------------------------
# People introduced to each Party organisation (report 4)
# ---------------------------------------------------------------------------------------


def introductions(scope: Scope, year: int) -> QuerySet[Nomination]:
    """Nominations introduced to the Party in `year`, grouped by the receiving organisation.

    People whose personal data is restricted are left out of this list of names.
    """
    queryset = scope.rows(Nomination.objects)
    return (
        queryset.filter(year=year, stage__gte=STAGE[Status.INTRODUCED], introduction__isnull=False)
        .exclude(person__processing_restricted=True)
        .select_related("person", "union", "introduction__receiving_organization")
        .order_by("introduction__receiving_organization__name", "sort_name", "pk")
    )


# ---------------------------------------------------------------------------------------
# Enterprise coverage (report 5)
# ---------------------------------------------------------------------------------------


def _coverage_queryset(scope: Scope, year: int) -> QuerySet[Enterprise]:
    # Joins, not a subquery per enterprise: an enterprise has at most one union and one figure a
    # year (unique constraints), so the joins add no rows. (Four correlated subqueries per
    # enterprise cost 3.9 s for the nation's 50,000 enterprises and 7 rows.)
    return (
        scope.enterprises()
        .annotate(figure=FilteredRelation("figures", condition=Q(figures__year=year)))
        .annotate(
            w=Coalesce(F("figure__workers"), F("workers"), output_field=IntegerField()),
            m=Coalesce(F("figure__union_members"), F("unions__members"), Value(0), output_field=IntegerField()),
            p=Coalesce(F("figure__party_members"), Value(0), output_field=IntegerField()),
            has_union=ExpressionWrapper(Q(unions__isnull=False), output_field=BooleanField()),
        )
    )


def coverage(scope: Scope, year: int, group: str) -> list[dict]:
    """Enterprises, unions, workers, members, Party members by ownership type or by commune."""
    field_name = {"ownership": "ownership", "commune": "commune__name"}[group]
    rows = (
        _coverage_queryset(scope, year)
        .values(field_name)
        .annotate(
            enterprises=Count("pk"),
            unions=Count("pk", filter=Q(has_union=True)),
            workers=Sum("w"),
            members=Sum("m"),
            party_members=Sum("p"),
            with_party=Count("pk", filter=Q(party_org_since__isnull=False)),
        )
        .order_by(field_name)
    )
    labels = dict(Enterprise.Ownership.choices) if group == "ownership" else {}
    result = []
    for row in rows:
        key = row.pop(field_name)
        row["label"] = str(labels.get(key, key) or "—")
        row["without_party"] = row["enterprises"] - row["with_party"]
        result.append(row)
    if group == "commune":
        result.sort(key=lambda r: vietnamese_sort_key(r["label"]))
    return result


def _held_in(year: int):
    """The federation that held each enterprise at the end of `year`: its union's period covering
    that day (`UnionAffiliation`), else, for an enterprise without a union handed over by a later
    reorganisation, the federation it left, else its federation now."""
    on = datetime.date(year, 12, 31)
    past = UnionAffiliation.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=on), union__enterprise=OuterRef("pk"), valid_until__gt=on
    ).order_by("valid_until")
    handed = ReorganisationItem.objects.filter(
        enterprise=OuterRef("pk"),
        reorganisation__state=Reorganisation.State.APPLIED,
        reorganisation__effective_on__gt=on,
    ).order_by("reorganisation__effective_on", "pk")
    return Coalesce(
        Subquery(past.values("federation_id")[:1]),
        Subquery(handed.values("reorganisation__source_federation_id")[:1]),
        F("federation_id"),
        output_field=IntegerField(),
    )


def coverage_by_federation(scope: Scope, year: int) -> dict[int, dict]:
    """The coverage figures per federation that held the enterprises in `year` (one grouped query),
    for the subtotals of a report made for a federation with federations below it."""
    rows = (
        _coverage_queryset(scope, year)
        .annotate(held=_held_in(year))
        .values("held")
        .annotate(
            enterprises=Count("pk"),
            unions=Count("pk", filter=Q(has_union=True)),
            workers=Sum("w"),
            members=Sum("m"),
            party_members=Sum("p"),
            with_party=Count("pk", filter=Q(party_org_since__isnull=False)),
        )
        .order_by()
    )
    result = {}
    for row in rows:
        held = row.pop("held")
        row["without_party"] = row["enterprises"] - row["with_party"]
        result[held] = row
    return result


# ---------------------------------------------------------------------------------------
# Dashboard extras
# ---------------------------------------------------------------------------------------


def _after_introduction(user) -> list[tuple[str, int, str]]:
    """After the introduction: steps overdue or due soon, stale dossiers, residence comments
    awaited, documents missing; each links to its list (admission's, scoped by the user)."""
    counts = action_counts(user, timezone.localdate())
    due = reverse("admission:due_list")
    return [
        (_("Bước quá hạn (sau khi giới thiệu cho Đảng)"), counts["overdue"], due + "?show=overdue"),
        (_("Bước đến hạn trong 10 ngày làm việc"), counts["soon"], due + "?show=soon"),
        (_("Hồ sơ kết nạp quá 12 tháng chưa được xét"), counts["stale"], due + "?show=stale"),
        (_("Chờ nhận xét của cấp ủy nơi cư trú"), counts["waiting"], reverse("admission:residence_waiting")),
        (_("Hồ sơ kết nạp còn thiếu giấy tờ"), counts["missing"], due + "?show=missing"),
    ]


def needs_action(scope: Scope, year: int | None = None) -> list[tuple[str, int, str]]:
    """(label, count, url) of what waits for this user; what belongs to a year speaks of `year`
    (the year the dashboard shows; this year by default)."""
    year = year or timezone.localdate().year
    user = scope.user
    role = getattr(scope.profile, "role", None)
    items = []
    nominations = scope.nominations()
    if user is not None and (user.is_superuser or role == Role.STAFF):
        waiting = nominations.filter(status=Status.NOMINATED).count()
        items.append((_("Hồ sơ chờ duyệt"), waiting, reverse("candidates:review_queue")))
        warned = nominations.filter(status=Status.NOMINATED, warnings_accepted=False).exclude(warnings=[]).count()
        items.append(
            (_("Hồ sơ có cảnh báo cần xem xét"), warned, reverse("candidates:nomination_list") + "?warnings=1")
        )
        approved = nominations.filter(status=Status.APPROVED).count()
        items.append(
            (_("Đủ điều kiện, chờ xếp lớp"), approved, reverse("candidates:nomination_list") + "?status=approved")
        )
        requests = DataSubjectRequest.objects.for_user(user).open().count()
        items.append(
            (
                _("Yêu cầu về dữ liệu cá nhân chưa giải quyết"),
                requests,
                reverse("candidates:request_list") + "?status=open",
            )
        )
    if user is not None and (user.is_superuser or role in (Role.STAFF, Role.CHAIR, Role.PARTY_VIEWER)):
        items.extend(_after_introduction(user))
    if role == Role.CHAIR:
        completed = nominations.filter(status=Status.COMPLETED).count()
        items.append(
            (
                _("Đã hoàn thành lớp học, chờ giới thiệu cho Đảng"),
                completed,
                reverse("candidates:nomination_list") + "?status=completed",
            )
        )
        waiting = nominations.filter(status=Status.NOMINATED).count()
        items.append(
            (_("Hồ sơ đang chờ LĐLĐ duyệt"), waiting, reverse("candidates:nomination_list") + "?status=nominated")
        )
    if user is not None and (user.is_superuser or role in (Role.STAFF, Role.LEADERSHIP)):
        # No quota row for the year (a quota of 0 is a quota).
        missing = scope.unions().exclude(quotas__year=year).count()
        items.append(
            (
                _("Công đoàn cơ sở chưa có chỉ tiêu năm %(year)s") % {"year": year},
                missing,
                reverse("reports:new_year") + f"?year={year}",
            )
        )
    if role == Role.PARTY_VIEWER and scope.user is not None:
        introduced = scope.rows(Nomination.objects).filter(status=Status.INTRODUCED).count()
        items.append((_("Người được giới thiệu chờ chi bộ xem xét"), introduced, reverse("candidates:nomination_list")))
    return items


def classes_summary(scope: Scope, year: int) -> dict:
    """Classes of the year (running first) and stipends committed vs paid, for the dashboard."""
    classes = scope.totals(TrainingClass.objects).filter(year=year).distinct()
    counts = dict(classes.order_by().values_list("status").annotate(n=Count("pk", distinct=True)))
    payments = scope.totals(StipendPayment.objects).filter(enrollment__training_class__year=year)
    money = budget_totals(payments)
    target = federation_target(scope, year)
    lines = [
        f"Lớp học năm {year}: {sum(counts.values())}"
        + (f"/{target.classes} theo mục tiêu" if target and target.classes else "")
        + f" (đang học {counts.get(ClassStatus.RUNNING, 0)}, đã kết thúc {counts.get(ClassStatus.FINISHED, 0)},"
        f" dự kiến {counts.get(ClassStatus.PLANNED, 0)})",
        f"Hỗ trợ học viên: cam kết {format_vnd(money['committed'])}, đã chi {format_vnd(money['paid'])},"
        f" còn phải chi {format_vnd(money['outstanding'])}",
    ]
    return {"lines": lines, "money": money, "counts": counts}
