"""What the class services share: who may change a class, the rows locked, audit history."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Model

from candidates.models import Status
from unions.permissions import is_district_staff

from ..models import (
    Enrollment,
    TrainingClass,
)

# A stipend is paid while the person is enrolled or further along the path, never after
# the path ended (withdrawn, not completed) — SPEC §2 "until admitted to the Party".
PAYABLE_STATUSES = {Status.ENROLLED, Status.COMPLETED, Status.INTRODUCED, Status.ADMITTED, Status.OFFICIAL}


def _fmt(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _require_staff(user: User) -> None:
    if not is_district_staff(user):
        raise PermissionDenied


def _lock_class(training_class: TrainingClass, user: User) -> TrainingClass:
    """The class row, locked for this transaction, if `user` may change it."""
    locked = TrainingClass.objects.for_user(user).select_for_update().filter(pk=training_class.pk).first()
    if locked is None:
        raise PermissionDenied
    return locked


def _lock_enrollments(training_class: TrainingClass, ids: Iterable[int] | None = None) -> dict[int, Enrollment]:
    """The class's enrollments (all, or those in `ids`) with their nominations, both locked.

    Locking the nominations makes a concurrent withdrawal (which locks the same row in
    `candidates.services.move`) wait for us, or us for it: a check made here stays true
    until this transaction commits.
    """
    queryset = Enrollment.objects.filter(training_class=training_class)
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    queryset = (
        queryset.select_related("nomination__person", "nomination__union")
        .select_for_update(of=("self", "nomination"))
        .order_by("pk")  # always the same order, so two transactions cannot deadlock
    )
    return {e.pk: e for e in queryset}


def _history_user(user: User | None) -> User | None:
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _bulk_history(model: type[Model], rows: list, user: User) -> None:
    """Bulk upserts skip save(): write their audit history lines explicitly."""
    rows = [row for row in rows if row.pk is not None]
    if rows:
        model.history.bulk_history_create(rows, update=True, default_user=_history_user(user))
