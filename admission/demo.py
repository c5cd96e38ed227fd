"""The 2022 story after the class (SPEC §5 and §7), with the invented people of the demo.

Of the 44 learners who completed the class of 20/03/2022, through the real services:

- 9 introduced by their union executive in April 2022: their dossiers are prepared, the
  residence comments of those living outside the district asked and answered, the cell
  considers them in June, the committee decides in July and the ceremony is in August;
  - 6 are recognised as official members when probation ends in August 2023;
  - 1 is not recognised and is removed from the list (xóa tên);
  - 1 is over 60 on the day the cell meets, with no provincial decision: admission is refused
    by the age rule, and the person is taken off the list;
  - 1 is never considered: the dossier prepared in April 2022 has gone stale;
- 5 introduced later (the certificate is valid 60 months), dated from the day the demo is
  loaded so that each list has rows on first start:
  - 1 considered by the cell, whose admission decision is now overdue;
  - 4 living outside the district waiting for the comments of their residence committee
    (two requests overdue, one due soon, one not sent yet).

Everything else of 2022 stays as the earlier demo left it. Numbers of resolutions and
decisions are invented.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from candidates import services
from candidates.eligibility import full_months
from candidates.models import Introduction, Nomination, Status
from unions.models import PartyOrganization

from . import dossier, residence
from .calendar import WorkingCalendar
from .models import DossierItem, ResidenceCommentRequest

YEAR = 2022
D = datetime.date
CERTIFICATE_ON = D(2022, 3, 25)
INTRODUCED_ON = D(2022, 4, 15)
DOCUMENTS_ON = D(2022, 4, 20)
CELL_ON = D(2022, 6, 15)
DECIDED_ON = D(2022, 7, 20)
CEREMONY_ON = D(2022, 8, 5)
PROBATION_ENDS = D(2023, 8, 5)
OFFICIAL_DECIDED_ON = D(2023, 8, 25)
# The learner over 60 when the cell meets (their birth date is set in candidates.demo).
OVER_AGE_CITIZEN_ID = "099000000038"
CO_INTRODUCERS = {
    "CD-SUNVIGO": ("Trần Văn Giới", D(2015, 3, 1)),
    "CD-PHUCTHUAN": ("Lê Thị Dẫn", D(2016, 9, 1)),
    "CD-M2": ("Vũ Đức Tiến", D(2018, 5, 1)),
}
COMMITTEE_TOTAL = {"CD-SUNVIGO": 7, "CD-PHUCTHUAN": 5, "CD-M2": 5}
BEFORE_CELL = ["certificate", "application", "personal_history", "introducer_letter", "union_resolution"]
AFTER_CELL = ["cell_resolution", "committee_resolution", "decision"]


def receiving_organization(nomination: Nomination) -> PartyOrganization | None:
    """The enterprise's own Party organisation, else the committee of its commune."""
    enterprise = nomination.union.enterprise
    found = PartyOrganization.objects.filter(enterprise=enterprise, retired_on__isnull=True).first()
    if found is None and enterprise.commune_id:
        found = PartyOrganization.objects.filter(
            area=enterprise.commune_id, kind=PartyOrganization.Kind.COMMUNE_COMMITTEE, retired_on__isnull=True
        ).first()
    return found or PartyOrganization.objects.filter(kind=PartyOrganization.Kind.DISTRICT_COMMITTEE).first()


def introduce(nomination: Nomination, staff, on: datetime.date, number: int) -> Nomination:
    code = nomination.union.code
    nomination = services.move(
        nomination, Status.INTRODUCED, staff, on=on, details={"resolution_number": f"{number:02d}/NQ-CĐCS"}
    )
    total = COMMITTEE_TOTAL.get(code, 5)
    name, since = CO_INTRODUCERS.get(code, ("Nguyễn Văn Chung", D(2015, 1, 1)))
    Introduction.objects.create(
        nomination=nomination,
        resolution_number=f"{number:02d}/NQ-CĐCS",
        resolution_date=on,
        meeting_date=on - datetime.timedelta(days=1),
        committee_total=total,
        committee_present=total - 1,
        votes_for=total - 1,
        receiving_organization=receiving_organization(nomination),
        co_introducer_name=name,
        co_introducer_worked_since=since,
        residence_comment_requested=not nomination.person.lives_in_district,
    )
    return Nomination.objects.select_related("person", "union").get(pk=nomination.pk)


