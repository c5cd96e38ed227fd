"""What follows a union when the tree is reorganised (registered with `unions.reorganisations`).

People move with their union (and are judged again against the new federation's area); a
nomination keeps the federation it belonged to on its date: only those nominated on or after
the effective date go to the successor. Nothing else of a nomination changes, so "in the area",
stored on the nomination when it was made, stays as judged then.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from unions.models import Federation

from .models import Nomination, Person
from .models.people import district_matches


def follow(moves, effective_on: datetime.date, *, undo: bool, dry_run: bool) -> dict[str, int]:
    people = nominations = 0
    federations = Federation.objects.in_bulk({m.new_federation_id for m in moves})
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
        new = federations[move.new_federation_id]
        districts = set(persons.values_list("residence_district", flat=True))
        people += persons.update(federation_id=move.new_federation_id)
        for district in districts:
            Person.objects.filter(union_id=move.union_id, residence_district=district).update(
                lives_in_district=district_matches(district, new)
            )
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
