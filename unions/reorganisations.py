"""The reorganisation of the tree as an operation (SPEC §8).

“Federation F ends on date D; its unions go to G1…Gn”: `create` records it with a mapping
proposed by each enterprise's commune, `set_mapping` edits it, `preview` says what would move,
`apply` moves it all or nothing and `undo` puts it back. The same for a Party organisation
whose lower organisations go to T1…Tn (a split; a merge is one or more reorganisations with a
single target each).

D governs. Applied before D, the reorganisation is scheduled and nothing moves: until D the unions
stay with F in scope, lists, reports and dashboards. `complete_due(on)` (the daily, idempotent
`manage.py complete_reorganisations`, docs/operations.md) moves them on D. Applied on or after D,
it moves at once.

What moves, on D, and what keeps its time:
- the union, its enterprise and its chair move to the new federation; the union's
  period under F is closed on D in `UnionAffiliation`, so a report of a past year still lists it
  under F;
- the apps above register what follows a union (`register_follower`): the people move with
  their union; a nomination keeps the federation it belonged to on its date (nominated before D:
  F; on or after D: the successor), so no year's figures are counted twice or lost;
- F itself is retired on D and stays in the tree: its users keep reading its history.

Undo is possible while D has not come: a scheduled reorganisation is simply cancelled (nothing
moved); one that has already moved (completed early) is put back if nothing depends on it: no union has
moved again since, and no follower reports a record made under the successors since the apply
(a nomination, for the candidates app). The refusal says which.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tienlang.lib.versioning import StaleVersion

from .models import (
    AdministrativeUnit,
    AreaMerge,
    Enterprise,
    Federation,
    GrassrootsUnion,
    PartyOrganization,
    Reorganisation,
    ReorganisationItem,
    Role,
    UnionAffiliation,
    UserProfile,
)
from .services import complete_merge


@dataclass(frozen=True)
class Move:
    """One union going from one federation to another (reversed for an undo)."""

    union_id: int
    old_federation_id: int
    new_federation_id: int


# function(moves, effective_on, *, undo, dry_run) -> {label: rows moved (or that would move)}
Follower = Callable[..., dict[str, int]]
# function(moves, since) -> a message naming what was recorded under the new structure, or "".
Dependents = Callable[[list[Move], datetime.datetime], str]

FOLLOWERS: list[Follower] = []
DEPENDENTS: list[Dependents] = []


def register_follower(follower: Follower, dependents: Dependents | None = None) -> None:
    """An app above `unions` moves its rows that follow a union (called from its ready())."""
    if follower not in FOLLOWERS:
        FOLLOWERS.append(follower)
    if dependents is not None and dependents not in DEPENDENTS:
        DEPENDENTS.append(dependents)


def _user(user):
    return user if user is not None and user.is_authenticated else None


# ---------------------------------------------------------------------------------------
# Recording and the proposed mapping
# ---------------------------------------------------------------------------------------


def _area_chain(area: AdministrativeUnit | None) -> list[int]:
    """The area, what it was merged into (the current unit), and the units above both."""
    ids, seen = [], set()
    row = area
    while row is not None and row.pk not in seen:
        seen.add(row.pk)
        ids.append(row.pk)
        row = row.merged_into
    for pk in list(ids):
        parent = AdministrativeUnit.objects.filter(pk=pk).values_list("parent_id", flat=True).first()
        if parent and parent not in ids:
            ids.append(parent)
    return ids


def _proposal(area: AdministrativeUnit | None, targets: list) -> object | None:
    """The target whose area is the member's commune (or the commune it became), else the only one."""
    if len(targets) == 1:
        return targets[0]
    chain = _area_chain(area)
    for area_id in chain:  # nearest first: the commune before the district above it
        matches = [t for t in targets if t.area_id == area_id]
        if len(matches) == 1:
            return matches[0]
    return None


