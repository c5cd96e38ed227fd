"""`Person.lives_in_district` ("lives in the federation's area") is judged again, in the same
transaction and in batch, whenever the area it is judged against changes: a union moving to a
federation with another area (and back on undo), an area merge, a federation given another area.
A nomination keeps its own "in the area" of its date."""

from __future__ import annotations

import datetime

import pytest

from candidates.models import Nomination, Person
from candidates.reorganisation import refresh_in_area
from tests import factories
from unions import reorganisations
from unions.models import AdministrativeUnit, Role
from unions.services import merge_area

pytestmark = pytest.mark.django_db

D = datetime.date(2031, 7, 1)
BEFORE = datetime.date(2031, 6, 1)


@pytest.fixture
def two_districts(db):
    """District A's federation hands its union to district B's federation; people live in B."""
    province = AdministrativeUnit.objects.create(name="Tỉnh Thử Địa Bàn", level="province")
    area_a = AdministrativeUnit.objects.create(name="Huyện Thử A", level="district", parent=province)
    area_b = AdministrativeUnit.objects.create(name="Huyện Thử B", level="district", parent=province)
    city = factories.make_federation(name="Liên đoàn Lao động tỉnh Thử Địa Bàn", area=province)
    fed_a = factories.make_federation(name="Liên đoàn Lao động huyện Thử A", parent=city, area=area_a)
    fed_b = factories.make_federation(name="Liên đoàn Lao động huyện Thử B", parent=city, area=area_b)
    union = factories.make_union(
        enterprise=factories.make_enterprise(federation=fed_a, commune=factories.make_area(parent=area_a))
    )
    staff = factories.make_user(Role.STAFF, federation=fed_a)
    in_b = [
        factories.make_nomination(
            union, year=2031, nominated_on=datetime.date(2031, 2, 1), user=staff, residence_district="huyện Thử B"
        )
        for _ in range(6)
    ]
    in_a = factories.make_nomination(
        union, year=2031, nominated_on=datetime.date(2031, 2, 1), user=staff, residence_district="Thử A"
    )
    return {
        "province": province,
        "a": area_a,
        "b": area_b,
        "city": city,
        "fed_a": fed_a,
        "fed_b": fed_b,
        "union": union,
        "in_b": in_b,
        "in_a": in_a,
        "city_staff": factories.make_user(Role.STAFF, federation=city),
    }


def _flags(world):
    people = Person.objects.filter(union=world["union"])
    return sorted(set(people.values_list("residence_district", "lives_in_district")))


def test_a_union_moving_to_a_federation_with_another_area_is_judged_again_and_restored_on_undo(two_districts):
    w = two_districts
    assert _flags(w) == [("Thử A", True), ("huyện Thử B", False)]
    reorg = reorganisations.create(w["city_staff"], source=w["fed_a"], effective_on=D, targets=[w["fed_b"]])
    reorganisations.apply(reorg, w["city_staff"], today=BEFORE)
    assert _flags(w) == [("Thử A", True), ("huyện Thử B", False)]  # scheduled: nothing judged yet
    reorganisations.complete_due(D)
    assert _flags(w) == [("Thử A", False), ("huyện Thử B", True)]
    # The nominations keep "in the area" as judged on their date.
    assert sorted(Nomination.objects.values_list("in_district", flat=True)) == [False] * 6 + [True]
    # Undone (a run ahead of the clock, then undone before D): the flags as they were.
    reorg.refresh_from_db()
    reorganisations.undo(reorg, w["city_staff"], today=BEFORE)
    assert _flags(w) == [("Thử A", True), ("huyện Thử B", False)]


def test_the_batch_costs_the_same_queries_for_many_people(two_districts, django_assert_max_num_queries):
    w = two_districts
    Person.objects.filter(union=w["union"]).update(lives_in_district=False)
    with django_assert_max_num_queries(6):  # pairs, federations, two UPDATEs a federation
        changed = refresh_in_area(Person.objects.filter(union=w["union"]))
    assert changed == 1
    for _ in range(20):
        factories.make_nomination(
            w["union"], year=2031, nominated_on=datetime.date(2031, 3, 1), residence_district="Thử A"
        )
    Person.objects.filter(union=w["union"]).update(lives_in_district=False)
    with django_assert_max_num_queries(6):
        assert refresh_in_area(Person.objects.filter(union=w["union"])) == 21


def test_an_area_merge_counts_people_whose_papers_name_the_merged_district(two_districts):
    w = two_districts
    # The union now belongs to B's federation; district A is merged into B.
    Person.objects.filter(union=w["union"]).update(federation=w["fed_b"])
    refresh_in_area(Person.objects.filter(union=w["union"]))
    assert _flags(w) == [("Thử A", False), ("huyện Thử B", True)]
    merge_area(w["a"], w["b"], D, today=D)
    assert _flags(w) == [("Thử A", True), ("huyện Thử B", True)]
    # A person saved later is judged by the same rule.
    person = Person.objects.filter(residence_district="Thử A").first()
    person.save()
    assert Person.objects.get(pk=person.pk).lives_in_district


def test_a_federation_given_another_area_judges_its_people_again(two_districts):
    w = two_districts
    fed_a = w["fed_a"]
    fed_a.area = w["b"]
    fed_a.save()
    assert _flags(w) == [("Thử A", False), ("huyện Thử B", True)]
    fed_a.name = "Liên đoàn Lao động huyện Thử A (đổi tên)"
    fed_a.save(update_fields=["name"])  # not an area change: nothing judged
    assert _flags(w) == [("Thử A", False), ("huyện Thử B", True)]
