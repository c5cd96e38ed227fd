"""The database rules say the same through the one-row check (the form) and the batch check (the upload)."""

from __future__ import annotations

import pytest

from candidates import eligibility, imports
from candidates.models import Nomination, Status
from candidates.services import facts_from_data
from tests import factories
from tests.candidates.test_import_support import citizen_id, make_xlsx, row

pytestmark = pytest.mark.django_db

YEAR = 2022
DATABASE_CODES = ("open_nomination", "party_member", "possible_duplicate", eligibility.HELD_ELSEWHERE)


def _ended(nomination, status=Status.WITHDRAWN):
    Nomination.objects.filter(pk=nomination.pk).update(status=status)
    return nomination


def _cases(union_a, union_b) -> dict[str, dict]:
    """One upload row per branch of the database rules."""
    admitted = _ended(factories.make_nomination(union_a, year=2019, citizen_id=citizen_id()), Status.ADMITTED)
    official = _ended(factories.make_nomination(union_a, year=2019, citizen_id=citizen_id()), Status.OFFICIAL)
    open_here = factories.make_nomination(union_a, year=2021, citizen_id=citizen_id())
    open_elsewhere = factories.make_nomination(union_b, year=2021, citizen_id=citizen_id())
    same_year = _ended(factories.make_nomination(union_a, year=YEAR, citizen_id=citizen_id()), Status.REJECTED)
    other_year = _ended(factories.make_nomination(union_a, year=2019, citizen_id=citizen_id()))
    # Open in another union, with an ended nomination in this one: the open one says where.
    moved = factories.make_nomination(union_b, year=2021, citizen_id=citizen_id())
    ended_here = _ended(factories.make_nomination(union_a, year=2019, citizen_id=citizen_id()))
    Nomination.objects.filter(pk=ended_here.pk).update(person=moved.person)
    lookalike_here = factories.make_nomination(union_a, year=2021, full_name="Bùi Thị Na Ná")
    lookalike_elsewhere = factories.make_nomination(union_b, year=2021, full_name="Lò Văn Giống")
    ended_lookalike = _ended(factories.make_nomination(union_a, year=2021, full_name="Đinh Thị Đã Rút"))

    def like(nomination, name):
        return row(full_name=name, date_of_birth=nomination.person.date_of_birth.strftime("%d/%m/%Y"))

    return {
        "admitted": row(citizen_id=admitted.person.citizen_id),
        "official": row(citizen_id=official.person.citizen_id),
        "open in this union": row(citizen_id=open_here.person.citizen_id),
        "open elsewhere": row(citizen_id=open_elsewhere.person.citizen_id),
        "open elsewhere, ended here": row(citizen_id=moved.person.citizen_id),
        "same year ended": row(citizen_id=same_year.person.citizen_id),
        "other year ended": row(citizen_id=other_year.person.citizen_id),
        "look-alike here": like(lookalike_here, "Bùi Thị Na Ná"),
        "look-alike elsewhere": like(lookalike_elsewhere, "Lò Văn Giống"),
        "look-alike ended": like(ended_lookalike, "Đinh Thị Đã Rút"),
        "none": row(),
    }


def _one_by_one(import_row, union, user) -> list[dict]:
    on = imports.nomination_date(YEAR)
    facts = facts_from_data(import_row.data, union)
    found = eligibility.database_findings(facts, on, YEAR, None, eligibility.rules_in_force(on), viewer=user)
    return [f.as_dict() for f in found]


def _batched(import_row) -> list[dict]:
    return [f.as_dict() for f in import_row.findings if f.code in DATABASE_CODES]


@pytest.mark.parametrize("who", ["staff", "chair_a"])
def test_every_database_rule_says_the_same_one_by_one_and_batched(who, union_a, union_b, request):
    user = request.getfixturevalue(who)
    cases = _cases(union_a, union_b)
    result = imports.analyse(make_xlsx(list(cases.values())), union_a, YEAR, user=user)
    assert len(result.rows) == len(cases)
    seen = {}
    for name, import_row in zip(cases, result.rows, strict=True):
        expected = _one_by_one(import_row, union_a, user)
        assert _batched(import_row) == expected, name
        seen[name] = [f["code"] for f in expected]
    if who == "staff":
        assert seen == {
            "admitted": ["party_member"],
            "official": ["party_member"],
            "open in this union": ["open_nomination"],
            "open elsewhere": ["open_nomination"],
            "open elsewhere, ended here": ["open_nomination"],
            "same year ended": ["open_nomination"],
            "other year ended": [],
            "look-alike here": ["possible_duplicate"],
            "look-alike elsewhere": ["possible_duplicate"],
            "look-alike ended": [],
            "none": [],
        }
    else:  # a chair sees only their own union: what is held elsewhere is not described
        assert seen["open elsewhere"] == [eligibility.HELD_ELSEWHERE]
        assert seen["open elsewhere, ended here"] == [eligibility.HELD_ELSEWHERE]
        assert seen["look-alike elsewhere"] == []
        assert seen["look-alike here"] == ["possible_duplicate"]


def test_an_open_nomination_elsewhere_is_placed_elsewhere_even_with_an_ended_one_here(union_a, union_b, staff):
    moved = factories.make_nomination(union_b, year=2021, citizen_id=citizen_id())
    ended_here = _ended(factories.make_nomination(union_a, year=2019, citizen_id=citizen_id()))
    Nomination.objects.filter(pk=ended_here.pk).update(person=moved.person)
    result = imports.analyse(make_xlsx([row(citizen_id=moved.person.citizen_id)]), union_a, YEAR, user=staff)
    (import_row,) = result.rows
    messages = [f["message"] for f in _batched(import_row)]
    assert messages == [f["message"] for f in _one_by_one(import_row, union_a, staff)]
    assert len(messages) == 1 and "tại một công đoàn cơ sở khác" in messages[0]