@transaction.atomic
def create(
    user,
    *,
    source: Federation | PartyOrganization,
    effective_on: datetime.date,
    targets: list,
    legal_basis: str = "",
    recorded_for: Federation | None = None,
) -> Reorganisation:
    """Record a reorganisation in draft with the mapping proposed for every union (or lower organisation)."""
    is_federation = isinstance(source, Federation)
    source = type(source).objects.get(pk=source.pk)  # as it is now, not as the caller last read it
    targets = list(type(source).objects.filter(pk__in=[t.pk for t in targets]))
    _check_targets(source, targets)
    reorganisation = Reorganisation.objects.create(
        kind=Reorganisation.Kind.FEDERATION if is_federation else Reorganisation.Kind.PARTY,
        federation=recorded_for if recorded_for is not None else (source.parent if is_federation else None),
        source_federation=source if is_federation else None,
        source_party=None if is_federation else source,
        effective_on=effective_on,
        legal_basis=legal_basis,
        created_by=_user(user),
    )
    if is_federation:
        reorganisation.target_federations.set(targets)
        unions = GrassrootsUnion.objects.filter(federation=source).select_related("enterprise__commune")
        items = []
        for union in unions.order_by("name", "pk"):
            target = _proposal(union.enterprise.commune, targets)
            items.append(ReorganisationItem(reorganisation=reorganisation, union=union, target_federation=target))
        # Enterprises without a union go too (by their commune), so no register row stays behind.
        for enterprise in (
            Enterprise.objects.filter(federation=source, unions__isnull=True)
            .select_related("commune")
            .order_by("name", "pk")
        ):
            target = _proposal(enterprise.commune, targets)
            items.append(
                ReorganisationItem(reorganisation=reorganisation, enterprise=enterprise, target_federation=target)
            )
    else:
        reorganisation.target_parties.set(targets)
        children = PartyOrganization.objects.filter(parent=source, retired_on__isnull=True)
        items = []
        for child in children.select_related("area", "enterprise__commune").order_by("name", "pk"):
            area = child.area or (child.enterprise.commune if child.enterprise_id else None)
            items.append(
                ReorganisationItem(
                    reorganisation=reorganisation, party_organization=child, target_party=_proposal(area, targets)
                )
            )
    ReorganisationItem.objects.bulk_create(items)
    return reorganisation


def _check_targets(source, targets: list) -> None:
    if not targets:
        raise ValidationError(_("Hãy chọn ít nhất một tổ chức tiếp nhận."))
    if not source.is_active:
        raise ValidationError(_("%(name)s đã ngừng hoạt động từ trước.") % {"name": source})
    for target in targets:
        if target.pk == source.pk:
            raise ValidationError(_("%(name)s không thể tiếp nhận chính mình.") % {"name": source})
        if type(target) is not type(source):
            raise ValidationError(_("%(name)s không cùng loại với tổ chức kết thúc.") % {"name": target})
        if not target.is_active:
            raise ValidationError(_("%(name)s đã ngừng hoạt động, không thể tiếp nhận.") % {"name": target})


@transaction.atomic
def set_mapping(reorganisation: Reorganisation, mapping: dict[int, int | None], expected_version: int) -> None:
    """Save the edited mapping (item id → target id); refused when someone changed it meanwhile."""
    locked = Reorganisation.objects.select_for_update().get(pk=reorganisation.pk)
    if locked.version != expected_version:
        raise StaleVersion(locked)
    if locked.state != Reorganisation.State.DRAFT:
        raise ValidationError(_("Chỉ sửa được phương án khi chưa thực hiện."))
    allowed = {t.pk for t in locked.targets()}
    field = "target_federation_id" if locked.kind == Reorganisation.Kind.FEDERATION else "target_party_id"
    for item in locked.items.all():
        if item.pk not in mapping:
            continue
        target_id = mapping[item.pk]
        if target_id is not None and target_id not in allowed:
            raise ValidationError(_("%(name)s: tổ chức tiếp nhận không có trong danh sách.") % {"name": item.member})
        if getattr(item, field) != target_id:
            setattr(item, field, target_id)
            item.proposed = False
            item.save(update_fields=[field, "proposed"])
    locked.save()  # the version moves: a mapping opened before this save is refused


