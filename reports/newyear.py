"""What a year needs before its first nomination, and preparing it from an earlier year.

A year needs a plan its targets come from, the federation's targets, a quota for every
grassroots union, a stipend policy covering it, and its classes. `year_status` says which of
these exist; `prepare` proposes the missing ones from the latest earlier year that had them
(quotas and targets copied, the policy copied with its years moved), for the office to
review; `save_year` writes what the form holds, all or nothing, and refuses the save when
anything of the year changed after the form was opened (`fingerprint`).

Quotas: a union with no row has no quota; a row with 0 is a quota of zero.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from classes.models import StipendPolicy, TrainingClass
from unions.models import Federation, GrassrootsUnion, Role
from unions.permissions import is_district_staff, user_role

from .models import FederationTarget, Plan, UnionQuota


class StaleYear(Exception):
    """Someone changed the year's quotas, targets, plans or policies after the form was opened."""

    def __init__(self, year: int):
        super().__init__(
            _(
                "Chỉ tiêu, mục tiêu hoặc chế độ hỗ trợ năm %(y)s vừa được người khác sửa; chưa lưu gì. "
                "Hãy tải lại trang."
            )
            % {"y": year}
        )


# ---------------------------------------------------------------------------------------
# What exists
# ---------------------------------------------------------------------------------------


@dataclass
class Item:
    """One thing a year needs: whether it is there, what there is, where to see or add it."""

    key: str
    label: str
    done: bool
    detail: str
    url: str
    url_label: str


@dataclass
class YearStatus:
    year: int
    federation: Federation | None
    unions: list[GrassrootsUnion]
    quotas: dict[int, UnionQuota]
    target: FederationTarget | None
    plans: list[Plan]
    policies: list[StipendPolicy]
    classes: int
    items: list[Item] = field(default_factory=list)

    @property
    def unions_without_quota(self) -> list[GrassrootsUnion]:
        return [u for u in self.unions if u.pk not in self.quotas]

    @property
    def missing(self) -> list[Item]:
        return [item for item in self.items if not item.done]


def plans_for(user, year: int):
    """Plans the user may pick for a year: those whose period covers it first, then the rest."""
    plans = list(Plan.objects.for_user(user))
    return sorted(plans, key=lambda p: (not p.from_year <= year <= p.to_year, -p.to_year, p.pk))


def year_status(user, federation: Federation | None, year: int) -> YearStatus:
    # Every union in the user's scope (a city office's covers the federations below it), as on
    # the quota page; targets, plans and policies are the issuing federation's own.
    unions = list(GrassrootsUnion.objects.for_user(user).order_by("name_folded", "pk"))
    quotas = {q.union_id: q for q in UnionQuota.objects.for_user(user).filter(year=year)}
    target = (
        FederationTarget.objects.for_user(user).filter(federation=federation, year=year).select_related("plan").first()
    )
    plans = [p for p in plans_for(user, year) if p.from_year <= year <= p.to_year]
    policies = list(StipendPolicy.objects.for_user(user).filter(federation=federation).for_year(year))
    classes = TrainingClass.objects.for_user(user).filter(federation=federation, year=year).count()
    status = YearStatus(year, federation, unions, quotas, target, plans, policies, classes)
    status.items = _items(status, opens_classes=is_district_staff(user))
    return status


def _items(s: YearStatus, opens_classes: bool) -> list[Item]:
    """What the year needs; a piece the user cannot add themselves links to where they see it."""
    year = s.year
    here = reverse("reports:new_year") + f"?year={year}"
    plan = s.target.plan if s.target and s.target.plan else (s.plans[0] if s.plans else None)
    without = len(s.unions_without_quota)
    return [
        Item(
            "plan",
            _("Kế hoạch"),
            plan is not None,
            str(plan) if plan else _("Chưa có kế hoạch nào áp dụng cho năm %(y)s.") % {"y": year},
            here + "#plan",
            _("Thêm kế hoạch"),
        ),
        Item(
            "target",
            _("Mục tiêu của liên đoàn"),
            s.target is not None,
            _("%(c)s lớp, %(l)s học viên, %(i)s người giới thiệu cho Đảng, %(p)s tổ chức Đảng mới")
            % {"c": s.target.classes, "l": s.target.learners, "i": s.target.introductions, "p": s.target.party_cells}
            if s.target
            else _("Chưa đặt mục tiêu năm %(y)s.") % {"y": year},
            reverse("reports:quota_list") + f"?year={year}",
            _("Giao chỉ tiêu"),
        ),
        Item(
            "quotas",
            _("Chỉ tiêu của công đoàn cơ sở"),
            bool(s.unions) and without == 0,
            _("%(n)s/%(t)s công đoàn cơ sở có chỉ tiêu, tổng %(sum)s người")
            % {"n": len(s.quotas), "t": len(s.unions), "sum": sum(q.introduce for q in s.quotas.values())},
            reverse("reports:quota_list") + f"?year={year}",
            _("Giao chỉ tiêu"),
        ),
        Item(
            "policy",
            _("Chế độ hỗ trợ học viên"),
            bool(s.policies),
            "; ".join(str(p) for p in s.policies)
            or _("Chưa có chế độ hỗ trợ áp dụng cho năm %(y)s: chưa cam kết được khoản hỗ trợ nào khi xếp lớp.")
            % {"y": year},
            reverse("classes:policy_list"),
            _("Xem chế độ hỗ trợ"),
        ),
        Item(
            "classes",
            _("Lớp bồi dưỡng nhận thức về Đảng"),
            s.classes > 0,
            _("%(n)s lớp năm %(y)s") % {"n": s.classes, "y": year}
            + (_(" (mục tiêu %(t)s lớp)") % {"t": s.target.classes} if s.target and s.target.classes else ""),
            reverse("classes:class_add") if opens_classes else reverse("classes:class_list") + f"?year={year}",
            _("Mở lớp") if opens_classes else _("Xem các lớp"),
        ),
    ]


