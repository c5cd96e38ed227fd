"""The legal clocks of every open step after the introduction, and who must act on each.

For each introduced or admitted nomination, the steps still open, each with its due date, the
working days left (Vietnam's calendar: `WorkingCalendar`) and the body responsible:

- the union (công đoàn cơ sở) completes the dossier before the cell considers the person;
- the receiving Party organisation asks the residence cell for comments (people living outside
  the federation's area), considers admission, holds the ceremony and considers official status;
- the Party committee where the person lives answers the request for comments;
- the competent committee (the receiving organisation's superior) decides on admission.

Due dates come from `AdmissionRule` rows of the step's start date. The cell's own deadline is the
person's admission window (age 60, certificate, dossier staleness). A fixed number of queries
whatever the number of people: one for the nominations, one each for their steps, dossier
documents and requests, plus the rules and the calendar.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from candidates.models import Nomination, NominationEvent, Status

from . import dossier, rules
from .calendar import WorkingCalendar
from .models import DossierItem, DossierItemType, ResidenceCommentRequest

SOON = 10  # working days: "due soon"
LIMIT = 2000  # nominations looked at per list (introduced and admitted, the user's scope)

UNION, PARTY, RESIDENCE, COMMITTEE = "union", "party", "residence", "committee"
BODY_KINDS = {
    UNION: gettext_lazy("Công đoàn cơ sở"),
    PARTY: gettext_lazy("Chi bộ, tổ chức Đảng tiếp nhận"),
    RESIDENCE: gettext_lazy("Cấp ủy nơi cư trú"),
    COMMITTEE: gettext_lazy("Cấp ủy có thẩm quyền quyết định"),
}


@dataclass
class Clock:
    nomination: Nomination
    step: str
    label: str
    body_kind: str
    body: str
    due_on: datetime.date | None
    days_left: int | None  # working days from today to the due date; negative when overdue
    started_on: datetime.date | None = None  # the date the clock counts from

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def soon(self) -> bool:
        return self.days_left is not None and 0 <= self.days_left <= SOON

    @property
    def late_days(self) -> int:
        return -self.days_left if self.overdue else 0

    @property
    def body_kind_label(self) -> str:
        return str(BODY_KINDS[self.body_kind])


@dataclass
class Facts:
    """What one nomination's clocks are computed from (read in bulk)."""

    cell_on: datetime.date | None = None
    cell_number: str = ""
    admitted: dict | None = None
    admitted_on: datetime.date | None = None
    ceremony_on: datetime.date | None = None
    missing: int = 0
    stale: int = 0
    certificate_on: datetime.date | None = None
    prepared_on: datetime.date | None = None
    requests: list = field(default_factory=list)
    residence_received: bool = False


def _iso(value) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _read_events(facts: dict[int, Facts], ids: list[int]) -> None:
    events = (
        NominationEvent.objects.filter(
            nomination_id__in=ids, to_status__in=[Status.INTRODUCED, Status.ADMITTED], is_correction=False
        )
        .order_by("nomination_id", "recorded_at", "pk")
        .values("nomination_id", "to_status", "from_status", "happened_on", "details")
    )
    for event in events:  # later rows win
        fact, details = facts[event["nomination_id"]], event["details"] or {}
        step = details.get("step")
        if step == "cell_resolution":
            fact.cell_on, fact.cell_number = event["happened_on"], details.get("resolution_number", "")
        elif step == "ceremony":
            fact.ceremony_on = event["happened_on"]
        elif event["to_status"] == Status.ADMITTED and event["from_status"] != Status.ADMITTED:
            fact.admitted, fact.admitted_on = details, event["happened_on"]
            fact.cell_on = _iso(details.get("cell_considered_on")) or fact.cell_on
            fact.ceremony_on = _iso(details.get("ceremony_on")) or fact.ceremony_on


