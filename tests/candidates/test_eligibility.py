"""Each eligibility rule at its boundaries, counted by month as the regulations say."""

from __future__ import annotations

import datetime

import pytest

from candidates import eligibility
from candidates.eligibility import BLOCK, WARNING, Facts, full_months
from candidates.models import EligibilityRule

pytestmark = pytest.mark.django_db

ON = datetime.date(2022, 2, 15)


def facts(union, **kwargs) -> Facts:
    values = {
        "full_name": "Lê Thị Thử",
        "date_of_birth": datetime.date(1995, 5, 5),
        "citizen_id": "099000000001",
        "union_joined_on": datetime.date(2018, 1, 1),
        "education": "12/12",
        "union": union,
        "federation": union.federation,
    }
    values.update(kwargs)
    return Facts(**values)


def codes(findings, level=None):
    return {(f.code, f.level) for f in findings if level is None or f.level == level}


def years_months_before(on: datetime.date, years: int, months: int = 0, days: int = 0) -> datetime.date:
    total = on.year * 12 + (on.month - 1) - years * 12 - months
    return datetime.date(total // 12, total % 12 + 1, on.day) - datetime.timedelta(days=days)


def test_full_months_counts_whole_months_only():
    assert full_months(datetime.date(2021, 2, 15), datetime.date(2022, 2, 15)) == 12
    assert full_months(datetime.date(2021, 2, 16), datetime.date(2022, 2, 15)) == 11
    assert full_months(datetime.date(2021, 1, 31), datetime.date(2021, 2, 28)) == 1  # month end reached


def test_a_clean_person_has_no_findings(union_a):
    assert eligibility.check(facts(union_a), ON) == []


def test_membership_exactly_twelve_months_passes_one_day_less_blocks(union_a):
    exactly = eligibility.check(facts(union_a, union_joined_on=datetime.date(2021, 2, 15)), ON)
    assert codes(exactly) == set()
    short = eligibility.check(facts(union_a, union_joined_on=datetime.date(2021, 2, 16)), ON)
    assert codes(short) == {("membership", BLOCK)}
    assert "Lê Thị Thử" in short[0].message and "12 tháng" in short[0].message and "11 tháng" in short[0].message


@pytest.mark.parametrize(
    "age_years, age_months, age_days, expected",
    [
        (17, 5, 0, {("age", BLOCK)}),  # 17y5m: under 17y6m
        (17, 6, -1, {("age", BLOCK)}),  # one day short of 17y6m
        (17, 6, 0, {("age", WARNING)}),  # exactly 17y6m: warn
        (17, 11, 0, {("age", WARNING)}),
        (18, 0, 0, set()),  # exactly 18: fine
        (60, 0, 0, set()),  # exactly 60 (720 months): fine
        (60, 0, 20, set()),  # 60 and some days: still 720 full months
        (60, 1, 0, {("age", BLOCK)}),  # 60 years 1 month: over 60
    ],
)
def test_age_boundaries_by_month(union_a, age_years, age_months, age_days, expected):
    born = years_months_before(ON, age_years, age_months, age_days)
    assert codes(eligibility.check(facts(union_a, date_of_birth=born), ON)) == expected


def test_education_below_lower_secondary_warns_only(union_a):
    findings = eligibility.check(facts(union_a, education="8/12"), ON)
    assert codes(findings) == {("education", WARNING)}
    assert codes(eligibility.check(facts(union_a, education="9/12"), ON)) == set()
    assert codes(eligibility.check(facts(union_a, education="THCS"), ON)) == set()


def test_party_member_and_discipline_block(union_a):
    assert codes(eligibility.check(facts(union_a, is_party_member=True), ON)) == {("party_member", BLOCK)}
    in_force = eligibility.check(facts(union_a, discipline_until=ON), ON)
    assert codes(in_force) == {("discipline", BLOCK)}
    ended = eligibility.check(facts(union_a, discipline_until=ON - datetime.timedelta(days=1)), ON)
    assert codes(ended) == set()


def test_union_of_another_federation_blocks(union_a, union_elsewhere):
    findings = eligibility.check(facts(union_elsewhere, federation=union_a.federation), ON)
    assert codes(findings) == {("union_member", BLOCK)}


def test_findings_carry_the_legal_basis_of_their_date(union_a):
    old = eligibility.check(facts(union_a), datetime.date(2020, 6, 1))
    assert old == []
    young = eligibility.check(
        facts(union_a, date_of_birth=datetime.date(2003, 1, 1)), datetime.date(2020, 6, 1)
    )  # 17y5m in 2020
    assert "29-QĐ/TW" in young[0].legal_basis
    new = eligibility.check(facts(union_a, date_of_birth=datetime.date(2008, 1, 1)), datetime.date(2025, 8, 1))
    assert "232-QĐ/TW" in new[0].legal_basis


def test_thresholds_are_data_a_new_rule_row_changes_the_outcome(union_a):
    EligibilityRule.objects.create(
        code="membership",
        name="Thời gian sinh hoạt công đoàn",
        legal_basis="Quy định giả định 99-QĐ/TW",
        valid_from=datetime.date(2030, 1, 1),
        params={"min_months": 24},
    )
    later = datetime.date(2030, 6, 1)
    findings = eligibility.check(facts(union_a, union_joined_on=datetime.date(2029, 1, 1)), later)
    assert codes(findings) == {("membership", BLOCK)}
    assert "Quy định giả định 99-QĐ/TW" in findings[0].legal_basis
    # The same person on a 2022 date is judged by the 12-month rule of 2022.
    assert codes(eligibility.check(facts(union_a, union_joined_on=datetime.date(2021, 1, 1)), ON)) == set()


def test_each_rule_says_one_clean_message_and_names_the_field_it_concerns(union_a):
    young = eligibility.check(facts(union_a, date_of_birth=years_months_before(ON, 17, 2)), ON)
    (age,) = young
    assert age.field == "date_of_birth"
    assert "chưa đủ 17 tuổi 6 tháng (mới 17 tuổi 2 tháng)" in age.message
    assert "tháng tuổi" not in age.message and "tuổi tuổi" not in age.message
    assert age.detail.startswith("chưa đủ") and "Lê Thị Thử" not in age.detail
    old = eligibility.check(facts(union_a, date_of_birth=years_months_before(ON, 61)), ON)
    assert "đã quá 60 tuổi (đã 61 tuổi)" in old[0].message
    low = eligibility.check(facts(union_a, education="7/12", union_joined_on=datetime.date(2021, 6, 1)), ON)
    assert {f.code: f.field for f in low} == {"membership": "union_joined_on", "education": "education"}
    # The form's "is a Party member" box and an admission on record: one message for the rule.
    party = [
        eligibility.Finding("party_member", BLOCK, "A: đã là đảng viên."),
        eligibility.Finding("party_member", BLOCK, "A: đã được kết nạp Đảng."),
    ]
    assert [f.message for f in eligibility.one_per_rule(party)] == ["A: đã là đảng viên."]
