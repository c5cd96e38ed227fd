"""What follows a union when the tree is reorganised (registered with `unions.reorganisations`).

People move with their union and their "lives in the area" flag (`Person.lives_in_district`) is
judged again against the new federation's area in the same transaction (and again on undo,
against the old one); so it is when an area changes (an area merge, a federation given another
area). A nomination keeps the federation it belonged to on its date: only those nominated on or
after the effective date go to the successor. Nothing else of a nomination changes, so "in the
area", stored on the nomination when it was made, stays as judged then.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from unions.models import Federation

from .models import Nomination, Person
from .models.people import district_matches


def refresh_in_area(people) -> int:
    """Judge `lives_in_district` again for `people` (a queryset), set-based, by `district_matches`.

    The rule is evaluated once per (federation, district text) pair, not per person, and the
    flag is written by at most two UPDATEs per federation, only on the rows whose flag changes.
    Returns the number of people whose flag changed.
    """
    pairs = list(people.order_by().values_list("federation_id", "residence_district").distinct())
    federations = Federation.objects.select_related("area").in_bulk({f for f, _text in pairs})
    inside: dict[int, set[str]] = {pk: set() for pk in federations}
    for federation_id, text in pairs:
        if district_matches(text, federations[federation_id]):
            inside[federation_id].add(text)
    changed = 0
    for federation_id, texts in inside.items():
        rows = people.filter(federation_id=federation_id)
        changed += rows.filter(residence_district__in=texts, lives_in_district=False).update(lives_in_district=True)
        changed += (
            rows.filter(lives_in_district=True).exclude(residence_district__in=texts).update(lives_in_district=False)
        )
    return changed


def follow_areas(federation_ids: list[int]) -> None:
    """The area of these federations changed: their people's flag is judged again."""
    refresh_in_area(Person.objects.filter(federation_id__in=federation_ids))


def follow(moves, effective_on: datetime.date, *, undo: bool, dry_run: bool) -> dict[str, int]:
    people = nominations = 0
    for move in moves:
        persons = Person.objects.filter(union_id=move.union_id, federation_id=move.old_federation_id)
        moved = Nomination.objects.filter(
            union_id=move.union_id, federation_id=move.old_federation_id, nominated_on__gte=effective_on
        )
        if dry_run:
            people += persons.count()
            nominations += moved.count()
            continue
        nominations += moved.update(federation_id=move.new_federation_id)
        people += persons.update(federation_id=move.new_federation_id)
    if not dry_run and moves:
        # Judged again against the new federation's area (on undo: the old one's), in this transaction.
        refresh_in_area(Person.objects.filter(union_id__in=[move.union_id for move in moves]))
    return {_("Đoàn viên"): people, _("Hồ sơ nguồn (từ ngày hiệu lực)"): nominations}


def dependents(moves, since: datetime.datetime) -> str:
    """A nomination recorded in a moved union under its new federation since the reorganisation."""
    for move in moves:
        # Names only: no person's row is read to answer.
        made = (
            Nomination.objects.filter(
                union_id=move.union_id, federation_id=move.new_federation_id, created_at__gt=since
            )
            .values_list("union__name", flat=True)
            .first()
        )
        if made is not None:
            return _("Đã có hồ sơ nguồn mới của %(union)s theo tổ chức mới: không hủy được nữa.") % {"union": made}
    return ""