def _read_dossier(facts: dict[int, Facts], nominations: list[Nomination], today, rules_now) -> None:
    types = {t.pk: t for t in dossier.item_types()}
    stale_after = rules.param(rules_now, rules.C.DOSSIER_STALENESS, "months")
    held: dict[int, dict[int, dict]] = {}
    rows = DossierItem.objects.filter(nomination__in=[n.pk for n in nominations]).values(
        "nomination_id", "item_type_id", "status", "received_on"
    )
    for row in rows:
        held.setdefault(row["nomination_id"], {})[row["item_type_id"]] = row
    for nomination in nominations:
        fact, mine = facts[nomination.pk], held.get(nomination.pk, {})
        for item_type in types.values():
            row = mine.get(item_type.pk)
            status = row["status"] if row else DossierItem.Status.MISSING
            if row is None and item_type.residence_only and nomination.person.lives_in_district:
                status = DossierItem.Status.NOT_NEEDED
            received = row["received_on"] if row else None
            if item_type.code == "certificate" and received:
                fact.certificate_on = received
            if item_type.code == "residence_comments":
                fact.residence_received = status in (DossierItem.Status.RECEIVED, DossierItem.Status.NOT_NEEDED)
            if status == DossierItem.Status.RECEIVED and item_type.goes_stale and received:
                fact.prepared_on = min(fact.prepared_on or received, received)
                if today > rules.add_months(received, stale_after) and fact.cell_on is None:
                    status = DossierItem.Status.STALE
                    fact.stale += 1
            if item_type.step == DossierItemType.Step.BEFORE_CELL:
                fact.missing += status in (DossierItem.Status.MISSING, DossierItem.Status.STALE)


def _read_requests(facts: dict[int, Facts], ids: list[int]) -> None:
    requests = (
        ResidenceCommentRequest.objects.filter(nomination_id__in=ids)
        .select_related("organization")
        .order_by("nomination_id", "sent_on", "pk")
    )
    for request in requests:
        facts[request.nomination_id].requests.append(request)


@dataclass
class _CountedPerson:
    date_of_birth: datetime.date | None
    lives_in_district: bool


@dataclass
class _Counted:
    """What a count needs of a nomination (the clocks' dates, not the names they print)."""

    pk: int
    status: str
    person: _CountedPerson
    union: object = field(default_factory=lambda: SimpleNamespace(name=""))  # a count names no body
    introduction: object = None
    order: int = 0  # its place in the list's order (by name), for lists that keep rows without names


def open_after_introduction(user):
    """The user's introduced and admitted nominations in the order every list of steps reads
    them, the first `LIMIT` of which it looks at: by name (`sort_name`, from its index)."""
    return (
        Nomination.objects.for_user(user)
        .filter(status__in=[Status.INTRODUCED, Status.ADMITTED])
        .order_by("sort_name", "pk")
    )


def counted_nominations(user, limit: int = LIMIT) -> list[_Counted]:
    """The nominations `scoped_nominations` returns, in its order, as plain rows of what the
    clocks' dates depend on: no model instances, no names, no one's data read for display."""
    rows = open_after_introduction(user).values_list(
        "pk", "status", "person__date_of_birth", "person__lives_in_district"
    )[:limit]
    return [_Counted(pk, status, _CountedPerson(born, lives)) for pk, status, born, lives in rows]


def listed_nominations(user, limit: int = LIMIT) -> list[_Counted]:
    """The nominations `scoped_nominations` returns, in its order, as plain rows of what the
    clocks compute and the lists group by: the dates, the union's and the receiving Party
    organisations' names. No one's name: a list reads its page's people itself (`with_people`)."""
    rows = open_after_introduction(user).values_list(
        "pk",
        "status",
        "person__date_of_birth",
        "person__lives_in_district",
        "union__name",
        "introduction__pk",
        "introduction__receiving_organization__name",
        "introduction__receiving_organization__parent_id",
        "introduction__receiving_organization__parent__name",
    )[:limit]
    listed = []
    for order, (pk, status, born, lives, union, introduction, receiving, parent_id, parent) in enumerate(rows):
        if introduction is not None:
            organization = SimpleNamespace(name=receiving, parent_id=parent_id, parent=SimpleNamespace(name=parent))
            introduction = SimpleNamespace(receiving_organization=organization)
        person = _CountedPerson(born, lives)
        listed.append(_Counted(pk, status, person, SimpleNamespace(name=union), introduction, order))
    return listed


