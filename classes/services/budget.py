"""Budget figures: aggregate queries, the same numbers on screen and in Excel."""

from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from ..models import (
    PaymentStatus,
)

# ---------------------------------------------------------------------------------------
# Budget figures (aggregate queries; the same numbers on screen and in Excel)
# ---------------------------------------------------------------------------------------

LIVE = ~Q(status=PaymentStatus.CANCELLED)
PAID = Q(status=PaymentStatus.PAID)

BUDGET_GROUPS = {
    "class": ("enrollment__training_class", "enrollment__training_class__name"),
    "union": ("enrollment__nomination__union", "enrollment__nomination__union__name"),
    "source": ("policy__funding_source", "policy__funding_source"),
}


def _figures() -> dict:
    return {
        "learners": Count("enrollment", filter=LIVE, distinct=True),
        "committed": Coalesce(Sum("amount", filter=LIVE), Value(0)),
        "paid": Coalesce(Sum("amount", filter=PAID), Value(0)),
    }


def budget_rows(payments: QuerySet, group: str) -> list[dict]:
    """Committed, paid and outstanding per class, union or funding source.

    `payments` is an already scoped StipendPayment queryset (e.g. `for_user(user)` of
    a year). Each row: key, label, learners, committed, paid, outstanding (đồng).
    "Committed" is everything owed (committed or paid, not cancelled).
    """
    return list(iter_budget_rows(payments, group))


def iter_budget_rows(payments: QuerySet, group: str, chunk_size: int = 500):
    """The rows of `budget_rows`, read from the database in chunks (a national list of unions
    is thousands of rows: the workbook writes them as they come)."""
    key, label = BUDGET_GROUPS[group]
    rows = (
        payments.order_by()
        .values(*dict.fromkeys((key, label)))
        .annotate(**_figures())
        .annotate(outstanding=F("committed") - F("paid"))
        .order_by(label)
    )
    for row in rows.iterator(chunk_size=chunk_size):
        if row["committed"] or row["paid"]:
            yield {
                "key": row[key],
                "label": row[label],
                "learners": row["learners"],
                "committed": row["committed"],
                "paid": row["paid"],
                "outstanding": row["outstanding"],
            }


def budget_totals(payments: QuerySet) -> dict:
    totals = payments.order_by().aggregate(**_figures())
    totals["outstanding"] = totals["committed"] - totals["paid"]
    return totals


def budget_summary(payments: QuerySet) -> dict:
    """Totals and the three breakdowns, as the budget page and the workbook show them."""
    return {
        "totals": budget_totals(payments),
        "by_class": budget_rows(payments, "class"),
        "by_union": budget_rows(payments, "union"),
        "by_source": budget_rows(payments, "source"),
    }