# ---------------------------------------------------------------------------------------
# Preview, apply, undo
# ---------------------------------------------------------------------------------------


def _moves(reorganisation: Reorganisation, *, undo: bool = False) -> list[Move]:
    moves = []
    for item in reorganisation.items.exclude(union=None):
        old, new = reorganisation.source_federation_id, item.target_federation_id
        moves.append(Move(item.union_id, new, old) if undo else Move(item.union_id, old, new))
    return moves


def unmapped(reorganisation: Reorganisation) -> list[ReorganisationItem]:
    field = "target_federation" if reorganisation.kind == Reorganisation.Kind.FEDERATION else "target_party"
    return list(
        reorganisation.items.filter(**{f"{field}__isnull": True}).select_related(
            "union", "enterprise", "party_organization"
        )
    )


def preview(reorganisation: Reorganisation) -> dict:
    """What applying would do: the members per target, what is left unmapped, the rows that follow."""
    items = reorganisation.items.select_related(
        "union", "enterprise", "party_organization", "target_federation", "target_party"
    )
    per_target: dict = {}
    for item in items:
        if item.target is not None:
            per_target.setdefault(item.target, []).append(item.member)
    counts: dict[str, int] = {}
    if reorganisation.kind == Reorganisation.Kind.FEDERATION:
        counts[_("Công đoàn cơ sở")] = sum(1 for i in items if i.union_id and i.target is not None)
        counts[_("Doanh nghiệp chưa có công đoàn")] = sum(1 for i in items if i.enterprise_id and i.target is not None)
        moves = [m for m in _moves(reorganisation) if m.new_federation_id is not None]
        for follower in FOLLOWERS:
            counts.update(follower(moves, reorganisation.effective_on, undo=False, dry_run=True))
    else:
        counts[_("Tổ chức Đảng trực thuộc")] = sum(len(v) for v in per_target.values())
    return {
        "per_target": sorted(per_target.items(), key=lambda pair: str(pair[0])),
        "unmapped": unmapped(reorganisation),
        "counts": counts,
    }


def _lock_draft(reorganisation: Reorganisation, state: str) -> Reorganisation:
    # Two staff applying (or undoing) the same reorganisation at once: the row lock makes the
    # second wait and then find it no longer in the state it expects.
    locked = Reorganisation.objects.select_for_update().get(pk=reorganisation.pk)
    if locked.state != state:
        raise ValidationError(
            _("Việc sắp xếp %(name)s đang ở trạng thái “%(state)s”.")
            % {"name": locked, "state": locked.get_state_display()}
        )
    return locked


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


@transaction.atomic
def apply(reorganisation: Reorganisation, user, today: datetime.date | None = None) -> Reorganisation:
    """Approve the reorganisation, all or nothing; it takes effect on its date D.

    Applied on or after D, everything moves at once. Applied before D, the reorganisation is
    scheduled: nothing moves and the unions stay with F in every list, scope and report until
    `complete_due` (the daily `complete_reorganisations` command) moves them on D.
    """
    today = _today(today)
    locked = _lock_draft(reorganisation, Reorganisation.State.DRAFT)
    source = _check_ready(locked)
    locked.applied_by = _user(user)
    locked.applied_at = timezone.now()
    if today < locked.effective_on:
        locked.state = Reorganisation.State.SCHEDULED
        locked.save()
        return locked
    _complete(locked, source)
    return locked


