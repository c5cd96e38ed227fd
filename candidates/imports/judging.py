"""Judging the rows of an upload: inside the file, then the eligibility rules with the database asked in batches."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from tienlang.lib.text import fold
from unions.models import GrassrootsUnion

from .. import eligibility, privacy, services, transfers
from ..models import (
    Nomination,
    Person,
)
from .contract import (
    DEFAULTS,
    ERROR,
    FINDING_COLUMN,
    KEEP_WHEN_BLANK,
    WARNING,
    ImportRow,
)


def check_inside_file(rows: list[ImportRow]) -> None:
    """The same person twice in one file: an error on the later row, naming the earlier one."""
    first_by_id: dict[str, int] = {}
    first_by_name: dict[tuple[str, datetime.date], ImportRow] = {}
    for row in rows:
        citizen_id = row.data.get("citizen_id")
        if citizen_id:
            if citizen_id in first_by_id:
                row.add(
                    "citizen_id",
                    _("Số CCCD trùng với dòng %(row)s trong tệp; mỗi người chỉ ghi một dòng.")
                    % {"row": first_by_id[citizen_id]},
                )
            else:
                first_by_id[citizen_id] = row.number
        name, born = row.data.get("full_name"), row.data.get("date_of_birth")
        if name and born:
            key = (fold(name), born)
            earlier = first_by_name.get(key)
            if earlier is None:
                first_by_name[key] = row
            elif earlier.data.get("citizen_id") != citizen_id and citizen_id:
                message = _("%(n)s: trùng họ tên, ngày sinh %(d)s với dòng %(row)s (khác số CCCD); hãy kiểm tra lại.")
                row.findings.append(
                    eligibility.Finding(
                        "possible_duplicate",
                        eligibility.WARNING,
                        message % {"n": name, "d": born.strftime("%d/%m/%Y"), "row": earlier.number},
                    )
                )


ELIGIBILITY_KEYS = ("full_name", "date_of_birth", "citizen_id", "union_joined_on", "education")


@dataclass
class Records:
    """What the database holds about the citizen IDs and names of a file, fetched in a few queries."""

    holders: dict[str, Person]  # citizen ID -> its person, wherever held
    outside: set[str]  # citizen IDs held outside the user's scope (without a user: outside the union)
    people: dict[str, Person]  # citizen ID -> its person, in scope
    others: dict[str, list[dict]]  # citizen ID -> its nominations (status, year, union_id), in scope
    lookalikes: dict[tuple[str, datetime.date], set[str]]  # (folded name, birth date) -> citizen IDs, open

    def held_elsewhere(self, citizen_id: str) -> Person | None:
        return self.holders.get(citizen_id) if citizen_id in self.outside else None

    def lookalike_ids(self, data: dict) -> set[str]:
        return self.lookalikes.get((fold(data["full_name"]), data["date_of_birth"]), set()) - {data["citizen_id"]}


def fetch_records(readable: list[ImportRow], union: GrassrootsUnion, user) -> Records:
    """The batch fetcher of the database rules: each query answers every row of the file."""
    citizen_ids = {row.data["citizen_id"] for row in readable}
    holders = {p.citizen_id: p for p in Person.objects.filter(citizen_id__in=citizen_ids)} if citizen_ids else {}
    if user is not None:
        outside = transfers.people_outside_scope(user, holders)
    else:
        outside = {cid for cid, person in holders.items() if person.union_id != union.pk}
    people = {cid: person for cid, person in holders.items() if cid not in outside}
    others: dict[str, list[dict]] = {}
    if people:
        for other in Nomination.objects.filter(person__citizen_id__in=set(people)).values(
            "person__citizen_id", "status", "year", "union_id"
        ):
            others.setdefault(other["person__citizen_id"], []).append(other)
    names = {fold(row.data["full_name"]) for row in readable}
    lookalikes: dict[tuple[str, datetime.date], set[str]] = {}
    if names:
        # Look-alikes are sought where the user may look; elsewhere they would be a disclosure.
        open_nominations = Nomination.objects.for_user(user) if user is not None else union_nominations(union)
        for other in (
            open_nominations.open()
            .filter(person__name_folded__in=_one_of(names))
            .order_by()
            .values("person__name_folded", "person__date_of_birth", "person__citizen_id")
        ):
            key = (other["person__name_folded"], other["person__date_of_birth"])
            lookalikes.setdefault(key, set()).add(other["person__citizen_id"])
    return Records(holders, outside, people, others, lookalikes)


def _one_of(values: set[str]):
    """`values` for an `__in` lookup of a few thousand names.

    On PostgreSQL as one array parameter unnested in a subquery: a list of 5,000 literals in
    `IN (...)` is planned onto the trigram index of the folded names (`cand_person_name_trgm`),
    which answers each name by its trigrams (10 to 98 s for an upload of 5,000 rows at the
    city tier); a subquery is joined by hash instead (0.1-0.3 s).
    """
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::varchar[])", (sorted(values),))
    return values


def check_eligibility(rows: list[ImportRow], union: GrassrootsUnion, on: datetime.date, year: int, user) -> None:
    """The eligibility rules for every row that could be read, with the database asked in batches."""
    rules = eligibility.rules_in_force(on)
    readable = [row for row in rows if all(row.data.get(key) for key in ELIGIBILITY_KEYS)]
    records = fetch_records(readable, union, user)
    for row in readable:
        _judge_row(row, records, union, on, year, rules)
    for row in rows:
        _report(row)


def _judge_row(row: ImportRow, records: Records, union: GrassrootsUnion, on: datetime.date, year: int, rules) -> None:
    data = row.data
    person = records.people.get(data["citizen_id"])
    row.existing = person
    row.held_elsewhere = records.held_elsewhere(data["citizen_id"])
    facts = eligibility.Facts(
        full_name=data["full_name"],
        date_of_birth=data["date_of_birth"],
        citizen_id=data["citizen_id"],
        union_joined_on=data["union_joined_on"],
        education=data["education"],
        union=union,
        federation=union.federation,
        is_party_member=person.is_party_member if person else False,
        discipline_until=person.discipline_until if person else None,
    )
    findings = eligibility.check(facts, on, year, rules=rules, check_database=False)
    if row.held_elsewhere is not None:
        findings.append(eligibility.held_elsewhere_finding(data["full_name"], row.held_elsewhere.pk))
    else:
        others = records.others.get(data["citizen_id"], [])
        findings += database_findings(facts, year, others, records.lookalike_ids(data), rules)
        findings += privacy.privacy_findings(person)  # restricted or anonymised: no new nomination
    row.findings = findings + row.findings
    if person is not None:
        row.changes = services.person_changes(person, {k: v for k, v in data.items() if v not in (None, "")})


def _report(row: ImportRow) -> None:
    """The row's findings as problems in their columns; blank optional values filled in."""
    for finding in row.findings:
        level = ERROR if finding.is_block else WARNING
        row.add(FINDING_COLUMN.get(finding.code, "full_name"), finding.message, level)
    # Optional values left blank: the defaults for a new person, what is on record otherwise
    # (only for a person in the user's scope: nothing is copied from a record held elsewhere).
    for key in KEEP_WHEN_BLANK:
        if not row.data.get(key):
            row.data[key] = getattr(row.existing, key) if row.existing else DEFAULTS.get(key, "")


def union_nominations(union: GrassrootsUnion):
    return Nomination.objects.filter(union=union)


# The database rules, judged on the records fetched for the whole file (see `check_eligibility`).
database_findings = eligibility.judge_records
