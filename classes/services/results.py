"""Results and certificates."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from candidates import services as nominations
from candidates.models import Status
from tienlang.lib.text import clean_text

from ..models import (
    NOT_COMPLETED_RESULTS,
    Enrollment,
    Result,
    TrainingClass,
)
from .common import _fmt, _lock_class, _lock_enrollments, _require_staff

# ---------------------------------------------------------------------------------------
# Results and certificates
# ---------------------------------------------------------------------------------------


@dataclass
class ResultInput:
    enrollment_id: int
    result: str
    certificate_number: str = ""
    certificate_date: datetime.date | None = None
    note: str = ""
    row: int = 0  # the row number the user sees on the results page


def record_results(training_class: TrainingClass, rows: Iterable[ResultInput], user: User) -> dict[str, int]:
    """Record results and certificates of a class, all rows or none.

    Every problem names its row and learner. A passed learner needs a certificate number
    (unique) and date and becomes "completed"; failed, absent or left becomes "not
    completed" with the result as the reason. A result once recorded is not changed here
    (only a passed learner's certificate number or date may be corrected): a wrong result
    is put right by a recorded correction on the nomination page.
    """
    _require_staff(user)
    rows = list(rows)
    today = timezone.localdate()
    with transaction.atomic():
        klass = _lock_class(training_class, user)
        if klass.is_cancelled:
            raise ValidationError(_("Lớp “%(c)s” đã hủy; không ghi kết quả.") % {"c": klass.name})
        learners = _lock_enrollments(klass, [r.enrollment_id for r in rows])
        if len(learners) != len({r.enrollment_id for r in rows}):
            raise ValidationError(_("Có học viên không thuộc lớp này trong bảng kết quả; hãy tải lại trang."))
        changes = _checked_changes(klass, rows, learners, today)
        summary = {"passed": 0, "not_completed": 0, "updated": 0}
        now = timezone.now()
        for enrollment, row, kind in changes:
            _save_result(enrollment, row, now)
            counted = "updated" if kind != "result" else _move_nomination(enrollment, row, klass, user, today)
            if counted:
                summary[counted] += 1
        return summary


def _checked_changes(
    klass: TrainingClass, rows: list[ResultInput], learners: dict[int, Enrollment], today: datetime.date
) -> list[tuple[Enrollment, ResultInput, str]]:
    """The (enrollment, input, kind of change) to save; raises ValidationError listing every problem."""
    errors: list[str] = []
    changes: list[tuple[Enrollment, ResultInput, str]] = []
    numbers: dict[str, ResultInput] = {}
    for row in rows:
        enrollment = learners[row.enrollment_id]
        label = _("Dòng %(row)s — %(name)s") % {"row": row.row, "name": enrollment.nomination.person.full_name}
        row.certificate_number = clean_text(row.certificate_number)
        row.note = clean_text(row.note)
        if row.result not in Result.values:
            errors.append(_("%(l)s: kết quả không hợp lệ.") % {"l": label})
            continue
        errors += _certificate_problems(row, label, klass, today, numbers, learners)
        kind, problem = _change_of(row, enrollment, label)
        if problem:
            errors.append(problem)
        elif kind:
            changes.append((enrollment, row, kind))
    errors += _certificate_clashes(numbers, learners, klass)
    if errors:
        raise ValidationError(errors)
    return changes


def _certificate_problems(
    row: ResultInput,
    label: str,
    klass: TrainingClass,
    today: datetime.date,
    numbers: dict[str, ResultInput],
    learners: dict[int, Enrollment],
) -> list[str]:
    """What is wrong with a row's certificate; a passed row's number is noted in `numbers`."""
    if row.result != Result.PASSED:
        if row.certificate_number or row.certificate_date:
            return [_("%(l)s: chỉ ghi số và ngày cấp giấy chứng nhận khi kết quả là “Đạt”.") % {"l": label}]
        return []
    errors = []
    if not row.certificate_number:
        errors.append(_("%(l)s: cần ghi số giấy chứng nhận khi kết quả là “Đạt”.") % {"l": label})
    elif row.certificate_number in numbers:
        other = numbers[row.certificate_number]
        errors.append(
            _("%(l)s: số giấy chứng nhận “%(c)s” trùng với dòng %(r)s — %(o)s.")
            % {
                "l": label,
                "c": row.certificate_number,
                "r": other.row,
                "o": learners[other.enrollment_id].nomination.person.full_name,
            }
        )
    else:
        numbers[row.certificate_number] = row
    if row.certificate_date is None:
        errors.append(_("%(l)s: cần ghi ngày cấp giấy chứng nhận (dd/mm/yyyy).") % {"l": label})
    elif row.certificate_date < klass.opens_on:
        errors.append(
            _("%(l)s: ngày cấp giấy chứng nhận không được trước ngày khai giảng %(d)s.")
            % {"l": label, "d": _fmt(klass.opens_on)}
        )
    elif row.certificate_date > today:
        errors.append(_("%(l)s: ngày cấp giấy chứng nhận không được ở tương lai.") % {"l": label})
    return errors


def _change_of(row: ResultInput, enrollment: Enrollment, label: str) -> tuple[str | None, str | None]:
    """(kind of change or None, problem or None) for one valid row: "result", "certificate" or "note"."""
    if row.result == enrollment.result:
        if row.result == Result.PASSED and (
            row.certificate_number != enrollment.certificate_number
            or row.certificate_date != enrollment.certificate_date
        ):
            return "certificate", None
        if row.note != enrollment.result_note and row.result != Result.PENDING:
            return "note", None
        return None, None
    if enrollment.result != Result.PENDING:
        return None, (
            _("%(l)s: kết quả đã ghi là “%(r)s”; muốn sửa, hãy ghi đính chính trên trang hồ sơ của học viên.")
            % {"l": label, "r": enrollment.get_result_display()}
        )
    if enrollment.nomination.status != Status.ENROLLED:
        return None, (
            _("%(l)s: hồ sơ đang ở trạng thái “%(s)s”, không ghi kết quả học tập.")
            % {"l": label, "s": enrollment.nomination.get_status_display()}
        )
    return "result", None


def _save_result(enrollment: Enrollment, row: ResultInput, now: datetime.datetime) -> None:
    passed = row.result == Result.PASSED
    enrollment.result = row.result
    enrollment.certificate_number = row.certificate_number if passed else ""
    enrollment.certificate_date = row.certificate_date if passed else None
    enrollment.result_note = row.note
    enrollment.result_recorded_at = now
    try:
        with transaction.atomic():
            enrollment.save()
    except IntegrityError as exc:  # a number taken between our check and the save
        raise ValidationError(
            _("Dòng %(row)s — %(name)s: số giấy chứng nhận “%(c)s” vừa được cấp cho học viên khác.")
            % {"row": row.row, "name": enrollment.nomination.person.full_name, "c": row.certificate_number}
        ) from exc


def _move_nomination(
    enrollment: Enrollment, row: ResultInput, klass: TrainingClass, user: User, today: datetime.date
) -> str:
    """Move the learner's nomination on for a new result; the summary count it adds to ("" for none)."""
    details = {"class_id": klass.pk, "class_name": klass.name, "result": row.result}
    if row.result == Result.PASSED:
        details.update(certificate_number=row.certificate_number, certificate_date=_fmt(row.certificate_date))
        nominations.move(
            enrollment.nomination,
            Status.COMPLETED,
            user,
            on=row.certificate_date,
            reason=_("Hoàn thành lớp “%(c)s”, giấy chứng nhận số %(n)s ngày %(d)s.")
            % {"c": klass.name, "n": row.certificate_number, "d": _fmt(row.certificate_date)},
            details=details,
        )
        return "passed"
    if row.result in NOT_COMPLETED_RESULTS:
        reason = Result(row.result).label + (f": {row.note}" if row.note else "")
        nominations.move(
            enrollment.nomination,
            Status.NOT_COMPLETED,
            user,
            on=min(today, klass.closes_on),
            reason=reason,
            details=details,
        )
        return "not_completed"
    return ""


def _certificate_clashes(
    numbers: dict[str, ResultInput], learners: dict[int, Enrollment], klass: TrainingClass
) -> list[str]:
    """Numbers already given to someone else (in any class), each named by row and learner."""
    if not numbers:
        return []
    batch = {row.enrollment_id: row for row in numbers.values()}
    holders = Enrollment.objects.filter(certificate_number__in=list(numbers)).select_related(
        "nomination__person", "training_class"
    )
    errors = []
    for holder in holders:
        row = numbers[holder.certificate_number]
        if holder.pk == row.enrollment_id:
            continue
        moving = batch.get(holder.pk)
        if moving is not None and moving.certificate_number != holder.certificate_number:
            continue  # the holder gets another number in this same save
        learner = learners[row.enrollment_id].nomination.person.full_name
        if holder.training_class.federation_id == klass.federation_id:
            errors.append(
                _("Dòng %(row)s — %(name)s: số giấy chứng nhận “%(c)s” đã cấp cho %(o)s (lớp “%(k)s”).")
                % {
                    "row": row.row,
                    "name": learner,
                    "c": holder.certificate_number,
                    "o": holder.nomination.person.full_name,
                    "k": holder.training_class.name,
                }
            )
        else:  # someone outside this federation: say so without naming them
            errors.append(
                _("Dòng %(row)s — %(name)s: số giấy chứng nhận “%(c)s” đã được cấp cho học viên khác.")
                % {"row": row.row, "name": learner, "c": holder.certificate_number}
            )
    return errors
