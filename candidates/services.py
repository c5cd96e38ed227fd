"""The only code that creates nominations and moves them along the path.

Moves go forward along the statuses' order; rejected, not completed and withdrawn end a
path. Each move writes a dated `NominationEvent` (who, when, why) in the same transaction,
and updates `stage` (the furthest step ever reached) that reports count from. A wrong
step is put right by `correct()`, itself recorded, never by editing history.

A person whose data is restricted (`Person.processing_restricted`, see `privacy`) gets no
new nomination and none of theirs moves, is corrected or has warnings accepted.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tienlang.lib.versioning import StaleVersion
from unions.models import GrassrootsUnion
from unions.permissions import is_chair, is_district_staff, user_union_id

from . import eligibility, privacy, providers, transfers
from .models import STAGE, Nomination, NominationEvent, Person, Status, TransferRequest

if TYPE_CHECKING:
    from django.db.models import Field

    from .transfers import Actor

# Forward moves allowed from each status, and who may make them.
TRANSITIONS: dict[str, set[str]] = {
    Status.NOMINATED: {Status.APPROVED, Status.REJECTED, Status.WITHDRAWN},
    Status.APPROVED: {Status.ENROLLED, Status.WITHDRAWN},
    Status.ENROLLED: {Status.COMPLETED, Status.NOT_COMPLETED, Status.WITHDRAWN},
    Status.COMPLETED: {Status.INTRODUCED, Status.WITHDRAWN},
    Status.INTRODUCED: {Status.ADMITTED, Status.WITHDRAWN},
    Status.ADMITTED: {Status.OFFICIAL, Status.REMOVED},
}
CHAIR_MAY_SET = {Status.WITHDRAWN, Status.INTRODUCED}
REASON_REQUIRED = {Status.REJECTED, Status.NOT_COMPLETED, Status.WITHDRAWN, Status.REMOVED}

PERSON_FIELDS = [
    "full_name",
    "sex",
    "date_of_birth",
    "ethnicity",
    "religion",
    "citizen_id",
    "education",
    "profession",
    "job_title",
    "union_joined_on",
    "phone",
    "residence_province",
    "residence_district",
    "residence_commune",
    "current_address",
    "is_party_member",
    "discipline_until",
    "note",
]


class EligibilityBlocked(ValidationError):
    """The person cannot be nominated: `findings` holds every block and warning."""

    def __init__(self, findings: list[eligibility.Finding]) -> None:
        self.findings = findings
        super().__init__([f.message for f in eligibility.blocks(findings)])


def facts_from_data(data: dict, union: GrassrootsUnion | None) -> eligibility.Facts:
    return eligibility.Facts(
        full_name=data.get("full_name") or "",
        date_of_birth=data.get("date_of_birth"),
        citizen_id=data.get("citizen_id") or "",
        union_joined_on=data.get("union_joined_on"),
        education=data.get("education") or "",
        union=union,
        federation=union.federation if union is not None else None,
        is_party_member=bool(data.get("is_party_member")),
        discipline_until=data.get("discipline_until"),
    )


def facts_from_person(person: Person) -> eligibility.Facts:
    return facts_from_data({f: getattr(person, f) for f in PERSON_FIELDS}, person.union)


def person_changes(person: Person, data: dict) -> list[dict]:
    """The fields of `person` that `data` would change: label, before, after (for the user to see)."""
    changes = []
    for name in PERSON_FIELDS:
        if name not in data or data[name] is None or name == "citizen_id":
            continue
        old, new = getattr(person, name), data[name]
        if (old or "") != (new or "") and old != new:
            field = Person._meta.get_field(name)
            changes.append({"field": str(field.verbose_name), "old": _shown(field, old), "new": _shown(field, new)})
    return changes


def _shown(field: Field, value: object) -> str:
    if value is None or value == "":
        return "—"
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    choices = dict(field.flatchoices or ())
    return str(choices.get(value, value))


def can_nominate_for(user: Actor, union: GrassrootsUnion) -> bool:
    if is_district_staff(user):
        return GrassrootsUnion.objects.for_user(user).filter(pk=union.pk).exists()
    return is_chair(user) and user_union_id(user) == union.pk


@dataclass
class NominationRequest:
    person: dict
    union: GrassrootsUnion
    year: int
    nominated_on: datetime.date
    voluntary_application: bool = True
    chair_assessment: str = ""
    qualities_confirmed: bool = False
    source_import: object = None


def create_nomination(request: NominationRequest, user: Actor) -> Nomination | TransferRequest:
    """Open the person's nomination (creating or updating the person), or raise EligibilityBlocked.

    A citizen ID held outside `user`'s scope is never reused, moved or overwritten: the request
    is kept as a `TransferRequest` for the holder's staff and returned instead of a nomination.
    """
    if not can_nominate_for(user, request.union):
        raise PermissionDenied
    with transaction.atomic():
        person = transfers.holder(request.person.get("citizen_id", ""), lock=True)
        if transfers.outside_scope(user, person):
            transfers.note_lookups(user, [person.pk], path="/candidates/new/")
            return transfers.request_transfer(person, request, user)
        return open_nomination(person, request, user)


def open_nomination(
    person: Person | None, request: NominationRequest, user: Actor, *, approved_by: Actor = None
) -> Nomination:
    """Judge, then write the person (new, or one in scope) and their new nomination.

    `approved_by` is the member of staff who approved a transfer request, when this nomination
    comes from one: `user` is then the one who asked.
    """
    union = request.union
    data = dict(request.person)
    if person is not None and person.is_party_member:
        data["is_party_member"] = True  # what is on record counts as well as what was typed
    findings = eligibility.check(facts_from_data(data, union), request.nominated_on, request.year)
    if eligibility.blocks(findings):
        raise EligibilityBlocked(findings)
    refused = privacy.privacy_findings(person)
    if refused:
        raise EligibilityBlocked(refused)
    if person is None:
        person = Person(federation=union.federation, union=union)
    else:
        person.federation, person.union = union.federation, union
    for name in PERSON_FIELDS:
        if name in data and data[name] is not None:
            setattr(person, name, data[name])
    person.full_clean(exclude=["federation", "union"], validate_unique=False)
    person._history_user = _real_user(approved_by or user)  # the audit history names who did it
    person.save()

    nomination = Nomination(
        person=person,
        union=union,
        federation=union.federation,
        year=request.year,
        nominated_on=request.nominated_on,
        voluntary_application=request.voluntary_application,
        chair_assessment=request.chair_assessment,
        qualities_confirmed=request.qualities_confirmed,
        warnings=[f.as_dict() for f in eligibility.warnings(findings)],
        source_import=request.source_import,
        created_by=user if user and user.is_authenticated else None,
    )
    nomination.refresh_search()
    nomination._history_user = _real_user(user)
    try:
        with transaction.atomic():
            nomination.save()
    except IntegrityError as exc:
        # Two people submitting the same citizen ID at once: the unique constraint decides.
        raise EligibilityBlocked(
            [
                eligibility.Finding(
                    "open_nomination",
                    eligibility.BLOCK,
                    _("%(n)s: số CCCD đang có hồ sơ chưa kết thúc.") % {"n": person.full_name},
                )
            ]
        ) from exc
    NominationEvent.objects.create(
        nomination=nomination,
        from_status="",
        to_status=Status.NOMINATED,
        happened_on=request.nominated_on,
        recorded_by=user if user and user.is_authenticated else None,
        reason=request.chair_assessment[:500],
        details={
            "warnings": nomination.warnings,
            "import": request.source_import.pk if request.source_import else None,
            **({"transfer_approved_by": approved_by.get_username()} if approved_by is not None else {}),
        },
    )
    return nomination


def _real_user(user: Actor) -> Actor:
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def allowed_moves(nomination: Nomination, user: Actor) -> list[str]:
    """Statuses `user` may move `nomination` to now (for buttons; `move` checks again)."""
    targets = TRANSITIONS.get(nomination.status, set())
    if nomination.person.processing_restricted:
        return []
    if is_district_staff(user):
        return [s for s in Status.values if s in targets]
    if is_chair(user) and user_union_id(user) == nomination.union_id:
        return [s for s in Status.values if s in targets & CHAIR_MAY_SET]
    return []


def _locked(nomination: Nomination, user: Actor) -> Nomination:
    # Lock the row: two staff clicking at once must not both move it.
    locked = Nomination.objects.for_user(user).select_for_update().filter(pk=nomination.pk).first()
    if locked is None:
        raise PermissionDenied
    return locked


def move(
    nomination: Nomination,
    to_status: str,
    user: Actor,
    *,
    reason: str = "",
    on: datetime.date | None = None,
    details: dict | None = None,
    expected_version: int | None = None,
) -> Nomination:
    """Move one nomination forward (or to an end) and record the step."""
    with transaction.atomic():
        current = _locked(nomination, user)
        if expected_version is not None and current.version != expected_version:
            raise ValidationError(
                _("Hồ sơ của %(n)s vừa được người khác cập nhật (trạng thái hiện tại: %(s)s). Hãy tải lại trang.")
                % {"n": current.person.full_name, "s": current.get_status_display()}
            )
        privacy.refuse_if_restricted(current.person)
        if to_status not in TRANSITIONS.get(current.status, set()):
            raise ValidationError(
                _("Không thể chuyển hồ sơ của %(n)s từ “%(a)s” sang “%(b)s”.")
                % {"n": current.person.full_name, "a": current.get_status_display(), "b": Status(to_status).label}
            )
        if to_status not in allowed_moves(current, user):
            raise PermissionDenied
        reason = (reason or "").strip()
        if to_status in REASON_REQUIRED and not reason:
            raise ValidationError(_("Cần ghi lý do khi chuyển sang “%(s)s”.") % {"s": Status(to_status).label})
        if to_status == Status.APPROVED:
            _check_before_approval(current)
        _check_step(current, to_status, on or timezone.localdate(), details or {})
        return _apply(current, to_status, user, reason=reason, on=on, details=details)


# Dated steps that do not change the status: the Party cell's resolution while the person is
# introduced, the admission ceremony once the decision is made (when it was not given with it).
STEPS: dict[str, str] = {"cell_resolution": Status.INTRODUCED, "ceremony": Status.ADMITTED}


def record_step(
    nomination: Nomination,
    step: str,
    user: Actor,
    *,
    on: datetime.date,
    details: dict | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Nomination:
    """Record one dated step inside a status (staff only), judged by the rules of its own date."""
    if not is_district_staff(user):
        raise PermissionDenied
    with transaction.atomic():
        current = _locked(nomination, user)
        if expected_version is not None and current.version != expected_version:
            raise StaleVersion(current)
        privacy.refuse_if_restricted(current.person)
        if STEPS.get(step) != current.status:
            raise ValidationError(
                _("Hồ sơ của %(n)s đang ở “%(s)s”: không ghi được bước này.")
                % {"n": current.person.full_name, "s": current.get_status_display()}
            )
        _check_step(current, step, on, details or {})
        current.version += 1
        current._history_user = _real_user(user)
        current.save(update_fields=["version", "updated_at"])
        NominationEvent.objects.create(
            nomination=current,
            from_status=current.status,
            to_status=current.status,
            happened_on=on,
            recorded_by=user,
            reason=(reason or "").strip(),
            details={**(details or {}), "step": step},
        )
        return current


def _check_step(nomination: Nomination, to_status: str, on: datetime.date, details: dict) -> None:
    """The rules the apps above register for this step (admission: age on the cell's date,
    the dossier, probation), each judged on the step's own date; a block stops the move."""
    blocked = [f for f in providers.judge_step(nomination, to_status, on, details) if f.is_block]
    if blocked:
        raise ValidationError([f.message for f in blocked])