def _check_ready(locked: Reorganisation):
    """The locked source, once the mapping is complete and every organisation can still take part."""
    missing = unmapped(locked)
    if missing:
        raise ValidationError(
            _("Chưa chọn nơi tiếp nhận cho: %(names)s.") % {"names": ", ".join(str(i.member) for i in missing)}
        )
    source = type(locked.source).objects.select_for_update().get(pk=locked.source.pk)
    if not source.is_active:
        raise ValidationError(_("%(name)s đã ngừng hoạt động từ trước.") % {"name": source})
    pending = (
        Reorganisation.objects.filter(state__in=[Reorganisation.State.SCHEDULED, Reorganisation.State.APPLIED])
        .filter(
            Q(source_federation=source) if locked.kind == Reorganisation.Kind.FEDERATION else Q(source_party=source)
        )
        .exclude(pk=locked.pk)
        .first()
    )
    if pending is not None:
        raise ValidationError(
            _("%(name)s đã có việc sắp xếp được duyệt, có hiệu lực từ %(day)s.")
            % {"name": source, "day": f"{pending.effective_on:%d/%m/%Y}"}
        )
    _check_targets(source, list(locked.targets()))
    if locked.kind == Reorganisation.Kind.FEDERATION:
        # A union that joined F after the mapping was drawn up would stay under a retired federation.
        left = GrassrootsUnion.objects.filter(federation=source).exclude(
            pk__in=locked.items.exclude(union=None).values("union")
        )
        newcomer = left.order_by("name", "pk").first()
        if newcomer is not None:
            raise ValidationError(
                _("%(union)s chưa có trong phương án của %(source)s: hãy hủy và lập lại phương án.")
                % {"union": newcomer, "source": source}
            )
    return source


def _complete(locked: Reorganisation, source) -> None:
    """Move every member to its target and retire the source on D (inside the caller's transaction)."""
    user = locked.applied_by
    if locked.kind == Reorganisation.Kind.FEDERATION:
        moved = _apply_federation(locked, source, user)
    else:
        moved = _apply_party(locked, user)
    source.retired_on = locked.effective_on
    source._history_user = user
    source.save(update_fields=["retired_on"])
    locked.state = Reorganisation.State.APPLIED
    locked.completed_at = timezone.now()
    locked.completion_error = ""
    locked.moved = moved
    locked.save()


@dataclass(frozen=True)
class Completion:
    """One record the daily run dealt with: a reorganisation or an area merge, and why it failed."""

    record: Reorganisation | AreaMerge
    error: str = ""


def complete_due(on: datetime.date) -> list[Completion]:
    """Complete every scheduled reorganisation, then every waiting area merge, whose date has
    come by `on`; idempotent.

    Each one in its own transaction, under a row lock: two runs at once (or a run and an undo)
    never move anything twice; the second finds it no longer waiting and leaves it. One that can
    no longer be completed (a union moved elsewhere meanwhile) stays scheduled with the reason
    shown on its page, and the others go ahead.
    """
    done: list[Completion] = []
    due = Reorganisation.objects.filter(state=Reorganisation.State.SCHEDULED, effective_on__lte=on)
    for pk in due.order_by("effective_on", "pk").values_list("pk", flat=True):
        try:
            with transaction.atomic():
                locked = Reorganisation.objects.select_for_update().get(pk=pk)
                if locked.state != Reorganisation.State.SCHEDULED or locked.effective_on > on:
                    continue
                source = _check_ready(locked)  # checked again as at the apply
                _complete(locked, source)
        except ValidationError as exc:
            message = " ".join(exc.messages)[:500]
            Reorganisation.objects.filter(pk=pk, state=Reorganisation.State.SCHEDULED).update(completion_error=message)
            done.append(Completion(Reorganisation.objects.get(pk=pk), message))
            continue
        done.append(Completion(locked))
    return done + _complete_area_merges(on)


def _complete_area_merges(on: datetime.date) -> list[Completion]:
    done: list[Completion] = []
    waiting = AreaMerge.objects.filter(completed_at__isnull=True, effective_on__lte=on)
    for merge in waiting.order_by("effective_on", "pk"):
        try:
            with transaction.atomic():
                if not complete_merge(merge):
                    continue
        except ValidationError as exc:
            done.append(Completion(merge, " ".join(exc.messages)[:500]))
            continue
        done.append(Completion(merge))
    return done


