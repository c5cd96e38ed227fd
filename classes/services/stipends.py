"""Stipends: commitments, payments and cancellations."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from tienlang.lib.money import format_vnd
from tienlang.lib.text import clean_text

from ..models import (
    Enrollment,
    PaymentStatus,
    StipendPayment,
    StipendPolicy,
    TrainingClass,
)
from .common import PAYABLE_STATUSES, _fmt, _history_user, _lock_class, _lock_enrollments, _require_staff

# ---------------------------------------------------------------------------------------
# Stipends
# ---------------------------------------------------------------------------------------


def _policy_problems(policy: StipendPolicy, klass: TrainingClass, user: User) -> list[str]:
    if not StipendPolicy.objects.for_user(user).filter(pk=policy.pk, federation=klass.federation_id).exists():
        return [_("Chế độ hỗ trợ “%(p)s” không thuộc liên đoàn của lớp.") % {"p": policy.name}]
    if not policy.applies_to(klass.year):
        return [
            _("Chế độ hỗ trợ “%(p)s” áp dụng năm %(a)s–%(b)s, không áp dụng cho lớp năm %(y)s.")
            % {"p": policy.name, "a": policy.from_year, "b": policy.to_year, "y": klass.year}
        ]
    return []


def payable_problem(enrollment: Enrollment) -> str | None:
    """Why `enrollment`'s learner may not get a stipend now (None when they may)."""
    nomination = enrollment.nomination
    if nomination.status in PAYABLE_STATUSES and nomination.stage >= 3:
        return None
    return _(
        "Không thể chi hỗ trợ cho %(n)s: hồ sơ đang ở trạng thái “%(s)s”; chỉ chi cho người đang học "
        "hoặc đã học xong và chưa rút khỏi danh sách."
    ) % {"n": nomination.person.full_name, "s": nomination.get_status_display()}


def _stipend_targets(
    klass: TrainingClass, enrollment_ids: Iterable[int], policy: StipendPolicy, user: User
) -> tuple[dict[int, Enrollment], dict[int, StipendPayment], list[str]]:
    ids = sorted(set(enrollment_ids))
    if not ids:
        raise ValidationError(_("Chưa chọn học viên nào."))
    learners = _lock_enrollments(klass, ids)
    if len(learners) != len(ids):
        raise ValidationError(_("Có học viên không thuộc lớp này; hãy tải lại trang."))
    problems = _policy_problems(policy, klass, user)
    problems += [p for p in (payable_problem(e) for e in learners.values()) if p]
    live = {
        p.enrollment_id: p
        for p in StipendPayment.objects.select_for_update()
        .filter(enrollment_id__in=ids, policy=policy)
        .exclude(status=PaymentStatus.CANCELLED)
    }
    return learners, live, problems


def commit_stipends(
    training_class: TrainingClass,
    enrollment_ids: Iterable[int],
    policy: StipendPolicy,
    user: User,
    *,
    on: datetime.date | None = None,
) -> list[StipendPayment]:
    """Commit the policy's amount to each chosen learner (all or none)."""
    _require_staff(user)
    on = on or timezone.localdate()
    with transaction.atomic():
        klass = _lock_class(training_class, user)
        learners, live, problems = _stipend_targets(klass, enrollment_ids, policy, user)
        for enrollment_id, payment in live.items():
            problems.append(
                _("%(n)s đã có khoản “%(p)s” (%(s)s).")
                % {
                    "n": learners[enrollment_id].nomination.person.full_name,
                    "p": policy.name,
                    "s": payment.get_status_display(),
                }
            )
        if problems:
            raise ValidationError(problems)
        return bulk_create_with_history(
            [
                StipendPayment(enrollment=e, policy=policy, amount=policy.amount, committed_on=on, recorded_by=user)
                for e in learners.values()
            ],
            StipendPayment,
            default_user=_history_user(user),
        )


def pay_stipends(
    training_class: TrainingClass,
    enrollment_ids: Iterable[int],
    policy: StipendPolicy,
    user: User,
    *,
    voucher_number: str,
    paid_on: datetime.date,
) -> list[StipendPayment]:
    """Mark the policy's stipend paid to each chosen learner under one voucher (all or none).

    A learner with a committed amount has it marked paid; one without gets the policy's
    amount committed and paid at once. Already paid, withdrawn or not-completed learners
    refuse the whole batch, each named.
    """
    _require_staff(user)
    voucher_number = clean_text(voucher_number)
    problems = []
    if not voucher_number:
        problems.append(_("Cần ghi số phiếu chi."))
    if paid_on is None:
        problems.append(_("Cần ghi ngày chi (dd/mm/yyyy)."))
    elif paid_on > timezone.localdate():
        problems.append(_("Ngày chi không được ở tương lai."))
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        klass = _lock_class(training_class, user)
        learners, live, problems = _stipend_targets(klass, enrollment_ids, policy, user)
        for enrollment_id, payment in live.items():
            if payment.status == PaymentStatus.PAID:
                problems.append(
                    _("%(n)s đã được chi %(a)s (phiếu chi số %(v)s ngày %(d)s).")
                    % {
                        "n": learners[enrollment_id].nomination.person.full_name,
                        "a": format_vnd(payment.amount),
                        "v": payment.voucher_number,
                        "d": _fmt(payment.paid_on),
                    }
                )
        if problems:
            raise ValidationError(problems)
        done = []
        for enrollment in learners.values():
            payment = live.get(enrollment.pk) or StipendPayment(
                enrollment=enrollment, policy=policy, amount=policy.amount, committed_on=paid_on, recorded_by=user
            )
            payment.status = PaymentStatus.PAID
            payment.paid_on = paid_on
            payment.voucher_number = voucher_number
            payment.paid_by = user
            payment.save()
            done.append(payment)
        return done


def cancel_payment(payment: StipendPayment, user: User, reason: str) -> StipendPayment:
    """Cancel a committed (not yet paid) amount, e.g. after the learner withdrew."""
    _require_staff(user)
    reason = clean_text(reason)
    if not reason:
        raise ValidationError(_("Cần ghi lý do hủy."))
    with transaction.atomic():
        locked = (
            StipendPayment.objects.for_user(user)
            .select_for_update(of=("self",))
            .select_related("enrollment__nomination__person")
            .filter(pk=payment.pk)
            .first()
        )
        if locked is None:
            raise PermissionDenied
        if locked.status != PaymentStatus.COMMITTED:
            raise ValidationError(
                _("Khoản hỗ trợ của %(n)s đang ở tình trạng “%(s)s”; chỉ hủy được khoản chưa chi.")
                % {"n": locked.enrollment.nomination.person.full_name, "s": locked.get_status_display()}
            )
        locked.status = PaymentStatus.CANCELLED
        locked.cancel_reason = reason[:255]
        locked.save(update_fields=["status", "cancel_reason", "updated_at"])
        return locked
