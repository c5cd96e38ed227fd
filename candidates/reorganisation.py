"""What follows a union when the tree is reorganised (registered with `unions.reorganisations`).

People move with their union (their "lives in the district" flag stays as judged until their
record is next edited); a nomination keeps the federation it belonged to on its date: only those
nominated on or after the effective date go to the successor. Nothing else of a nomination
changes, so "in the area", stored on the nomination when it was made, stays as judged then.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from .models import Nomination, Person


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
        # `lives_in_district` stays as judged: the admission dossier of an earlier nomination asks
        # for residence comments by the area of that time; the person's next edit judges it anew.
        people += persons.update(federation_id=move.new_federation_id)
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
