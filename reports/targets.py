"""Targets given by one level to the federations directly below it, and the checks against them.

The level above gives each federation directly below it its year's targets (classes, learners,
introductions to the Party, new Party organisations); each federation distributes its
introductions to its grassroots unions (`UnionQuota`). Progress is never typed in: it is counted
from the records (`reports.comparison` for the level above, `distribution` for the federation).

Which federations a year lists follows the tree's history: a federation that ended (a
reorganisation sets `retired_on` to its first day without it) on or before 1 January is not
listed, nor one that first held a union after 31 December (the commune-level unions that took over
in 2025 are not offered targets for 2022). A federation that never held a union is listed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Min, Q, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from classes.models import ClassStatus, TrainingClass
from unions.models import Federation, GrassrootsUnion, Role, UnionAffiliation
from unions.permissions import ADMIN, READER_ROLES, get_profile, user_role
from unions.querysets import federation_ids

from .models import FederationTarget, Plan

FIELDS = ("classes", "learners", "introductions", "party_cells")
LABELS = {
    "classes": gettext_lazy("Số lớp"),
    "learners": gettext_lazy("Số học viên"),
    "introductions": gettext_lazy("Giới thiệu cho Đảng"),
    "party_cells": gettext_lazy("Tổ chức Đảng mới"),
}


class StaleTargets(Exception):
    """Someone saved targets of the year after the form was opened; nothing was saved."""

    def __init__(self, year: int, current: dict[int, FederationTarget | None]):
        super().__init__(
            _(
                "Chỉ tiêu năm %(y)s của các liên đoàn cấp dưới vừa được người khác lưu; chưa lưu gì. "
                "Số liệu bạn nhập vẫn ở trong các ô, số vừa lưu ghi bên dưới từng liên đoàn: "
                "xem lại rồi bấm lưu nếu vẫn muốn giao theo số của bạn."
            )
            % {"y": year}
        )
        self.current = current  # federation id -> its target as stored now (None: none)


# ---------------------------------------------------------------------------------------
# Who may see and give
# ---------------------------------------------------------------------------------------


def may_open(user) -> bool:
    """Staff and leadership (and administrators); chairs and Party viewers never."""
    return user_role(user) in READER_ROLES


def upper_federation(request, default: Federation | None) -> Federation:
    """The federation whose targets below are shown: the user's own, or `?federation=ID` of
    their tree (read only); anything else is a 404."""
    raw = request.GET.get("federation")
    if not raw:
        if default is None:
            raise Http404
        return default
    if not raw.isdigit() or len(raw) > 9:
        raise Http404
    federation = Federation.objects.for_user(request.user).filter(pk=int(raw)).first()
    if federation is None:
        raise Http404
    if user_role(request.user) != ADMIN and federation.pk not in federation_ids(get_profile(request.user)):
        raise Http404
    return federation


def may_give(user, upper: Federation) -> bool:
    """Only the upper federation's own staff (and administrators) give its targets."""
    role = user_role(user)
    if role == ADMIN:
        return True
    profile = get_profile(user)
    return role == Role.STAFF and profile is not None and profile.federation_id == upper.pk


# ---------------------------------------------------------------------------------------
# The board: the federations below, their targets, the upper level's own, the sums
# ---------------------------------------------------------------------------------------


def _first_day_with_unions(user, ids: list[int]) -> dict[int, datetime.date | None]:
    """For each federation that ever held a union: the first day it did (None: since always)."""
    first: dict[int, datetime.date | None] = {}
    for queryset, lookup, since in (
        (GrassrootsUnion.objects.for_user(user), "federation", "federation_since"),
        (UnionAffiliation.objects.for_user(user), "federation", "valid_from"),
    ):
        rows = (
            queryset.filter(**{f"{lookup}__in": ids})
            .order_by()
            .values(lookup)
            .annotate(first=Min(since), undated=Count("pk", filter=Q(**{f"{since}__isnull": True})))
        )
        for row in rows:
            day = None if row["undated"] else row["first"]
            if row[lookup] not in first:
                first[row[lookup]] = day
            elif first[row[lookup]] is not None:
                first[row[lookup]] = None if day is None else min(first[row[lookup]], day)
    return first


