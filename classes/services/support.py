"""Support in kind and the employers' commitments."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tienlang.lib.text import clean_text

from ..models import (
    EmployerCommitment,
    Enrollment,
    LearnerSupport,
    TrainingClass,
)
from .common import _bulk_history, _lock_class, _lock_enrollments, _require_staff

# ---------------------------------------------------------------------------------------
# Support in kind and employers' commitments
# ---------------------------------------------------------------------------------------


def record_support(
    training_class: TrainingClass,
    enrollment_ids: Iterable[int],
    kind: str,
    user: User,
    *,
    on: datetime.date,
    note: str = "",
) -> int:
    """Record that the chosen learners received `kind` (e.g. the union shirt) on `on`."""
    _require_staff(user)
    with transaction.atomic():
        klass = _lock_class(training_class, user)
        ids = sorted(set(enrollment_ids))
        if not ids:
            raise ValidationError(_("Chưa chọn học viên nào."))
        learners = _lock_enrollments(klass, ids)
        if len(learners) != len(ids):
            raise ValidationError(_("Có học viên không thuộc lớp này; hãy tải lại trang."))
        rows = [
            LearnerSupport(enrollment=e, kind=kind, given_on=on, note=clean_text(note)[:255], recorded_by=user)
            for e in learners.values()
        ]
        saved = LearnerSupport.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["enrollment", "kind"],
            update_fields=["given_on", "note", "recorded_by"],
        )
        _bulk_history(LearnerSupport, saved, user)
        return len(rows)


@dataclass
class CommitmentInput:
    enterprise_id: int
    keeps_full_salary: bool
    gives_time_off: bool
    confirmed_on: datetime.date | None = None
    note: str = ""


def save_employer_commitments(training_class: TrainingClass, rows: Iterable[CommitmentInput], user: User) -> int:
    """Save what each learner's employer undertook for this class (one row per enterprise)."""
    _require_staff(user)
    rows = list(rows)
    with transaction.atomic():
        klass = _lock_class(training_class, user)
        allowed = set(
            Enrollment.objects.filter(training_class=klass).values_list("nomination__union__enterprise", flat=True)
        )
        if any(r.enterprise_id not in allowed for r in rows):
            raise ValidationError(_("Có doanh nghiệp không có học viên trong lớp này; hãy tải lại trang."))
        saved = EmployerCommitment.objects.bulk_create(
            [
                EmployerCommitment(
                    training_class=klass,
                    enterprise_id=r.enterprise_id,
                    keeps_full_salary=r.keeps_full_salary,
                    gives_time_off=r.gives_time_off,
                    confirmed_on=r.confirmed_on,
                    note=clean_text(r.note)[:255],
                )
                for r in rows
            ],
            update_conflicts=True,
            unique_fields=["training_class", "enterprise"],
            update_fields=["keeps_full_salary", "gives_time_off", "confirmed_on", "note"],
        )
        _bulk_history(EmployerCommitment, saved, user)
        return len(rows)
