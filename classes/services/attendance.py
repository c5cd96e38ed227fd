"""A session's attendance."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from tienlang.lib.text import clean_text

from ..models import (
    Attendance,
    ClassSession,
    ClassStatus,
    Enrollment,
)
from .common import _bulk_history, _fmt, _require_staff

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


def record_attendance(
    session: ClassSession, marks: Iterable[Mark], user: User, *, expected_stamp: str | None = None
) -> int:
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
