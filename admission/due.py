"""What is due after the introduction, for one user's scope: the dashboard's "needs my action"
and the daily reminder e-mail read the same list.

- introduced people whose dossier still lacks (or has let go stale) a document the cell needs;
- introduced people whose admission window (age 60) closes within 60 days;
- admitted members whose probation has ended or ends within 10 working days: the cell must
  consider official status within 30 working days after the end.

A fixed number of queries whatever the number of people (the dashboard runs this), and no
writes: dossier rows that do not exist yet count as missing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from candidates.models import Nomination, NominationEvent, Status

from . import dossier, rules
from .calendar import WorkingCalendar
from .models import DossierItem, DossierItemType

LIMIT = 500  # people looked at per list: the lists themselves page through the rest


@dataclass
class Due:
    nomination: Nomination
    what: str
    due_on: datetime.date | None
    overdue: bool

    @property
    def url(self) -> str:
        return reverse("admission:dossier", args=[self.nomination.pk])


def _missing(nominations: list[Nomination], today: datetime.date, rules_now) -> dict[int, int]:
    """Documents the cell needs that each nomination lacks on `today` (absent, missing or stale)."""
    types = [t for t in dossier.item_types() if t.step == DossierItemType.Step.BEFORE_CELL]
    held = {
        (row["nomination_id"], row["item_type_id"]): row
        for row in DossierItem.objects.filter(nomination__in=nominations).values(
            "nomination_id", "item_type_id", "status", "received_on"
        )
    }
    stale_after = rules.param(rules_now, rules.C.DOSSIER_STALENESS, "months")
    counts = {}
    for nomination in nominations:
        lacking = 0
        for item_type in types:
            row = held.get((nomination.pk, item_type.pk))
            status = row["status"] if row else DossierItem.Status.MISSING
            if row is None and item_type.residence_only and nomination.person.lives_in_district:
                status = DossierItem.Status.NOT_NEEDED
            if (
                status == DossierItem.Status.RECEIVED
                and item_type.goes_stale
                and row["received_on"]
                and today > rules.add_months(row["received_on"], stale_after)
            ):
                status = DossierItem.Status.STALE
            lacking += status in (DossierItem.Status.MISSING, DossierItem.Status.STALE)
        counts[nomination.pk] = lacking
    return counts


def _ceremonies(nominations: list[Nomination]) -> dict[int, datetime.date]:
    found: dict[int, datetime.date] = {}
    events = NominationEvent.objects.filter(
        nomination__in=nominations, to_status=Status.ADMITTED, is_correction=False
    ).order_by("nomination_id", "recorded_at", "pk")
    for event in events:  # the latest admission event of each nomination wins
        value = (event.details or {}).get("ceremony_on")
        found[event.nomination_id] = datetime.date.fromisoformat(value) if value else event.happened_on
    return found


def due_for(user, today: datetime.date, calendar: WorkingCalendar | None = None) -> list[Due]:
    calendar = calendar or WorkingCalendar()
    rules_now = rules.rules_in_force(today)
    scoped = Nomination.objects.for_user(user).select_related("person").order_by("sort_name", "pk")
    found: list[Due] = []
    introduced = list(scoped.filter(status=Status.INTRODUCED)[:LIMIT])
    lacking = _missing(introduced, today, rules_now) if introduced else {}
    over = rules.param(rules_now, rules.C.AGE_AT_CONSIDERATION, "max_months") + 1
    for nomination in introduced:
        if lacking.get(nomination.pk):
            what = _("Hồ sơ kết nạp còn thiếu %(n)s giấy tờ") % {"n": lacking[nomination.pk]}
            found.append(Due(nomination, what, None, False))
        born = nomination.person.date_of_birth
        if born:
            closes = rules.add_months(born, over) - datetime.timedelta(days=1)
            if (closes - today).days <= 60:
                found.append(Due(nomination, _("Sắp hết thời hạn xét kết nạp (tuổi 60)"), closes, closes < today))
    admitted = list(scoped.filter(status=Status.ADMITTED)[:LIMIT])
    ceremonies = _ceremonies(admitted) if admitted else {}
    probation = rules.param(rules_now, rules.C.PROBATION, "months")
    window = rules.param(rules_now, rules.C.OFFICIAL_CONSIDERATION, "working_days")
    for nomination in admitted:
        ceremony = ceremonies.get(nomination.pk)
        if ceremony is None:
            continue
        end = rules.add_months(ceremony, probation)
        if calendar.working_days_between(today, end) <= 10:
            last = calendar.add_working_days(end, window)
            what = _("Xét công nhận đảng viên chính thức (hết dự bị %(d)s)") % {"d": end.strftime("%d/%m/%Y")}
            found.append(Due(nomination, what, last, last < today))
    return found