def with_people(user, shown: list[Clock]) -> list[Clock]:
    """The clocks of a page, each with its nomination read in full (the person, the union), in scope."""
    nominations = (
        Nomination.objects.for_user(user).select_related("person", "union").in_bulk([c.nomination.pk for c in shown])
    )
    shown = [c for c in shown if c.nomination.pk in nominations]
    return [dataclasses.replace(c, nomination=nominations[c.nomination.pk]) for c in shown]


def scoped_nominations(user, limit: int = LIMIT) -> list[Nomination]:
    """The user's introduced and admitted nominations, with what the clocks name."""
    return list(
        open_after_introduction(user).select_related("person", "union", "introduction__receiving_organization__parent")[
            :limit
        ]
    )


class Clocks:
    """The open steps of many nominations, computed together (a fixed number of queries)."""

    def __init__(self, nominations: list[Nomination], today: datetime.date, calendar: WorkingCalendar | None = None):
        self.today = today
        self.calendar = calendar or WorkingCalendar()
        self.rows = rules.rule_rows()
        self.rules_now = rules.rules_in_force(today, self.rows)
        self.nominations = nominations
        self.facts = {n.pk: Facts() for n in nominations}
        # Pure functions of their arguments, asked again and again for people sharing a date.
        self._due_dates: dict[tuple[str, datetime.date], datetime.date] = {}
        self._windows: dict[tuple, datetime.date | None] = {}
        self._days_left: dict[datetime.date, int] = {}
        ids = [n.pk for n in nominations]
        if ids:
            _read_events(self.facts, ids)
            _read_dossier(self.facts, [n for n in nominations if n.status == Status.INTRODUCED], today, self.rules_now)
            _read_requests(self.facts, ids)

    def _clock(self, nomination, step, label, kind, body, due_on, started_on=None) -> Clock:
        left = None
        if due_on:
            left = self._days_left.get(due_on)
            if left is None:
                left = self._days_left[due_on] = self.calendar.working_days_between(self.today, due_on)
        if due_on and due_on < self.today:
            left = min(left, -1)
        return Clock(nomination, step, label, kind, body, due_on, left, started_on)

    def _due(self, code: str, start: datetime.date) -> datetime.date:
        key = (code, start)
        if key not in self._due_dates:
            self._due_dates[key] = rules.due_date(code, start, self.calendar, self.rows)
        return self._due_dates[key]

    def window_closes(self, nomination: Nomination, fact: Facts) -> datetime.date | None:
        born = nomination.person.date_of_birth
        if not born:
            return None
        key = (born, fact.certificate_on, fact.prepared_on)
        if key not in self._windows:
            window = rules.admission_window(born, fact.certificate_on, fact.prepared_on, self.today, self.rows)
            self._windows[key] = window[0][1] if window else None
        return self._windows[key]

    def for_nomination(self, nomination: Nomination) -> list[Clock]:
        fact = self.facts[nomination.pk]
        if nomination.status == Status.INTRODUCED:
            return self._introduced(nomination, fact)
        if nomination.status == Status.ADMITTED:
            return self._admitted(nomination, fact)
        return []

    def _receiving(self, nomination: Nomination) -> tuple[str, str]:
        """The receiving Party organisation's name and its superior's (the competent committee)."""
        introduction = getattr(nomination, "introduction", None)
        if introduction is None:
            return _("(chưa ghi tổ chức Đảng tiếp nhận)"), ""
        organization = introduction.receiving_organization
        return organization.name, organization.parent.name if organization.parent_id else ""

    def _introduced(self, nomination: Nomination, fact: Facts) -> list[Clock]:
        receiving, superior = self._receiving(nomination)
        closes = self.window_closes(nomination, fact)
        found = []
        if fact.cell_on is not None:
            due = self._due(rules.C.DECISION_DEADLINE, fact.cell_on)
            label = _("Ra quyết định kết nạp (chi bộ xét ngày %(d)s)") % {"d": fact.cell_on.strftime("%d/%m/%Y")}
            return [self._clock(nomination, "decision", label, COMMITTEE, superior or receiving, due, fact.cell_on)]
        if fact.missing:
            label = _("Hoàn thiện hồ sơ kết nạp (còn thiếu %(n)s giấy tờ)") % {"n": fact.missing}
            found.append(self._clock(nomination, "dossier", label, UNION, nomination.union.name, closes))
        if not nomination.person.lives_in_district and not fact.residence_received:
            waiting = [r for r in fact.requests if r.is_waiting]
            if waiting:
                request = waiting[-1]
                due = self._due(rules.C.RESIDENCE_REPLY, request.sent_on)
                label = _("Trả lời đề nghị nhận xét nơi cư trú (gửi ngày %(d)s)") % {
                    "d": request.sent_on.strftime("%d/%m/%Y")
                }
                found.append(self._clock(nomination, "residence_reply", label, RESIDENCE, request.addressee, due))
            elif not fact.requests:
                label = _("Gửi đề nghị chi ủy nơi cư trú nhận xét")
                found.append(self._clock(nomination, "residence_request", label, PARTY, receiving, closes))
        found.append(self._clock(nomination, "cell", _("Chi bộ xét kết nạp"), PARTY, receiving, closes))
        return found

    def _admitted(self, nomination: Nomination, fact: Facts) -> list[Clock]:
        details = fact.admitted or {}
        cell = details.get("organization") or self._receiving(nomination)[0]
        if fact.ceremony_on is None:
            decided = _iso(details.get("decision_date")) or fact.admitted_on
            if decided is None:
                return []
            due = self._due(rules.C.CEREMONY_DEADLINE, decided)
            label = _("Tổ chức lễ kết nạp (quyết định ngày %(d)s)") % {"d": decided.strftime("%d/%m/%Y")}
            return [self._clock(nomination, "ceremony", label, PARTY, cell, due)]
        end = rules.probation_end(fact.ceremony_on, self.rows)
        due = self._due(rules.C.OFFICIAL_CONSIDERATION, end)
        label = _("Xét công nhận đảng viên chính thức (hết dự bị %(d)s)") % {"d": end.strftime("%d/%m/%Y")}
        return [self._clock(nomination, "official", label, PARTY, cell, due)]

    def all(self) -> list[Clock]:
        return [clock for nomination in self.nominations for clock in self.for_nomination(nomination)]


def clocks_for(nomination: Nomination, today: datetime.date | None = None) -> list[Clock]:
    """The open steps of one nomination (its page and its dossier page)."""
    return Clocks([nomination], today or timezone.localdate()).for_nomination(nomination)


def action_counts(user, today: datetime.date) -> dict[str, int]:
    """People with a step overdue, due within 10 working days, a stale dossier, residence comments
    awaited, documents missing: the dashboard's "what needs my action" (a fixed number of queries)."""
    computed = Clocks(counted_nominations(user), today)
    found = computed.all()

    def people(test) -> int:
        return len({c.nomination.pk for c in found if test(c)})

    return {
        "overdue": people(lambda c: c.overdue),
        "soon": people(lambda c: c.soon),
        "stale": people(lambda c: c.step == "cell" and computed.facts[c.nomination.pk].stale),
        "waiting": people(lambda c: c.step in ("residence_reply", "residence_request")),
        "missing": people(lambda c: c.step == "dossier"),
    }