def _apply(
    current: Nomination,
    to_status: str,
    user: Actor,
    *,
    reason: str = "",
    on: datetime.date | None = None,
    details: dict | None = None,
    correction: bool = False,
) -> Nomination:
    from_status = current.status
    current.status = to_status
    if to_status in STAGE:
        current.stage = STAGE[to_status] if correction else max(current.stage, STAGE[to_status])
    current.version += 1
    current._history_user = _real_user(user)
    current.save(update_fields=["status", "stage", "version", "updated_at"])
    NominationEvent.objects.create(
        nomination=current,
        from_status=from_status,
        to_status=to_status,
        happened_on=on or timezone.localdate(),
        recorded_by=user,
        reason=reason,
        is_correction=correction,
        details=details or {},
    )
    return current


def _check_before_approval(nomination: Nomination) -> None:
    """Re-judge at approval: records may have changed since the chair submitted."""
    findings = eligibility.check(
        facts_from_person(nomination.person),
        nomination.nominated_on,
        nomination.year,
        exclude_nomination_id=nomination.pk,
    )
    blocked = eligibility.blocks(findings)
    if blocked:
        raise ValidationError([f.message for f in blocked])
    if nomination.is_incomplete:
        raise ValidationError(
            _(
                "Hồ sơ của %(n)s chưa đủ: chưa có đơn tự nguyện hoặc nhận xét của Chủ tịch CĐCS; "
                "Chủ tịch CĐCS cần bổ sung trước khi duyệt."
            )
            % {"n": nomination.person.full_name}
        )
    if nomination.has_open_warnings:
        raise ValidationError(
            _("Hồ sơ của %(n)s còn cảnh báo chưa được chấp nhận; hãy ghi lý do chấp nhận trước khi duyệt.")
            % {"n": nomination.person.full_name}
        )


