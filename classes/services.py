"""Everything that changes a class, its learners, their results and their stipends.

Each function is one transaction: it checks everything first and saves nothing when any
row is wrong (every message names the person), then writes. Nomination statuses move only
through `candidates.services.move`, which records the step in the nomination's history:

- enrolling an approved nomination moves it to "enrolled" (details: the class);
- a passed result with its certificate moves it to "completed";
- a failed, absent or left result moves it to "not completed" with the reason.

Withdrawals are the nomination's own move ("withdrawn" on the nomination page); a
withdrawn learner stays on the class roster, but gets no result and no more stipend.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from candidates import services as nominations
from candidates.models import Nomination, Status
from tienlang.lib.money import format_vnd
from tienlang.lib.text import clean_text
from unions.permissions import is_district_staff

from .models import (
    NOT_COMPLETED_RESULTS,
    Attendance,
    ClassSession,
    ClassStatus,
    EmployerCommitment,
    Enrollment,
    LearnerSupport,
    PaymentStatus,
    Result,
    StipendPayment,
    StipendPolicy,
    TrainingClass,
)

# A stipend is paid while the person is enrolled or further along the path, never after
# the path ended (withdrawn, not completed) — SPEC §2 "until admitted to the Party".
PAYABLE_STATUSES = {Status.ENROLLED, Status.COMPLETED, Status.INTRODUCED, Status.ADMITTED, Status.OFFICIAL}


def _fmt(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _require_staff(user) -> None:
    if not is_district_staff(user):
        raise PermissionDenied


def _lock_class(training_class: TrainingClass, user) -> TrainingClass:
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


# ---------------------------------------------------------------------------------------
# Enrolment
# ---------------------------------------------------------------------------------------


def enrol(
    training_class: TrainingClass,
    chosen: Iterable[Nomination],
    user,
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
        problems = []
        existing = {
            e.nomination_id: e
            for e in Enrollment.objects.filter(nomination_id__in=ids).select_related("training_class")
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
        if policy is not None:
            problems += _policy_problems(policy, klass, user)
        if problems:
            raise ValidationError(problems)

        created = []
        for nomination in found:
            try:
                with transaction.atomic():
                    enrollment = Enrollment.objects.create(
                        training_class=klass, nomination=nomination, enrolled_on=on, enrolled_by=user
                    )
            except IntegrityError as exc:  # enrolled elsewhere between our check and the insert
                raise ValidationError(
                    _("%(n)s vừa được ghi danh vào lớp khác.") % {"n": nomination.person.full_name}
                ) from exc
            nominations.move(
                nomination,
                Status.ENROLLED,
                user,
                on=on,
                reason=_("Ghi danh vào lớp “%(c)s”.") % {"c": klass.name},
                details={"class_id": klass.pk, "class_name": klass.name},
            )
            created.append(enrollment)
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


# ---------------------------------------------------------------------------------------
# Attendance
# ---------------------------------------------------------------------------------------


@dataclass
class Mark:
    enrollment_id: int
    present: bool
    reason: str = ""


def attendance_stamp(session: ClassSession) -> str:
    """When the session's sheet was last saved ("" if never): the page sends it back on save.

    A sheet-level check, not a record's: the sheet is many Attendance rows written at once
    (an upsert), so it has no single row whose `version` (`tienlang.lib.versioning`, the
    check every edit form uses) could stand for it. `record_attendance` compares the stamp
    under a lock on the session row instead.
    """
    latest = Attendance.objects.filter(session=session).aggregate(latest=Max("recorded_at"))["latest"]
    return latest.isoformat() if latest else ""


def record_attendance(session: ClassSession, marks: Iterable[Mark], user, *, expected_stamp: str | None = None) -> int:
    """Save one session's attendance for the whole class at once (all rows or none).

    With `expected_stamp` (from `attendance_stamp` when the page was opened), a sheet
    saved by someone else in the meantime is not silently overwritten: the save is refused.
    """
    _require_staff(user)
    marks = list(marks)
    with transaction.atomic():
        # Lock the session row: two people saving the same sheet at the same time would
        # otherwise interleave their rows; with the lock the later one waits, then finds
        # the sheet changed since it was opened (expected_stamp) and is refused.
        locked = (
            ClassSession.objects.for_user(user)
            .select_for_update(of=("self",))
            .select_related("training_class")
            .filter(pk=session.pk)
            .first()
        )
        if locked is None:
            raise PermissionDenied
        klass = locked.training_class
        if klass.is_cancelled:
            raise ValidationError(_("Lớp “%(c)s” đã hủy; không ghi điểm danh.") % {"c": klass.name})
        if expected_stamp is not None and attendance_stamp(locked) != expected_stamp:
            raise ValidationError(
                _(
                    "Điểm danh buổi %(d)s vừa được người khác lưu trong lúc đồng chí đang sửa; "
                    "chưa lưu gì. Hãy tải lại trang để xem bản mới rồi sửa lại."
                )
                % {"d": _fmt(locked.date)}
            )
        enrollment_ids = set(Enrollment.objects.filter(training_class=klass).values_list("pk", flat=True))
        unknown = {m.enrollment_id for m in marks} - enrollment_ids
        if unknown:
            raise ValidationError(_("Có học viên không thuộc lớp này trong bảng điểm danh; hãy tải lại trang."))
        rows = [
            Attendance(
                enrollment_id=m.enrollment_id,
                session=locked,
                present=m.present,
                absence_reason="" if m.present else clean_text(m.reason)[:255],
                recorded_by=user,
            )
            for m in marks
        ]
        saved = Attendance.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["enrollment", "session"],
            update_fields=["present", "absence_reason", "recorded_by", "recorded_at"],
        )
        _bulk_history(Attendance, saved, user)
        if klass.status == ClassStatus.PLANNED:
            klass.status = ClassStatus.RUNNING
            klass.save(update_fields=["status", "updated_at"])
        return len(rows)


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


def record_results(training_class: TrainingClass, rows: Iterable[ResultInput], user) -> dict[str, int]:
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

        errors: list[str] = []
        changes: list[tuple[Enrollment, ResultInput, str]] = []  # (enrollment, input, kind of change)
        numbers: dict[str, ResultInput] = {}
        for row in rows:
            enrollment = learners[row.enrollment_id]
            name = enrollment.nomination.person.full_name
            label = _("Dòng %(row)s — %(name)s") % {"row": row.row, "name": name}
            row.certificate_number = clean_text(row.certificate_number)
            row.note = clean_text(row.note)
            if row.result not in Result.values:
                errors.append(_("%(l)s: kết quả không hợp lệ.") % {"l": label})
                continue
            if row.result == Result.PASSED:
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
            elif row.certificate_number or row.certificate_date:
                errors.append(_("%(l)s: chỉ ghi số và ngày cấp giấy chứng nhận khi kết quả là “Đạt”.") % {"l": label})

            if row.result == enrollment.result:
                if row.result == Result.PASSED and (
                    row.certificate_number != enrollment.certificate_number
                    or row.certificate_date != enrollment.certificate_date
                ):
                    changes.append((enrollment, row, "certificate"))
                elif row.note != enrollment.result_note and row.result != Result.PENDING:
                    changes.append((enrollment, row, "note"))
                continue
            if enrollment.result != Result.PENDING:
                errors.append(
                    _("%(l)s: kết quả đã ghi là “%(r)s”; muốn sửa, hãy ghi đính chính trên trang hồ sơ của học viên.")
                    % {"l": label, "r": enrollment.get_result_display()}
                )
                continue
            if enrollment.nomination.status != Status.ENROLLED:
                errors.append(
                    _("%(l)s: hồ sơ đang ở trạng thái “%(s)s”, không ghi kết quả học tập.")
                    % {"l": label, "s": enrollment.nomination.get_status_display()}
                )
                continue
            changes.append((enrollment, row, "result"))

        errors += _certificate_clashes(numbers, learners, klass)
        if errors:
            raise ValidationError(errors)

        summary = {"passed": 0, "not_completed": 0, "updated": 0}
        now = timezone.now()
        for enrollment, row, kind in changes:
            enrollment.result = row.result
            enrollment.certificate_number = row.certificate_number if row.result == Result.PASSED else ""
            enrollment.certificate_date = row.certificate_date if row.result == Result.PASSED else None
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
            if kind != "result":
                summary["updated"] += 1
                continue
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
                summary["passed"] += 1
            elif row.result in NOT_COMPLETED_RESULTS:
                reason = Result(row.result).label + (f": {row.note}" if row.note else "")
                nominations.move(
                    enrollment.nomination,
                    Status.NOT_COMPLETED,
                    user,
                    on=min(today, klass.closes_on),
                    reason=reason,
                    details=details,
                )
                summary["not_completed"] += 1
        return summary


def _certificate_clashes(numbers: dict[str, ResultInput], learners: dict[int, Enrollment], klass) -> list[str]:
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


# ---------------------------------------------------------------------------------------
# Stipends
# ---------------------------------------------------------------------------------------


def _policy_problems(policy: StipendPolicy, klass: TrainingClass, user) -> list[str]:
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


def _stipend_targets(klass, enrollment_ids, policy, user):
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
    training_class: TrainingClass, enrollment_ids: Iterable[int], policy: StipendPolicy, user, *, on=None
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
    user,
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


def cancel_payment(payment: StipendPayment, user, reason: str) -> StipendPayment:
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


# ---------------------------------------------------------------------------------------
# Support in kind and employers' commitments
# ---------------------------------------------------------------------------------------


def record_support(
    training_class: TrainingClass, enrollment_ids: Iterable[int], kind: str, user, *, on: datetime.date, note=""
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


def save_employer_commitments(training_class: TrainingClass, rows: Iterable[CommitmentInput], user) -> int:
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


def _history_user(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _bulk_history(model, rows, user) -> None:
    """Bulk upserts skip save(): write their audit history lines explicitly."""
    rows = [row for row in rows if row.pk is not None]
    if rows:
        model.history.bulk_history_create(rows, update=True, default_user=_history_user(user))


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


def _figures():
    return {
        "learners": Count("enrollment", filter=LIVE, distinct=True),
        "committed": Coalesce(Sum("amount", filter=LIVE), Value(0)),
        "paid": Coalesce(Sum("amount", filter=PAID), Value(0)),
    }


def budget_rows(payments, group: str) -> list[dict]:
    """Committed, paid and outstanding per class, union or funding source.

    `payments` is an already scoped StipendPayment queryset (e.g. `for_user(user)` of
    a year). Each row: key, label, learners, committed, paid, outstanding (đồng).
    "Committed" is everything owed (committed or paid, not cancelled).
    """
    key, label = BUDGET_GROUPS[group]
    rows = (
        payments.order_by()
        .values(*dict.fromkeys((key, label)))
        .annotate(**_figures())
        .annotate(outstanding=F("committed") - F("paid"))
        .order_by(label)
    )
    return [
        {
            "key": row[key],
            "label": row[label],
            "learners": row["learners"],
            "committed": row["committed"],
            "paid": row["paid"],
            "outstanding": row["outstanding"],
        }
        for row in rows
        if row["committed"] or row["paid"]
    ]


def budget_totals(payments) -> dict:
    totals = payments.order_by().aggregate(**_figures())
    totals["outstanding"] = totals["committed"] - totals["paid"]
    return totals


def budget_summary(payments) -> dict:
    """Totals and the three breakdowns, as the budget page and the workbook show them."""
    return {
        "totals": budget_totals(payments),
        "by_class": budget_rows(payments, "class"),
        "by_union": budget_rows(payments, "union"),
        "by_source": budget_rows(payments, "source"),
    }
