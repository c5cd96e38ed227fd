"""The dashboard of an upper level: the federations directly below it, side by side.

Each row is one federation below the issuer (and everything below it): quota progress, the funnel,
in/out of the area and stipends committed vs paid, all computed from records through the user's
scope. A row opens that federation's own dashboard (`?federation=ID`), which narrows the user's
scope to that federation's subtree (`NarrowedScope`); an ID outside the user's tree is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse

from classes.models import ClassStatus, StipendPayment, TrainingClass
from classes.services.budget import LIVE, PAID
from unions.models import Federation
from unions.permissions import ADMIN, READER_ROLES, get_profile, user_role
from unions.querysets import federation_ids, federation_subtree

from .models import FederationTarget
from .queries import QuotaReport, QuotaRow, Scope


@dataclass
class NarrowedScope(Scope):
    """A reader's scope narrowed to one federation of their tree and everything below it."""

    ids: list[int] = field(default_factory=list)

    def rows(self, manager):
        return manager.for_user(self.user).within(self.ids)

    def totals(self, manager):
        return self.rows(manager)


def opened_scope(request, scope: Scope) -> Scope:
    """The dashboard's scope: the user's own, or with `?federation=ID` that federation's (in their tree)."""
    raw = request.GET.get("federation")
    if not raw:
        return scope
    role = user_role(request.user)
    if role not in READER_ROLES or not raw.isdigit():
        raise Http404
    federation = Federation.objects.for_user(request.user).filter(pk=int(raw)).first()
    allowed = role == ADMIN or (federation is not None and federation.pk in federation_ids(get_profile(request.user)))
    if federation is None or not allowed:
        raise Http404
    return NarrowedScope(user=request.user, federation=federation, ids=federation_subtree(federation.pk))


@dataclass
class ComparisonRow:
    federation: Federation
    figures: QuotaRow
    committed: int = 0
    paid: int = 0
    url: str = ""
    # The federation's targets for the year (classes, learners, introductions to the Party, new
    # Party organisations; given by the level above or set by itself) and what the records of it
    # and everything below it show: classes planned or opened (not cancelled), learners enrolled
    # and members introduced (the funnel), Party organisations established in its enterprises.
    target: FederationTarget | None = None
    classes: int = 0
    party_cells: int = 0

    @property
    def outstanding(self) -> int:
        return self.committed - self.paid


def comparison(scope: Scope, report: QuotaReport, year: int) -> list[ComparisonRow]:
    """One row per federation directly below the issuer that held unions in the year (the report's subtotals)."""
    issuer = scope.issuing_federation()
    if issuer is None or not report.subtotals:
        return []
    children = Federation.objects.in_bulk([row.federation_id for row in report.subtotals])
    child_of = _branches(issuer, children)
    money: dict[int, list[int]] = {child_id: [0, 0] for child_id in children}
    payments = (
        scope.totals(StipendPayment.objects)
        .filter(enrollment__training_class__year=year)
        .order_by()
        .values("enrollment__training_class__federation")
        .annotate(
            committed=Coalesce(Sum("amount", filter=LIVE), Value(0)),
            paid=Coalesce(Sum("amount", filter=PAID), Value(0)),
        )
    )
    for row in payments:
        child = child_of.get(row["enrollment__training_class__federation"])
        if child is not None:
            money[child][0] += row["committed"]
            money[child][1] += row["paid"]
    opened = scope.totals(TrainingClass.objects).filter(year=year).exclude(status=ClassStatus.CANCELLED)
    classes = _per_child(child_of, opened, "federation")
    cells = _per_child(
        child_of, scope.enterprises().filter(party_org_since__year=year).exclude(party_org_since=None), "federation"
    )
    targets = {
        t.federation_id: t for t in scope.totals(FederationTarget.objects).filter(federation__in=children, year=year)
    }
    return [
        ComparisonRow(
            federation=children[subtotal.federation_id],
            figures=subtotal,
            committed=money[subtotal.federation_id][0],
            paid=money[subtotal.federation_id][1],
            url=f"{reverse('dashboard')}?federation={subtotal.federation_id}&year={year}",
            target=targets.get(subtotal.federation_id),
            classes=classes.get(subtotal.federation_id, 0),
            party_cells=cells.get(subtotal.federation_id, 0),
        )
        for subtotal in report.subtotals
    ]


def _branches(issuer: Federation, children: dict[int, Federation]) -> dict[int, int]:
    """Every federation below `issuer` mapped to the one directly below the issuer it lies under:
    two queries whatever the number of federations (each row then counts once, in one branch)."""
    parent_of = dict(Federation.objects.filter(pk__in=federation_subtree(issuer.pk)).values_list("pk", "parent_id"))
    branch: dict[int, int] = {child_id: child_id for child_id in children}
    for pk in parent_of:
        path, node = [], pk
        while node is not None and node not in branch and node != issuer.pk and node not in path:
            path.append(node)
            node = parent_of.get(node)
        top = branch.get(node)
        if top is not None:
            for seen in path:
                branch[seen] = top
    return branch


def _per_child(child_of: dict[int, int], queryset, lookup: str) -> dict[int, int]:
    """Rows of `queryset` counted per federation directly below the issuer (one grouped query)."""
    counts: dict[int, int] = {}
    for federation_id, n in queryset.order_by().values_list(lookup).annotate(n=Count("pk", distinct=True)):
        child = child_of.get(federation_id)
        if child is not None:
            counts[child] = counts.get(child, 0) + n
    return counts
