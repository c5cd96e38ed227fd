"""One owner per person: a citizen ID held outside a user's scope is asked for, never taken.

A person belongs to the union (and federation) that keeps them. When a user types a citizen ID
that belongs to someone outside their scope, they learn only that the federation already holds
this number and that staff must confirm it: never the person's name, phone, union, nominations
or Party status. What they typed becomes a `TransferRequest`; staff of the federation holding
the person (or the administrator) approve it, and only then does the person move, with a new
nomination in the asking union. Every earlier nomination stays under the union it belonged to.

Each such lookup is written in the access log and limited per user and minute
(`OUTSIDE_LOOKUPS_PER_MINUTE`), so the form cannot be used to probe who is held where.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, TypeAlias

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tienlang.lib.versioning import StaleVersion
from unions.models import AccessLog
from unions.permissions import is_district_staff

from . import eligibility
from .models import Nomination, Person, TransferRequest, TransferStatus, mask_citizen_id

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    from .services import NominationRequest

    # Who acts: a signed-in user, an anonymous one, or None (the system itself).
    Actor: TypeAlias = AbstractBaseUser | AnonymousUser | None

HELD_ELSEWHERE = eligibility.HELD_ELSEWHERE
PERSON_DATES = ("date_of_birth", "union_joined_on", "discipline_until")


class TooManyLookups(ValidationError):
    """The user typed too many citizen IDs held outside their scope in the last minute."""


def holder(citizen_id: str, *, lock: bool = False) -> Person | None:
    """The person who holds this citizen ID, in or out of anyone's scope.

    Citizen IDs are unique across the whole database, so finding the holder has to look
    everywhere; what is done with the answer is decided by `outside_scope`.
    """
    if not citizen_id:
        return None
    people = Person.objects.select_for_update() if lock else Person.objects
    return people.filter(citizen_id=citizen_id).first()


def outside_scope(user: Actor, person: Person | None) -> bool:
    """True when `person` exists and `user` may not see them."""
    if person is None:
        return False
    return not Person.objects.for_user(user).filter(pk=person.pk).exists()


def people_outside_scope(user: Actor, people: dict[str, Person]) -> set[str]:
    """The citizen IDs among `people` (citizen ID → person) that `user` may not see."""
    if not people:
        return set()
    visible = set(Person.objects.for_user(user).filter(pk__in=[p.pk for p in people.values()]).values_list("pk"))
    return {cid for cid, person in people.items() if (person.pk,) not in visible}


def note_lookups(user: Actor, person_ids: list[int], path: str = "") -> None:
    """Log the user's lookup of people outside their scope; refuse past the per-minute limit."""
    if not person_ids or user is None or not getattr(user, "is_authenticated", False):
        return
    since = timezone.now() - datetime.timedelta(minutes=1)
    # Distinct people: the same upload previewed, then saved, counts its people once.
    recent = AccessLog.objects.filter(user=user, action=AccessLog.Action.LOOKUP, at__gte=since)
    seen = {pk for ids in recent.values_list("person_ids", flat=True) for pk in ids}
    if len(seen | set(person_ids)) > settings.OUTSIDE_LOOKUPS_PER_MINUTE:
        raise TooManyLookups(
            _(
                "Bạn đã nhập quá %(n)s số CCCD do nơi khác quản lý trong một phút. "
                "Hãy đợi một phút rồi thử lại, hoặc liên hệ cán bộ LĐLĐ."
            )
            % {"n": settings.OUTSIDE_LOOKUPS_PER_MINUTE}
        )
    profile = getattr(user, "profile", None)
    AccessLog.objects.create(
        user=user,
        username=user.get_username(),
        federation_id=getattr(profile, "federation_id", None),
        action=AccessLog.Action.LOOKUP,
        what=_("Số CCCD do nơi khác quản lý"),
        path=path[:300],
        person_ids=list(person_ids),
        person_count=len(person_ids),
        fields=["citizen_id"],
    )


def _as_json(person_data: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in person_data.items()}


def _from_json(person_data: dict) -> dict:
    data = dict(person_data)
    for key in PERSON_DATES:
        if data.get(key):
            data[key] = datetime.date.fromisoformat(data[key])
    return data


def request_transfer(
    person: Person, request: NominationRequest, user: Actor, *, row: int | None = None
) -> TransferRequest:
    """Keep what `user` typed for `person` (held elsewhere) as a request for the holder's staff."""
    union = request.union
    existing = TransferRequest.objects.pending().filter(person=person, to_union=union).first()
    submitted = {
        "person": _as_json(request.person),
        "voluntary_application": request.voluntary_application,
        "chair_assessment": request.chair_assessment,
        "qualities_confirmed": request.qualities_confirmed,
        "import": request.source_import.pk if request.source_import else None,
        "row": row,
    }
    if existing is not None:
        # Asked again: the latest details replace the earlier ones, still waiting.
        existing.submitted = submitted
        existing.nominated_on, existing.year = request.nominated_on, request.year
        existing.version += 1
        existing._history_user = user if getattr(user, "is_authenticated", False) else None
        existing.save()
        return existing
    transfer = TransferRequest(
        person=person,
        from_union=person.union,
        from_federation=person.federation,
        to_union=union,
        to_federation=union.federation,
        year=request.year,
        nominated_on=request.nominated_on,
        submitted=submitted,
        requested_by=user if getattr(user, "is_authenticated", False) else None,
    )
    transfer._history_user = transfer.requested_by
    transfer.save()
    return transfer