def complete(
    nomination: Nomination,
    user: Actor,
    *,
    voluntary_application: bool,
    chair_assessment: str,
    expected_version: int | None = None,
) -> Nomination:
    """The chair (or staff) add the voluntary application and the assessment a nomination lacks."""
    if not (is_district_staff(user) or (is_chair(user) and user_union_id(user) == nomination.union_id)):
        raise PermissionDenied
    assessment = (chair_assessment or "").strip()
    if not voluntary_application or not assessment:
        raise ValidationError(_("Cần có đơn tự nguyện của đoàn viên và nhận xét của Chủ tịch CĐCS."))
    with transaction.atomic():
        current = _locked(nomination, user)
        if expected_version is not None and current.version != expected_version:
            raise StaleVersion(current)  # the one message of every stale save
        current.voluntary_application, current.chair_assessment = True, assessment
        current.version += 1
        current._history_user = _real_user(user)
        current.save(update_fields=["voluntary_application", "chair_assessment", "version", "updated_at"])
        NominationEvent.objects.create(
            nomination=current,
            from_status=current.status,
            to_status=current.status,
            happened_on=timezone.localdate(),
            recorded_by=user,
            reason=_("Bổ sung đơn tự nguyện và nhận xét của Chủ tịch CĐCS."),
            details={"completed": True},
        )
        return current


