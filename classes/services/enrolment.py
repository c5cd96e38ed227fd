"""Enrolling approved nominations in a class."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from candidates import services as nominations
from candidates.models import Nomination, Status

from ..models import (
    Enrollment,
    StipendPayment,
    StipendPolicy,
    TrainingClass,
)
from .common import _history_user, _lock_class, _require_staff
from .stipends import _policy_problems

# ---------------------------------------------------------------------------------------
# Enrolment
# ---------------------------------------------------------------------------------------


def enrol(
    training_class: TrainingClass,
    chosen: Iterable[Nomination],
    user: User,
    *,
    on: datetime.date | None = None,
    policy: StipendPolicy | None = None,
) -> list[Enrollment]:
    """Enrol approved nominations into a class; with `policy`, commit its stipend to each.

    Refused as a whole (ValidationError listing every problem) when a nomination is not
    approved, is already in a class, belongs to another federation, or the class has
    not enough free places.
    """
    _require_staff(user)
    ids = sorted({n.pk for n in chosen})
    if not ids:
        raise ValidationError(_("Chưa chọn hồ sơ nào để ghi danh."))
    on = on or timezone.localdate()
    with transaction.atomic():
        # Lock the class row first. Two staff enrolling into the same class at once would
        # otherwise both count the free places before either has inserted, and together
        # overfill the class; with the lock the second waits, then counts again.
        klass = _lock_class(training_class, user)
        if not klass.accepts_enrolment:
            raise ValidationError(
                _("Lớp “%(c)s” đang ở tình trạng “%(s)s”, không nhận thêm học viên.")
                % {"c": klass.name, "s": klass.get_status_display()}
            )
        found = list(
            Nomination.objects.for_user(user)
            .select_for_update(of=("self",))
            .select_related("person")
            .filter(pk__in=ids)
            .order_by("pk")
        )
        if len(found) != len(ids):
            raise PermissionDenied
        problems = _enrolment_problems(klass, found, ids)
        if policy is not None:
            problems += _policy_problems(policy, klass, user)
        if problems:
            raise ValidationError(problems)

        created = [_enrol_one(klass, nomination, user, on) for nomination in found]
        if policy is not None:
            bulk_create_with_history(
                [
                    StipendPayment(enrollment=e, policy=policy, amount=policy.amount, committed_on=on, recorded_by=user)
                    for e in created
                ],
                StipendPayment,
                default_user=_history_user(user),
            )
        return created


def _enrolment_problems(klass: TrainingClass, found: list[Nomination], ids: list[int]) -> list[str]:
    """Every reason the nominations `found` cannot be enrolled in `klass`, each naming the person."""
    problems = []
    existing = {
        e.nomination_id: e for e in Enrollment.objects.filter(nomination_id__in=ids).select_related("training_class")
    }
    for nomination in found:
        name = nomination.person.full_name
        if nomination.pk in existing:
            problems.append(
                _("%(n)s đã được ghi danh vào lớp “%(c)s”.")
                % {"n": name, "c": existing[nomination.pk].training_class.name}
            )
        elif nomination.status != Status.APPROVED:
            problems.append(
                _("%(n)s: hồ sơ đang ở trạng thái “%(s)s”; chỉ ghi danh hồ sơ “Đủ điều kiện”.")
                % {"n": name, "s": nomination.get_status_display()}
            )
        elif nomination.federation_id != klass.federation_id:
            problems.append(_("%(n)s: hồ sơ thuộc liên đoàn khác với lớp.") % {"n": name})
    taken = klass.enrollments.count()
    free = klass.capacity - taken
    if len(found) > free:
        problems.append(
            _(
                "Lớp “%(c)s” chỉ còn %(free)s chỗ (đã có %(taken)s/%(cap)s học viên); "
                "không thể ghi danh thêm %(n)s người."
            )
            % {"c": klass.name, "free": max(free, 0), "taken": taken, "cap": klass.capacity, "n": len(found)}
        )
    return problems


def _enrol_one(klass: TrainingClass, nomination: Nomination, user: User, on: datetime.date) -> Enrollment:
    try:
        with transaction.atomic():
            enrollment = Enrollment.objects.create(
                training_class=klass, nomination=nomination, enrolled_on=on, enrolled_by=user
            )
    except IntegrityError as exc:  # enrolled elsewhere between our check and the insert
        raise ValidationError(_("%(n)s vừa được ghi danh vào lớp khác.") % {"n": nomination.person.full_name}) from exc
    nominations.move(
        nomination,
        Status.ENROLLED,
        user,
        on=on,
        reason=_("Ghi danh vào lớp “%(c)s”.") % {"c": klass.name},
        details={"class_id": klass.pk, "class_name": klass.name},
    )
    return enrollment
