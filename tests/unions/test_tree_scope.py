"""Scope follows the organisation tree: a federation's users see every federation below it, a Party
committee's reader sees what was addressed to any organisation below it; a chair still sees one union."""

from __future__ import annotations

import pytest
from django.apps import apps

from tests import factories
from unions.models import Federation, GrassrootsUnion, Role
from unions.querysets import ScopedQuerySet

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(db):
    """A city federation above a district federation above a commune-level federation, a union in each."""
    city = factories.make_federation(name="Liên đoàn Lao động thành phố Thử Nghiệm")
    district = factories.make_federation(name="Liên đoàn Lao động huyện Thử Nghiệm Dưới")
    district.parent = city
    district.save()
    commune = factories.make_federation(name="Công đoàn xã Thử Nghiệm Dưới Nữa")
    commune.parent = district
    commune.save()
    beside = factories.make_federation(name="Liên đoàn Lao động thành phố Bên Cạnh")
    unions = {
        level: factories.make_union(federation=federation, code=f"CD-T{i}")
        for i, (level, federation) in enumerate(
            [("city", city), ("district", district), ("commune", commune), ("beside", beside)]
        )
    }
    people = {level: factories.make_nomination(union, year=2026) for level, union in unions.items()}
    return {
        "fed": {"city": city, "district": district, "commune": commune, "beside": beside},
        "unions": unions,
        "n": people,
    }


@pytest.mark.parametrize(
    ("level", "sees"),
    [("city", {"city", "district", "commune"}), ("district", {"district", "commune"}), ("commune", {"commune"})],
)
@pytest.mark.parametrize("role", [Role.STAFF, Role.LEADERSHIP])
def test_a_federation_sees_itself_and_every_federation_below_it(tree, level, sees, role):
    user = factories.make_user(role, federation=tree["fed"][level])
    assert set(GrassrootsUnion.objects.for_user(user)) == {tree["unions"][k] for k in sees}
    nominations = apps.get_model("candidates", "Nomination").objects.for_user(user)
    assert set(nominations) == {tree["n"][k] for k in sees}
    for model in apps.get_models():
        if isinstance(model._default_manager.all(), ScopedQuerySet) and model._meta.app_label != "auth":
            qs = model._default_manager.for_user(user)
            lookup = getattr(qs, "federation_lookup", None)
            if lookup and type(qs).for_user is ScopedQuerySet.for_user:
                assert not qs.filter(**{lookup: tree["fed"]["beside"].pk}).exists(), model._meta.label


def test_a_chair_still_sees_one_union(tree):
    chair = factories.make_user(Role.CHAIR, union=tree["unions"]["district"])
    assert list(GrassrootsUnion.objects.for_user(chair)) == [tree["unions"]["district"]]


@pytest.mark.parametrize("level", ["city", "district", "commune"])
def test_scope_costs_the_same_queries_at_every_depth(tree, level, django_assert_num_queries):
    user = factories.make_user(Role.STAFF, federation=tree["fed"][level])
    user.profile  # noqa: B018 (loaded, as a request would have)
    with django_assert_num_queries(2):  # the federations below, once per request, then the rows
        list(GrassrootsUnion.objects.for_user(user))
    with django_assert_num_queries(1):  # the subtree is kept for the rest of the request
        list(GrassrootsUnion.objects.for_user(user))


def introduced_to(organization, union):
    """A nomination of `union` introduced to the Party organisation `organization`."""
    import datetime

    from candidates.models import STAGE, Introduction, Nomination, Status

    nomination = factories.make_nomination(union, year=2026)
    Nomination.objects.filter(pk=nomination.pk).update(status=Status.INTRODUCED, stage=STAGE[Status.INTRODUCED])
    Introduction.objects.create(
        nomination=nomination,
        resolution_number="01/NQ-CĐCS",
        resolution_date=datetime.date(2026, 6, 1),
        meeting_date=datetime.date(2026, 6, 1),
        committee_total=5,
        committee_present=5,
        votes_for=5,
        receiving_organization=organization,
        co_introducer_name="Đảng Viên Thử Nghiệm",
        co_introducer_worked_since=datetime.date(2020, 1, 1),
    )
    return nomination


def test_a_party_committee_reads_what_was_addressed_to_it_or_below_at_two_depths(tree):
    from candidates.models import Nomination
    from unions.models import PartyOrganization

    K = PartyOrganization.Kind
    city = factories.make_party_organization(name="Thành ủy Thử Nghiệm", kind=K.PROVINCIAL_COMMITTEE)
    district = factories.make_party_organization(name="Huyện ủy Thử Nghiệm", kind=K.DISTRICT_COMMITTEE, parent=city)
    commune = factories.make_party_organization(name="Đảng ủy xã Thử Nghiệm", parent=district)
    elsewhere = factories.make_party_organization(name="Đảng ủy xã Bên Cạnh")
    to_district = introduced_to(district, tree["unions"]["district"])
    to_commune = introduced_to(commune, tree["unions"]["commune"])
    introduced_to(elsewhere, tree["unions"]["beside"])
    for organization, sees in ((city, {to_district, to_commune}), (district, {to_district, to_commune})):
        viewer = factories.make_user(Role.PARTY_VIEWER, federation=tree["fed"]["city"], party_organization=organization)
        assert set(Nomination.objects.for_user(viewer)) == sees, organization.name
    commune_viewer = factories.make_user(
        Role.PARTY_VIEWER, federation=tree["fed"]["commune"], party_organization=commune
    )
    assert set(Nomination.objects.for_user(commune_viewer)) == {to_commune}


def test_federation_tree_of_the_demo_puts_the_city_above_tien_lang(demo):
    city = Federation.objects.get(short_name="LĐLĐ thành phố Hải Phòng")
    staff = factories.get_user("canbo.thanhpho")
    assert staff.profile.federation == city
    # Tiên Lãng's 34 (which its users still see under the commune-level unions), and the
    # second district's three.
    assert GrassrootsUnion.objects.for_user(factories.get_user("canbo")).count() == 34
    assert GrassrootsUnion.objects.for_user(staff).count() == 34 + 3
