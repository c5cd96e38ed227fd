"""Workflows on the organisation tree that touch several rows."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tienlang.lib.text import fold

from .models import AdministrativeUnit, AreaMerge, Federation, PartyOrganization

# function(federation ids): what an app above judges by a federation's area, judged again
AREA_FOLLOWERS: list[Callable[[list[int]], object]] = []


def register_area_follower(follower: Callable[[list[int]], object]) -> None:
    """An app above `unions` judges again what depends on a federation's area (called from its ready())."""
    if follower not in AREA_FOLLOWERS:
        AREA_FOLLOWERS.append(follower)


def areas_changed(federation_ids: list[int]) -> None:
    """The area of these federations changed (an area merge, an edit): in the caller's transaction."""
    if federation_ids:
        for follower in AREA_FOLLOWERS:
            follower(federation_ids)


if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


@transaction.atomic
def merge_area(
    old: AdministrativeUnit,
    new: AdministrativeUnit,
    effective_on: datetime.date,
    user: AbstractBaseUser | None = None,
    legal_basis: str = "",
    today: datetime.date | None = None,
) -> AreaMerge:
    """Merge `old` into `new` on `effective_on`: move what lives in `old`, retire it, keep the mapping.

    Enterprises, Party organisations and lower units of `old` are moved to `new`, so
    lists and reports show today's names; `AreaMerge` keeps the old-to-new mapping.
    Recorded before its date, the merge waits (nothing moves, `completed_at` empty) and the
    daily `complete_reorganisations` carries it out on the day (`complete_merge`).
    """
    old, new = _lock_merge(old, new)
    merge = AreaMerge.objects.create(
        old=old,
        new=new,
        effective_on=effective_on,
        legal_basis=legal_basis,
        recorded_by=user if user and user.is_authenticated else None,
    )
    if (today or timezone.localdate()) >= effective_on:
        _carry_out(merge, old, new, user)
    return merge


def _lock_merge(old: AdministrativeUnit, new: AdministrativeUnit, merge: AreaMerge | None = None):
    # Lock both rows so two staff merging the same unit at once cannot both succeed.
    locked = {u.pk: u for u in AdministrativeUnit.objects.select_for_update().filter(pk__in=[old.pk, new.pk])}
    old, new = locked[old.pk], locked[new.pk]
    if old.pk == new.pk:
        raise ValidationError(_("Không thể sáp nhập một đơn vị vào chính nó."))
    if old.level != new.level:
        raise ValidationError(
            _("Chỉ sáp nhập đơn vị cùng cấp: %(old)s là %(old_level)s, %(new)s là %(new_level)s.")
            % {
                "old": old.name,
                "old_level": old.get_level_display(),
                "new": new.name,
                "new_level": new.get_level_display(),
            }
        )
    if not old.is_active:
        raise ValidationError(_("%(name)s đã ngừng sử dụng từ trước.") % {"name": old.name})
    if not new.is_active:
        raise ValidationError(_("%(name)s đã ngừng sử dụng, không thể nhận sáp nhập.") % {"name": new.name})
    waiting = AreaMerge.objects.filter(old=old, completed_at__isnull=True)
    if merge is not None:
        waiting = waiting.exclude(pk=merge.pk)
    pending = waiting.first()
    if pending is not None:
        raise ValidationError(
            _("%(name)s đã có quyết định sáp nhập vào %(new)s từ %(day)s.")
            % {"name": old.name, "new": pending.new.name, "day": f"{pending.effective_on:%d/%m/%Y}"}
        )
    return old, new


def complete_merge(merge: AreaMerge) -> bool:
    """Carry out a merge whose date has come (inside the caller's transaction); False if done already."""
    merge = AreaMerge.objects.select_for_update().select_related("old", "new").get(pk=merge.pk)
    if merge.completed_at is not None:
        return False
    old, new = _lock_merge(merge.old, merge.new, merge)
    _carry_out(merge, old, new, merge.recorded_by)
    return True


def _carry_out(merge: AreaMerge, old: AdministrativeUnit, new: AdministrativeUnit, user) -> None:
    # Row by row rather than .update(), so every moved row gets its line in the audit history.
    moved = 0
    for enterprise in old.enterprises.select_for_update():
        enterprise.commune = new
        enterprise._history_user = user if user and user.is_authenticated else None
        enterprise.save(update_fields=["commune"])
        moved += 1
    for organisation in PartyOrganization.objects.filter(area=old).select_for_update():
        organisation.area = new
        organisation.save(update_fields=["area"])
    for child in old.children.select_for_update():
        child.parent = new
        child.save(update_fields=["parent"])
    old.merged_into = new
    old.retired_on = merge.effective_on
    old.save(update_fields=["merged_into", "retired_on"])
    new.former_names = sorted({*new.former_names, *old.former_names, fold(old.name)})
    new.save(update_fields=["former_names"])
    # Whoever lives in the old unit now lives in the new one's area: judged again at once.
    areas_changed(list(Federation.objects.filter(area__in=[old, new]).values_list("pk", flat=True)))
    merge.moved_enterprises = moved
    merge.completed_at = timezone.now()
    merge.save(update_fields=["moved_enterprises", "completed_at"])


@transaction.atomic
def retire_area(area: AdministrativeUnit, retired_on: datetime.date) -> None:
    """Retire a unit that nothing lives in any more."""
    if area.enterprises.exists() or area.children.filter(retired_on__isnull=True).exists():
        raise ValidationError(
            _("%(name)s còn doanh nghiệp hoặc đơn vị cấp dưới đang hoạt động: hãy sáp nhập thay vì ngừng sử dụng.")
            % {"name": area.name}
        )
    area.retired_on = retired_on
    area.save(update_fields=["retired_on"])