def _move_union(union: GrassrootsUnion, federation_id: int, since, user) -> None:
    union.federation_id = federation_id
    union.federation_since = since
    union._history_user = _user(user)
    union.save(update_fields=["federation", "federation_since"])
    enterprise = union.enterprise
    enterprise.federation_id = federation_id
    enterprise._history_user = _user(user)
    enterprise.save(update_fields=["federation"])
    for profile in UserProfile.objects.filter(union=union, role=Role.CHAIR):
        profile.federation_id = federation_id
        profile._history_user = _user(user)
        profile.save(update_fields=["federation"])


def _apply_federation(reorganisation: Reorganisation, source: Federation, user) -> dict[str, int]:
    day = reorganisation.effective_on
    items = list(reorganisation.items.exclude(union=None).select_related("union__enterprise"))
    unions = {u.pk: u for u in GrassrootsUnion.objects.select_for_update().filter(pk__in=[i.union_id for i in items])}
    for item in items:
        union = unions[item.union_id]
        if union.federation_id != source.pk:
            raise ValidationError(
                _("%(union)s không còn thuộc %(source)s: hãy lập lại phương án.") % {"union": union, "source": source}
            )
        if union.federation_since and union.federation_since >= day:
            raise ValidationError(
                _("%(union)s mới chuyển về %(source)s từ %(day)s, sau ngày kết thúc.")
                % {"union": union, "source": source, "day": f"{union.federation_since:%d/%m/%Y}"}
            )
        UnionAffiliation.objects.create(
            union=union,
            federation=source,
            valid_from=union.federation_since,
            valid_until=day,
            reorganisation=reorganisation,
        )
        item.previous_since = union.federation_since
        item.save(update_fields=["previous_since"])
        _move_union(union, item.target_federation_id, day, user)
    enterprises = list(reorganisation.items.exclude(enterprise=None).select_related("enterprise"))
    for item in enterprises:
        _move_enterprise(item.enterprise, source, item.target_federation_id, user)
    moved = {str(_("Công đoàn cơ sở")): len(items), str(_("Doanh nghiệp chưa có công đoàn")): len(enterprises)}
    for follower in FOLLOWERS:
        moved.update(follower(_moves(reorganisation), day, undo=False, dry_run=False))
    return moved


def _move_enterprise(enterprise, expected_federation: Federation, federation_id: int, user) -> None:
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if enterprise.federation_id != expected_federation.pk:
        raise ValidationError(
            _("%(name)s không còn thuộc %(source)s: hãy lập lại phương án.")
            % {"name": enterprise, "source": expected_federation}
        )
    enterprise.federation_id = federation_id
    enterprise._history_user = _user(user)
    enterprise.save(update_fields=["federation"])


def _apply_party(reorganisation: Reorganisation, user) -> dict[str, int]:
    items = list(reorganisation.items.exclude(party_organization=None))
    children = PartyOrganization.objects.select_for_update().filter(pk__in=[i.party_organization_id for i in items])
    targets = {i.party_organization_id: i.target_party_id for i in items}
    for child in children:
        if child.parent_id != reorganisation.source_party_id:
            raise ValidationError(_("%(name)s không còn trực thuộc tổ chức kết thúc.") % {"name": child})
        child.parent_id = targets[child.pk]
        child._history_user = _user(user)
        child.save(update_fields=["parent"])
    return {str(_("Tổ chức Đảng trực thuộc")): len(items)}