def accept_warnings(nomination: Nomination, user: Actor, reason: str) -> Nomination:
    """Staff accept a nomination's warnings (e.g. an education exception) with a reason."""
    if not is_district_staff(user):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Cần ghi lý do chấp nhận cảnh báo."))
    with transaction.atomic():
        current = _locked(nomination, user)
        privacy.refuse_if_restricted(current.person)
        if not current.warnings:
            raise ValidationError(_("Hồ sơ của %(n)s không có cảnh báo.") % {"n": current.person.full_name})
        current.warnings_accepted = True
        current.version += 1
        current._history_user = _real_user(user)
        current.save(update_fields=["warnings_accepted", "version", "updated_at"])
        NominationEvent.objects.create(
            nomination=current,
            from_status=current.status,
            to_status=current.status,
            happened_on=timezone.localdate(),
            recorded_by=user,
            reason=reason,
            details={"accepted_warnings": current.warnings},
        )
        return current


def bulk_approve(nominations: Iterable[Nomination], user: Actor) -> tuple[list[Nomination], list[str]]:
    """Approve each nomination that can be approved; say why each other one was not."""
    approved, problems = [], []
    for nomination in nominations:
        try:
            with transaction.atomic():
                approved.append(move(nomination, Status.APPROVED, user))
        except ValidationError as exc:
            problems.extend(exc.messages)
        except PermissionDenied:
            problems.append(_("Không có quyền duyệt hồ sơ của %(n)s.") % {"n": nomination.person.full_name})
    return approved, problems


def correct(nomination: Nomination, to_status: str, user: Actor, reason: str) -> Nomination:
    """Put a wrong step right (any status to any status), recorded as a correction. Staff only."""
    if not is_district_staff(user):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Cần ghi lý do đính chính."))
    with transaction.atomic():
        current = _locked(nomination, user)
        privacy.refuse_if_restricted(current.person)
        if to_status == current.status:
            raise ValidationError(_("Hồ sơ đã ở trạng thái này."))
        return _apply(current, to_status, user, reason=reason, correction=True)