def children_for_year(user, upper: Federation, year: int) -> list[Federation]:
    """The federations directly below `upper` that exist in `year` (see the module's note)."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    children = list(
        Federation.objects.for_user(user)
        .filter(parent=upper)
        .filter(Q(retired_on__isnull=True) | Q(retired_on__gt=start))
        .order_by("name", "pk")
    )
    first = _first_day_with_unions(user, [c.pk for c in children])
    return [c for c in children if c.pk not in first or first[c.pk] is None or first[c.pk] <= end]


@dataclass
class Balance:
    """One target of the upper level against what it gave out."""

    key: str
    label: str
    own: int | None
    given: int

    @property
    def left(self) -> int | None:
        return None if self.own is None else self.own - self.given

    @property
    def over(self) -> int:
        return max(0, -(self.left or 0))


@dataclass
class Board:
    upper: Federation
    year: int
    children: list[Federation]
    targets: dict[int, FederationTarget]
    own: FederationTarget | None
    plans: list[Plan] = field(default_factory=list)

    @property
    def balances(self) -> list[Balance]:
        return [
            Balance(
                key,
                str(LABELS[key]),
                getattr(self.own, key) if self.own else None,
                sum(getattr(t, key) for t in self.targets.values()),
            )
            for key in FIELDS
        ]

    def initial(self) -> list[dict]:
        rows = []
        for child in self.children:
            target = self.targets.get(child.pk)
            row = {"federation_id": child.pk, "federation_name": child.name}
            row["version"] = getattr(target, "version", None)
            row.update({key: getattr(target, key) if target else None for key in FIELDS})
            rows.append(row)
        return rows


def board(user, upper: Federation, year: int) -> Board:
    """Everything the page shows, in a constant number of queries whatever the number of federations."""
    children = children_for_year(user, upper, year)
    ids = [c.pk for c in children]
    rows = (
        FederationTarget.objects.for_user(user)
        .filter(Q(federation__in=ids) | Q(federation=upper), year=year)
        .select_related("given_by", "set_by", "plan")
    )
    targets, own = {}, None
    for target in rows:
        if target.federation_id == upper.pk:
            own = target
        else:
            targets[target.federation_id] = target
    plans = sorted(
        Plan.objects.for_user(user).filter(federation=upper),
        key=lambda p: (not p.from_year <= year <= p.to_year, -p.to_year, p.pk),
    )
    return Board(upper, year, children, targets, own, plans)


# ---------------------------------------------------------------------------------------
# Giving: all or nothing, refused when stale
# ---------------------------------------------------------------------------------------


def give(user, upper: Federation, year: int, rows: list[dict], plan: Plan | None) -> int:
    """Write the targets of `rows` (federation id, the version the form showed, the four numbers,
    or all four None for "not given") as given by `upper`; return how many changed.

    Call inside `transaction.atomic`. A row whose stored target is not the one the form showed
    (someone saved meanwhile) refuses the whole save with `StaleTargets`; a federation id that
    is not directly below `upper` in the year raises `PermissionError`.
    """
    # Two offices (or two tabs) saving the same year: the second waits for the first here, then
    # sees its versions and is refused rather than overwriting it.
    Federation.objects.for_user(user).select_for_update().filter(pk=upper.pk).first()
    allowed = {c.pk: c for c in children_for_year(user, upper, year)}
    if any(row["federation_id"] not in allowed for row in rows):
        raise PermissionError
    stored = {
        t.federation_id: t
        for t in FederationTarget.objects.for_user(user)
        .select_for_update()
        .filter(federation__in=[row["federation_id"] for row in rows], year=year)
    }
    conflicts = {
        row["federation_id"]: stored.get(row["federation_id"])
        for row in rows
        if getattr(stored.get(row["federation_id"]), "version", None) != row["version"]
    }
    if conflicts:
        raise StaleTargets(year, conflicts)
    now, changed = timezone.now(), 0
    for row in rows:
        target = stored.get(row["federation_id"])
        values = {key: row[key] for key in FIELDS}
        if all(v is None for v in values.values()):
            # Withdrawn: a target this level gave goes; one the federation set itself stays.
            if target is not None and target.given_by_id == upper.pk:
                target.delete()
                changed += 1
            continue
        same = target is not None and all(getattr(target, k) == v for k, v in values.items())
        # Unchanged: left as it is (a target the federation set itself stays its own).
        if same and (target.given_by_id != upper.pk or plan is None or target.plan_id == plan.pk):
            continue
        if target is None:
            target = FederationTarget(federation=allowed[row["federation_id"]], year=year)
        for key, value in values.items():
            setattr(target, key, value)
        target.given_by, target.set_by, target.set_at = upper, user, now
        target.plan = plan or target.plan
        target._history_user = user
        target.save()  # the UPDATE matches only the version read above (VersionedModel)
        changed += 1
    return changed


# ---------------------------------------------------------------------------------------
# The federation's own check: what it distributed and planned against its targets
# ---------------------------------------------------------------------------------------


@dataclass
class Check:
    key: str
    label: str
    target: int
    done: int
    done_label: str

    @property
    def left(self) -> int:
        return max(0, self.target - self.done)

    @property
    def over(self) -> int:
        return max(0, self.done - self.target)


def distribution(
    user, target: FederationTarget | None, year: int, quota_total: int, below: list[Federation] | None = None
) -> list[Check]:
    """Introductions distributed to the unions (their quotas) and classes and seats planned or
    opened, against the federation's targets of the year (one query). A federation with
    federations below it (`below`) distributes to them instead: what it gave them, per target."""
    if target is None:
        return []
    if below:
        given = (
            FederationTarget.objects.for_user(user)
            .filter(federation__in=below, year=year)
            .aggregate(**{key: Sum(key) for key in FIELDS})
        )
        return [
            Check(key, str(LABELS[key]), getattr(target, key), given[key] or 0, _("đã giao cho các liên đoàn cấp dưới"))
            for key in FIELDS
        ]
    classes = (
        TrainingClass.objects.for_user(user)
        .filter(year=year)
        .exclude(status=ClassStatus.CANCELLED)
        .aggregate(n=Count("pk"), seats=Sum("capacity"))
    )
    return [
        Check(
            "introductions",
            _("Giới thiệu cho Đảng"),
            target.introductions,
            quota_total,
            _("đã phân bổ cho các công đoàn cơ sở"),
        ),
        Check("classes", _("Số lớp"), target.classes, classes["n"] or 0, _("lớp đã lên kế hoạch hoặc đã mở")),
        Check("learners", _("Số học viên"), target.learners, classes["seats"] or 0, _("chỗ học trong các lớp đó")),
    ]