def undo_refusal(reorganisation: Reorganisation, today: datetime.date | None = None) -> str:
    """Why `reorganisation` can no longer be undone ("" when it can)."""
    today = _today(today)
    if reorganisation.state not in (Reorganisation.State.SCHEDULED, Reorganisation.State.APPLIED):
        return _("Chỉ hủy được việc sắp xếp đã thực hiện.")
    if today >= reorganisation.effective_on:
        return _("Đã đến ngày %(day)s: tổ chức mới đã hoạt động, không hủy được nữa.") % {
            "day": f"{reorganisation.effective_on:%d/%m/%Y}"
        }
    if reorganisation.state == Reorganisation.State.SCHEDULED:
        return ""  # nothing has moved yet
    items = reorganisation.items.select_related("union", "enterprise", "party_organization")
    for item in items:
        if item.enterprise_id and item.enterprise.federation_id != item.target_federation_id:
            return _("%(name)s đã được chuyển tiếp sau lần sắp xếp này.") % {"name": item.enterprise}
        if item.union_id and (
            item.union.federation_id != item.target_federation_id
            or item.union.federation_since != reorganisation.effective_on
        ):
            return _("%(name)s đã được chuyển tiếp sau lần sắp xếp này.") % {"name": item.union}
        if item.party_organization_id and item.party_organization.parent_id != item.target_party_id:
            return _("%(name)s đã được chuyển tiếp sau lần sắp xếp này.") % {"name": item.party_organization}
    if reorganisation.kind == Reorganisation.Kind.FEDERATION:
        since = reorganisation.completed_at or reorganisation.applied_at
        for dependents in DEPENDENTS:
            message = dependents(_moves(reorganisation), since)
            if message:
                return message
    return ""


@transaction.atomic
def undo(reorganisation: Reorganisation, user, today: datetime.date | None = None) -> Reorganisation:
    """Cancel a scheduled reorganisation, or put everything back where it was before it took
    effect, all or nothing; refused once D has come."""
    locked = Reorganisation.objects.select_for_update().get(pk=reorganisation.pk)
    if locked.state not in (Reorganisation.State.SCHEDULED, Reorganisation.State.APPLIED):
        raise ValidationError(
            _("Việc sắp xếp %(name)s đang ở trạng thái “%(state)s”.")
            % {"name": locked, "state": locked.get_state_display()}
        )
    refusal = undo_refusal(locked, today)
    if refusal:
        raise ValidationError(refusal)
    if locked.state == Reorganisation.State.APPLIED:
        _reverse(locked, user)
    locked.state = Reorganisation.State.UNDONE
    locked.undone_by = _user(user)
    locked.undone_at = timezone.now()
    locked.save()
    return locked


def _reverse(locked: Reorganisation, user) -> None:
    source = type(locked.source).objects.select_for_update().get(pk=locked.source.pk)
    if locked.kind == Reorganisation.Kind.FEDERATION:
        for item in locked.items.exclude(union=None).select_related("union__enterprise"):
            _move_union(item.union, source.pk, item.previous_since, user)
        for item in locked.items.exclude(enterprise=None).select_related("enterprise", "target_federation"):
            _move_enterprise(item.enterprise, item.target_federation, source.pk, user)
        locked.affiliations.all().delete()
        # The followers last, so what they recompute from the register sees it as it was.
        for follower in FOLLOWERS:
            follower(_moves(locked, undo=True), locked.effective_on, undo=True, dry_run=False)
    else:
        for item in locked.items.exclude(party_organization=None).select_related("party_organization"):
            child = item.party_organization
            child.parent_id = source.pk
            child._history_user = _user(user)
            child.save(update_fields=["parent"])
    source.retired_on = None
    source._history_user = _user(user)
    source.save(update_fields=["retired_on"])


# ---------------------------------------------------------------------------------------
# History: which federation held which union in a period
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Membership:
    union_id: int
    federation_id: int
    valid_from: datetime.date | None
    code: str = ""
    name: str = ""
    name_folded: str = ""


def memberships(unions, affiliations, start: datetime.date, end: datetime.date) -> list[Membership]:
    """Every (union, federation) period in [start, end] among `unions` (current periods) and
    `affiliations` (closed ones), both already scoped by the caller; earliest period first.

    One query (a UNION of the two), so a report costs no more than it did before the history.
    """
    current = unions.filter(Q(federation_since__isnull=True) | Q(federation_since__lte=end)).values_list(
        "pk", "federation_id", "federation_since", "code", "name", "name_folded"
    )
    past = affiliations.overlapping(start, end).values_list(
        "union_id", "federation_id", "valid_from", "union__code", "union__name", "union__name_folded"
    )
    rows = {Membership(*row) for row in current.order_by().union(past.order_by())}
    return sorted(rows, key=lambda m: (m.union_id, m.valid_from or datetime.date.min))