# ---------------------------------------------------------------------------------------
# What an earlier year gives
# ---------------------------------------------------------------------------------------


@dataclass
class Proposal:
    """The missing pieces of a year as copied from earlier years, for the office to review."""

    source_year: int | None
    quotas: dict[int, int]  # union id -> the quota of the source year
    target: FederationTarget | None  # the source year's targets
    policy: StipendPolicy | None  # the latest policy that ended before the year


def prepare(user, federation: Federation | None, year: int) -> Proposal:
    earlier = (
        UnionQuota.objects.for_user(user).filter(year__lt=year).order_by("-year").values_list("year", flat=True).first()
    )
    target = (
        FederationTarget.objects.for_user(user).filter(federation=federation, year__lt=year).order_by("-year").first()
    )
    source_year = max([y for y in (earlier, target.year if target else None) if y is not None], default=None)
    quotas = (
        dict(UnionQuota.objects.for_user(user).filter(year=source_year).values_list("union_id", "introduce"))
        if source_year
        else {}
    )
    policy = (
        StipendPolicy.objects.for_user(user)
        .filter(federation=federation, to_year__lt=year)
        .order_by("-to_year", "-from_year", "pk")
        .first()
    )
    return Proposal(source_year, quotas, target, policy)


# ---------------------------------------------------------------------------------------
# Saving
# ---------------------------------------------------------------------------------------


def fingerprint(user, federation: Federation | None, year: int, unions: list[int] | None = None) -> str:
    """A digest of everything of the year the forms write: quotas, targets, plans, policies.

    `unions` narrows the quotas to those unions' (a page of the quota form, which writes no other)."""
    quotas = UnionQuota.objects.for_user(user).filter(year=year)
    if unions is not None:
        quotas = quotas.filter(union_id__in=unions)
    parts = [
        sorted(quotas.values_list("union_id", "introduce", "plan_id")),
        sorted(
            FederationTarget.objects.for_user(user)
            .filter(federation=federation, year=year)
            .values_list(
                "pk", "version", "plan_id", "classes", "learners", "introductions", "party_cells", "given_by_id"
            )
        ),
        sorted(Plan.objects.for_user(user).filter(federation=federation).values_list("pk", "from_year", "to_year")),
        sorted(
            StipendPolicy.objects.for_user(user)
            .filter(federation=federation)
            .filter(Q(from_year__lte=year, to_year__gte=year))
            .values_list("pk", "version")
        ),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def lock_year(
    user, federation: Federation | None, year: int, expected: str | None, unions: list[int] | None = None
) -> None:
    """Inside a transaction: hold the federation's row (so two saves of its year queue up), then
    refuse if the year (the quotas of `unions` only, when given) changed since the form showed `expected`."""
    if federation is not None:
        # Two offices saving the same year at once: the second waits here, then sees the first's
        # rows in the fingerprint and is refused rather than overwriting them.
        Federation.objects.select_for_update().filter(pk=federation.pk).first()
    if expected is not None and expected != fingerprint(user, federation, year, unions):
        raise StaleYear(year)


def save_quotas(user, unions: dict[int, GrassrootsUnion], year: int, values: dict[int, int | None], plan=None) -> None:
    """Write the quotas of `values` (union id -> number, None for no quota) for the year.

    Call inside `transaction.atomic` after `lock_year`. Union ids outside `unions` (the user's
    scope) raise `PermissionError`.
    """
    existing = {q.union_id: q for q in UnionQuota.objects.for_user(user).filter(year=year, union_id__in=list(values))}
    for union_id, value in values.items():
        if union_id not in unions:
            raise PermissionError(union_id)
        quota = existing.get(union_id)
        if value is None:
            if quota is not None:
                quota.delete()
            continue
        if quota is None:
            UnionQuota.objects.create(union=unions[union_id], year=year, introduce=value, plan=plan)
        elif quota.introduce != value or (plan is not None and quota.plan_id != plan.pk):
            quota.introduce = value
            quota.plan = plan or quota.plan
            quota.save()


def may_prepare(user) -> bool:
    """Staff and leadership prepare a year; the stipend policy is staff's to add."""
    return is_district_staff(user) or user_role(user) == Role.LEADERSHIP


def may_add_policy(user) -> bool:
    return is_district_staff(user)


@transaction.atomic
def save_year(user, status: YearStatus, expected: str, plan, new_plan, target_values, quota_values, policy) -> None:
    """Everything the "Năm mới" form holds, or nothing (a `StaleYear` or `PermissionError`
    rolls back every row)."""
    lock_year(user, status.federation, status.year, expected)
    if new_plan is not None:
        new_plan.federation = status.federation
        new_plan.save()
        plan = new_plan
    if target_values is not None:
        if FederationTarget.objects.for_user(user).filter(federation=status.federation, year=status.year).exists():
            raise StaleYear(status.year)
        FederationTarget.objects.create(
            federation=status.federation,
            year=status.year,
            plan=plan,
            set_by=user if getattr(user, "pk", None) else None,
            set_at=timezone.now(),
            **target_values,
        )
    if quota_values:
        save_quotas(user, {u.pk: u for u in status.unions}, status.year, quota_values, plan=plan)
    if policy is not None:
        policy.federation = status.federation
        policy.save()