def receive(nomination: Nomination, staff, codes: list[str], on: datetime.date) -> None:
    for item in dossier.items(nomination, today=on):
        if item.item_type.code in codes:
            received = CERTIFICATE_ON if item.item_type.code == "certificate" else on
            dossier.record(item, staff, status=DossierItem.Status.RECEIVED, received_on=received, version=item.version)


def residence_committee(nomination: Nomination) -> str:
    person = nomination.person
    commune = person.residence_commune
    return f"Đảng ủy {commune[:1].lower()}{commune[1:]}, {person.residence_district}, {person.residence_province}"


def ask_residence(nomination, staff, sent_on, number, reply_on=None) -> None:
    request = residence.send_request(
        nomination,
        staff,
        organization=None,
        organization_text=residence_committee(nomination),
        number=f"{number}/CV-LĐLĐ",
        sent_on=sent_on,
        channel=ResidenceCommentRequest.Channel.POST,
    )
    if reply_on is not None:
        residence.record_reply(
            request,
            staff,
            replied_on=reply_on,
            outcome=ResidenceCommentRequest.Outcome.AGREE,
            note="Chấp hành tốt chủ trương, chính sách, pháp luật tại nơi cư trú; gia đình gương mẫu.",
            upload=None,
            version=request.version,
        )


def prepare(nomination, staff, on, number) -> Nomination:
    """Introduced on `on`, the dossier received a few days later (residence comments answered)."""
    nomination = introduce(nomination, staff, on, number)
    received = on + datetime.timedelta(days=5)
    receive(nomination, staff, BEFORE_CELL + ["workplace_comments"], received)
    if not nomination.person.lives_in_district:
        ask_residence(
            nomination, staff, on + datetime.timedelta(days=7), 100 + number, on + datetime.timedelta(days=30)
        )
    return Nomination.objects.get(pk=nomination.pk)


def cell_resolution(nomination, staff, on, number) -> Nomination:
    return services.record_step(
        nomination,
        "cell_resolution",
        staff,
        on=on,
        details={"resolution_number": f"{number:02d}-NQ/CB", "members_total": 5, "votes_for": 5},
    )


def admit(nomination, staff, number) -> Nomination:
    organization = Nomination.objects.get(pk=nomination.pk).introduction.receiving_organization
    nomination = services.move(
        nomination,
        Status.ADMITTED,
        staff,
        on=DECIDED_ON,
        details={
            "decision_number": f"{number:02d}-QĐ/HU",
            "decision_date": DECIDED_ON.isoformat(),
            "organization_id": organization.pk,
            "organization": organization.name,
            "ceremony_on": CEREMONY_ON.isoformat(),
        },
    )
    receive(nomination, staff, AFTER_CELL, DECIDED_ON)
    return nomination


def _story_2022(people: list[Nomination], over_age: Nomination | None, staff) -> None:
    admitted, stale = people[:7], people[7]
    for number, nomination in enumerate(admitted, start=1):
        nomination = prepare(nomination, staff, INTRODUCED_ON, number)
        nomination = cell_resolution(nomination, staff, CELL_ON, number)
        nomination = admit(nomination, staff, number)
        if number < len(admitted):
            services.move(
                nomination,
                Status.OFFICIAL,
                staff,
                on=PROBATION_ENDS,
                details={"decision_number": f"{40 + number}-QĐ/HU", "decision_date": OFFICIAL_DECIDED_ON.isoformat()},
            )
        else:
            services.move(
                nomination,
                Status.REMOVED,
                staff,
                on=OFFICIAL_DECIDED_ON,
                reason="Hết thời gian dự bị, chi bộ xét không đủ tư cách đảng viên chính thức (vi phạm tư cách "
                "đảng viên, không hoàn thành nhiệm vụ được giao).",
                details={"decision_number": "47-QĐ/HU", "decision_date": OFFICIAL_DECIDED_ON.isoformat()},
            )
    prepare(stale, staff, INTRODUCED_ON, 8)  # never considered: the dossier went stale in April 2023
    if over_age is not None:
        _refused_over_age(over_age, staff)