def submitted_person(transfer: TransferRequest) -> dict:
    return _from_json(transfer.submitted.get("person", {}))


def submitted_for_display(transfer: TransferRequest) -> list[tuple[str, str]]:
    """What the asking user typed, as (label, value) pairs: their own input, nothing on record."""
    from . import services  # noqa: PLC0415 (services hands a person held elsewhere to transfers)

    data = submitted_person(transfer)
    shown = []
    for name in services.PERSON_FIELDS:
        if name in data and data[name] not in (None, ""):
            field = Person._meta.get_field(name)
            value = data[name]
            if name == "citizen_id":
                value = mask_citizen_id(value)
            shown.append((str(field.verbose_name), services._shown(field, value)))
    return shown


def decidable(user: Actor, transfers: list[TransferRequest]) -> set[int]:
    """The ids of the pending requests among `transfers` that `user` may decide (one query)."""
    pending = [t for t in transfers if t.is_pending]
    if not pending or user is None or not user.is_authenticated:
        return set()
    if user.is_superuser:
        return {t.pk for t in pending}
    if not is_district_staff(user):
        return set()
    held = set(Person.objects.for_user(user).filter(pk__in=[t.person_id for t in pending]).values_list("pk", flat=True))
    return {t.pk for t in pending if t.person_id in held}


def may_decide(user: Actor, transfer: TransferRequest) -> bool:
    """Staff of the federation holding the person, or the administrator."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return is_district_staff(user) and Person.objects.for_user(user).filter(pk=transfer.person_id).exists()


def _locked(transfer: TransferRequest, user: Actor, expected_version: int | None) -> TransferRequest:
    current = TransferRequest.objects.for_user(user).select_for_update().filter(pk=transfer.pk).first()
    if current is None or not may_decide(user, current):
        raise PermissionDenied
    if expected_version is not None and current.version != expected_version:
        raise StaleVersion(current)  # the one message of every stale save
    if not current.is_pending:
        raise ValidationError(_("Đề nghị này đã được xử lý (%(s)s).") % {"s": current.get_status_display()})
    return current


def approve(transfer: TransferRequest, user: Actor, *, expected_version: int | None = None) -> Nomination:
    """Move the person to the asking union and open their nomination there, judged again today."""
    from . import services  # noqa: PLC0415 (services hands a person held elsewhere to transfers)

    with transaction.atomic():
        current = _locked(transfer, user, expected_version)
        person = Person.objects.select_for_update().get(pk=current.person_id)
        submitted = current.submitted
        request = services.NominationRequest(
            person=_from_json(submitted.get("person", {})),
            union=current.to_union,
            year=current.year,
            nominated_on=current.nominated_on,
            voluntary_application=bool(submitted.get("voluntary_application")),
            chair_assessment=submitted.get("chair_assessment", ""),
            qualities_confirmed=bool(submitted.get("qualities_confirmed")),
        )
        before = {name: getattr(person, name) for name in services.PERSON_FIELDS}
        before_union = person.union
        try:
            with transaction.atomic():
                nomination = services.open_nomination(person, request, current.requested_by or user, approved_by=user)
        except IntegrityError as exc:
            raise ValidationError(_("Người này vừa có hồ sơ khác được mở; hãy tải lại trang.")) from exc
        changes = [
            {"field": str(Person._meta.get_field(name).verbose_name), "old": str(before[name]), "new": str(value)}
            for name, value in ((n, getattr(person, n)) for n in services.PERSON_FIELDS)
            if before[name] != value
        ]
        current.status = TransferStatus.APPROVED
        current.decided_by, current.decided_at = user, timezone.now()
        current.nomination = nomination
        current.submitted = {**submitted, "changes": changes, "from_union_name": str(before_union or "")}
        current.version += 1
        current._history_user = user
        current.save()
        return nomination


def refuse(
    transfer: TransferRequest, user: Actor, reason: str, *, expected_version: int | None = None
) -> TransferRequest:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Cần ghi lý do từ chối."))
    with transaction.atomic():
        current = _locked(transfer, user, expected_version)
        current.status = TransferStatus.REFUSED
        current.decided_by, current.decided_at = user, timezone.now()
        current.decision_reason = reason
        current.version += 1
        current._history_user = user
        current.save()
        return current


def findings_for_approver(transfer: TransferRequest) -> list[eligibility.Finding]:
    """What the rules say about the request, every record counted (for the deciding staff)."""
    from . import services  # noqa: PLC0415 (services hands a person held elsewhere to transfers)

    data = _from_json(transfer.submitted.get("person", {}))
    if transfer.person.is_party_member:
        data["is_party_member"] = True
    facts = services.facts_from_data(data, transfer.to_union)
    return eligibility.check(facts, transfer.nominated_on, transfer.year)