def _refused_over_age(nomination, staff) -> None:
    born = nomination.person.date_of_birth
    if born is None or full_months(born, CELL_ON) <= 720:
        return  # the demo's people were generated otherwise: nobody to refuse
    nomination = prepare(nomination, staff, INTRODUCED_ON, 9)
    try:
        services.move(
            nomination,
            Status.ADMITTED,
            staff,
            on=CELL_ON,
            details={"cell_considered_on": CELL_ON.isoformat(), "decision_number": "—"},
        )
    except ValidationError as refused:
        reason = "Chi bộ xét ngày 15/06/2022: " + " ".join(refused.messages)
    else:
        return  # admitted after all (rules changed): nothing to take off the list
    services.move(Nomination.objects.get(pk=nomination.pk), Status.WITHDRAWN, staff, reason=reason, on=CELL_ON)


def _story_now(people: list[Nomination], outsiders: list[Nomination], staff, today: datetime.date) -> None:
    """Later introductions, dated from `today`: a decision overdue, residence comments awaited."""
    day = datetime.timedelta(days=1)
    if people:
        nomination = prepare(people[0], staff, today - 200 * day, 20)
        cell_resolution(nomination, staff, today - 110 * day, 20)  # 60 working days have run out
    # The third request is due within 10 working days whatever the day (25 of its 30 have run).
    soon, calendar = today, WorkingCalendar()
    while calendar.working_days_between(soon, today) < 25:
        soon -= day
    for number, (nomination, sent) in enumerate(
        zip(outsiders, (70, 65, (today - soon).days, None), strict=False), start=21
    ):
        nomination = introduce(nomination, staff, today - 75 * day, number)
        codes = BEFORE_CELL + ["workplace_comments"]
        if number == 24:
            codes = [c for c in codes if c != "personal_history"]  # still being verified
        receive(nomination, staff, codes, today - 72 * day)
        if sent is not None:
            ask_residence(nomination, staff, today - sent * day, 200 + number)


def _round_robin(nominations: list[Nomination]) -> list[Nomination]:
    """One from each union in turn, so that each pilot union has people at every step."""
    by_union: dict[str, list[Nomination]] = {}
    for nomination in nominations:
        by_union.setdefault(nomination.union.code, []).append(nomination)
    queues = [by_union[code] for code in sorted(by_union)]
    order = []
    while any(queues):
        order.extend(queue.pop(0) for queue in queues if queue)
    return order


def seed(context: dict) -> None:
    federation = context["federation"]
    completed = list(
        Nomination.objects.filter(federation=federation, year=YEAR, status=Status.COMPLETED)
        .select_related("person", "union__enterprise")
        .order_by("person__citizen_id")
    )
    if Nomination.objects.filter(federation=federation, year=YEAR, stage__gte=5).exists() or not completed:
        return  # already loaded (or nothing to continue): running the demo twice changes nothing
    staff = get_user_model().objects.get(username="canbo")
    today = timezone.localdate()
    over_age = next((n for n in completed if n.person.citizen_id == OVER_AGE_CITIZEN_ID), None)
    rest = _round_robin([n for n in completed if n is not over_age])
    inside = [n for n in rest if n.person.lives_in_district]
    outside = [n for n in rest if not n.person.lives_in_district]
    # Admitted in 2022: four from the district, three from elsewhere; then the stale dossier.
    story_2022 = inside[:4] + outside[:3] + inside[4:5]
    _story_2022(story_2022, over_age, staff)
    _story_now(inside[5:6], outside[3:7], staff, today)
