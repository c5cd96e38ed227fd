"""The reorganisation of the tree as an operation: a federation ends on a date, its unions go to
its successors by their enterprise's commune; applied all or nothing, undone while nothing depends
on it; the history keeps its time (a past year's report is still the old federation's)."""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from candidates.models import Nomination, Person
from reports.queries import Scope, quota_report
from tests import factories
from unions import reorganisations
from unions.models import (
    AdministrativeUnit,
    Federation,
    GrassrootsUnion,
    PartyOrganization,
    Reorganisation,
    Role,
    UnionAffiliation,
)
from unions.querysets import ScopedQuerySet

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
LATER = TODAY + datetime.timedelta(days=60)


@pytest.fixture
def world(db):
    """A city above a district with four unions in two communes; two commune-level successors."""
    city = factories.make_federation(name="Liên đoàn Lao động thành phố Thử Nghiệm")
    district = factories.make_federation(name="Liên đoàn Lao động huyện Thử Nghiệm", parent=city)
    east, west = factories.make_commune_for(district), factories.make_commune_for(district)
    unions = {}
    for key, commune in [("e1", east), ("e2", east), ("w1", west), ("w2", west)]:
        enterprise = factories.make_enterprise(federation=district, commune=commune)
        unions[key] = factories.make_union(enterprise=enterprise)
    succ_east = factories.make_federation(name="Công đoàn xã Đông Thử Nghiệm", parent=city, area=east)
    succ_west = factories.make_federation(name="Công đoàn xã Tây Thử Nghiệm", parent=city, area=west)
    staff = factories.make_user(Role.STAFF, federation=district)
    nominations = {key: factories.make_nomination(u, year=2022, user=staff) for key, u in unions.items()}
    return {
        "city": city,
        "district": district,
        "east": succ_east,
        "west": succ_west,
        "unions": unions,
        "n": nominations,
        "city_staff": factories.make_user(Role.STAFF, federation=city),
        "district_staff": staff,
    }


def _split(world, day=LATER):
    reorg = reorganisations.create(
        world["city_staff"], source=world["district"], effective_on=day, targets=[world["east"], world["west"]]
    )
    return reorg


def _report(scope, year=2022):
    report = quota_report(scope, year)
    return [(r.code, r.federation_id, r.quota, r.nominated, r.in_district) for r in report.rows], report.totals


def test_the_mapping_is_proposed_by_the_enterprise_commune(world):
    reorg = _split(world)
    targets = {i.union.code: i.target_federation for i in reorg.items.select_related("union", "target_federation")}
    u = world["unions"]
    assert targets == {
        u["e1"].code: world["east"],
        u["e2"].code: world["east"],
        u["w1"].code: world["west"],
        u["w2"].code: world["west"],
    }
    assert reorg.state == Reorganisation.State.DRAFT
    assert GrassrootsUnion.objects.filter(federation=world["district"]).count() == 4  # nothing moved yet


def test_a_split_applied_and_undone(world):
    u, staff = world["unions"], world["city_staff"]
    before = _report(Scope(user=world["district_staff"]))
    reorg = _split(world)
    # The preview says what would move without moving it.
    preview = reorganisations.preview(reorg)
    assert not preview["unmapped"]
    assert sorted(len(members) for _target, members in preview["per_target"]) == [2, 2]
    assert preview["counts"]["Đoàn viên"] == 4
    assert GrassrootsUnion.objects.filter(federation=world["district"]).count() == 4

    reorganisations.apply(reorg, staff)
    reorg.refresh_from_db()
    assert reorg.state == Reorganisation.State.SCHEDULED and reorg.applied_by == staff and reorg.applied_at
    assert GrassrootsUnion.objects.filter(federation=world["district"]).count() == 4  # D is still to come
    # Completed on its day (an earlier `on` than the clock's D would not complete it); undone after.
    reorganisations.complete_due(LATER)
    reorg.refresh_from_db()
    assert reorg.state == Reorganisation.State.APPLIED and reorg.completed_at
    for key, target in [("e1", "east"), ("e2", "east"), ("w1", "west"), ("w2", "west")]:
        union = GrassrootsUnion.objects.select_related("enterprise").get(pk=u[key].pk)
        assert union.federation == world[target] and union.enterprise.federation == world[target]
        assert union.federation_since == LATER
        assert set(Person.objects.filter(union=union).values_list("federation", flat=True)) == {world[target].pk}
    # Nominations made before the day keep their federation; the district is retired on the day.
    assert set(Nomination.objects.values_list("federation", flat=True)) == {world["district"].pk}
    world["district"].refresh_from_db()
    assert world["district"].retired_on == LATER
    assert UnionAffiliation.objects.filter(federation=world["district"], valid_until=LATER).count() == 4

    reorganisations.undo(reorg, staff)
    reorg.refresh_from_db()
    assert reorg.state == Reorganisation.State.UNDONE and reorg.undone_by == staff
    assert GrassrootsUnion.objects.filter(federation=world["district"], federation_since=None).count() == 4
    assert Person.objects.filter(federation=world["district"]).count() == 4
    assert not UnionAffiliation.objects.exists()
    world["district"].refresh_from_db()
    assert world["district"].retired_on is None
    assert _report(Scope(user=world["district_staff"])) == before


def test_enterprises_without_a_union_go_by_their_commune(world):
    east_commune = world["east"].area
    lone = factories.make_enterprise(federation=world["district"], commune=east_commune)
    reorg = _split(world)
    assert reorg.items.get(enterprise=lone).target_federation == world["east"]
    reorganisations.apply(reorg, world["city_staff"])
    reorganisations.complete_due(LATER)
    lone.refresh_from_db()
    assert lone.federation == world["east"]
    reorganisations.undo(reorg, world["city_staff"])
    lone.refresh_from_db()
    assert lone.federation == world["district"]


def test_nothing_is_applied_while_a_union_has_no_target(world):
    reorg = _split(world)
    item = reorg.items.get(union=world["unions"]["w1"])
    reorganisations.set_mapping(reorg, {item.pk: None}, reorg.version)
    with pytest.raises(ValidationError, match="Chưa chọn nơi tiếp nhận"):
        reorganisations.apply(reorg, world["city_staff"])
    assert GrassrootsUnion.objects.filter(federation=world["district"]).count() == 4
    assert not UnionAffiliation.objects.exists()


def test_an_edited_mapping_is_kept_and_a_stale_one_refused(world):
    from tienlang.lib.versioning import StaleVersion

    reorg = _split(world)
    item = reorg.items.get(union=world["unions"]["w1"])
    opened = reorg.version
    reorganisations.set_mapping(reorg, {item.pk: world["east"].pk}, opened)
    item.refresh_from_db()
    assert item.target_federation == world["east"] and not item.proposed
    with pytest.raises(StaleVersion):
        reorganisations.set_mapping(reorg, {item.pk: world["west"].pk}, opened)  # opened before the save


def test_a_mapping_outside_the_targets_is_refused(world):
    reorg = _split(world)
    item = reorg.items.first()
    with pytest.raises(ValidationError, match="không có trong danh sách"):
        reorganisations.set_mapping(reorg, {item.pk: world["city"].pk}, reorg.version)


def test_undo_is_refused_once_the_day_has_come(world):
    reorg = _split(world, day=TODAY)
    reorganisations.apply(reorg, world["city_staff"])
    with pytest.raises(ValidationError, match="Đã đến ngày"):
        reorganisations.undo(reorg, world["city_staff"])
    assert GrassrootsUnion.objects.filter(federation=world["east"]).count() == 2


def test_undo_is_refused_after_a_nomination_under_the_new_structure(world):
    reorg = _split(world)
    reorganisations.apply(reorg, world["city_staff"])
    reorganisations.complete_due(LATER)
    union = GrassrootsUnion.objects.get(pk=world["unions"]["e1"].pk)
    factories.make_nomination(union, year=TODAY.year, nominated_on=TODAY)
    reorg.refresh_from_db()
    assert "Đã có hồ sơ nguồn mới" in reorganisations.undo_refusal(reorg)
    with pytest.raises(ValidationError):
        reorganisations.undo(reorg, world["city_staff"])


def test_a_federation_ends_once(world):
    reorganisations.apply(_split(world), world["city_staff"])
    with pytest.raises(ValidationError):
        reorganisations.apply(_split(world), world["city_staff"])  # one is already approved
    reorganisations.complete_due(LATER)
    with pytest.raises(ValidationError):
        _split(world)  # retired: no second reorganisation of it


def test_nominations_from_the_day_on_go_to_the_successor(world):
    day = datetime.date(2025, 7, 1)
    union = world["unions"]["e1"]
    early = factories.make_nomination(union, year=2025, nominated_on=datetime.date(2025, 3, 1))
    late = factories.make_nomination(union, year=2025, nominated_on=datetime.date(2025, 8, 1))
    reorganisations.apply(_split(world, day=day), world["city_staff"])
    early.refresh_from_db()
    late.refresh_from_db()
    assert early.federation == world["district"] and late.federation == world["east"]
    # The city's 2025 report counts each once: the union has a row under each federation.
    rows, totals = _report(Scope(user=world["city_staff"]), 2025)
    mine = [r for r in rows if r[0] == union.code]
    assert sorted((fed, n) for _c, fed, _q, n, _i in mine) == sorted([(world["district"].pk, 1), (world["east"].pk, 1)])
    assert totals.nominated == 2
    district_rows, district_totals = _report(Scope(user=world["district_staff"]), 2025)
    east_staff = factories.make_user(Role.STAFF, federation=world["east"])
    east_rows, east_totals = _report(Scope(user=east_staff), 2025)
    assert district_totals.nominated + east_totals.nominated == totals.nominated


def test_a_past_report_after_the_reform_is_the_old_federation_s_and_unchanged(world):
    from reports.models import UnionQuota

    for union in world["unions"].values():
        UnionQuota.objects.create(union=union, year=2022, introduce=3)
    scope = Scope(user=world["district_staff"])
    before = _report(scope)
    assert scope.issuing_federation() == world["district"]
    reorganisations.apply(_split(world, day=datetime.date(2025, 7, 1)), world["city_staff"])
    world["district_staff"].refresh_from_db()
    after_scope = Scope(user=factories.get_user(world["district_staff"].username))
    assert _report(after_scope) == before
    assert after_scope.issuing_federation() == world["district"]
    # The successors held none of it in 2022; the city's 2022 report adds up to the district's.
    east_staff = factories.make_user(Role.STAFF, federation=world["east"])
    assert _report(Scope(user=east_staff))[0] == []
    city_rows, city_totals = _report(Scope(user=world["city_staff"]))
    assert city_rows == before[0] and city_totals.quota == 12


@pytest.fixture
def reformed(world):
    reorganisations.apply(_split(world, day=datetime.date(2025, 7, 1)), world["city_staff"])
    return world


def _scoped_models():
    for model in apps.get_models():
        manager = model._default_manager
        if isinstance(manager.all(), ScopedQuerySet) and model._meta.app_label != "auth":
            yield model


@pytest.mark.parametrize("depth", ["city", "east", "chair"])
def test_scope_after_the_reform_at_three_depths(reformed, depth):
    """Every scoped model: the city sees both successors and the ended district; a commune-level
    federation sees only its own; a chair of a moved union sees only that union."""
    w = reformed
    union = GrassrootsUnion.objects.get(pk=w["unions"]["e1"].pk)
    if depth == "chair":
        user = factories.make_user(Role.CHAIR, union=union)
        assert user.profile.federation == w["east"]
    else:
        user = factories.make_user(Role.STAFF, federation=w[depth])
    visible_federations = {
        "city": {w["city"].pk, w["district"].pk, w["east"].pk, w["west"].pk},
        "east": {w["east"].pk},
        "chair": set(),
    }[depth]
    for model in _scoped_models():
        qs = model._default_manager.for_user(user)
        lookup = getattr(qs, "federation_lookup", None)
        if not lookup or type(qs).for_user is not ScopedQuerySet.for_user:
            continue
        if depth != "chair":  # a chair's rule is the union (its own history included)
            values = set(qs.values_list(lookup, flat=True)) - {None}
            assert values <= visible_federations, model._meta.label
        elif qs.union_lookup:
            assert set(qs.values_list(qs.union_lookup, flat=True)) - {None} <= {union.pk}, model._meta.label
    unions = set(GrassrootsUnion.objects.for_user(user).values_list("code", flat=True))
    expected = {
        "city": {u.code for u in w["unions"].values()},
        "east": {w["unions"]["e1"].code, w["unions"]["e2"].code},
        "chair": {w["unions"]["e1"].code},
    }[depth]
    assert unions == expected
    people = Person.objects.for_user(user)
    assert people.count() == {"city": 4, "east": 2, "chair": 1}[depth]
    # The 2022 nominations stay the district's: the city sees them, the successor does not; the
    # chair still follows their own union's people.
    assert Nomination.objects.for_user(user).count() == {"city": 4, "east": 0, "chair": 1}[depth]


def test_the_ended_federation_s_users_keep_its_history_and_the_work_it_handed_over(reformed):
    """Its nominations stay its own; the unions it handed over are seen under their new federations."""
    staff = factories.get_user(reformed["district_staff"].username)
    assert Nomination.objects.for_user(staff).count() == 4
    assert UnionAffiliation.objects.for_user(staff).count() == 4
    assert GrassrootsUnion.objects.for_user(staff).count() == 4
    # ... but a successor does not see the ended federation, nor its sibling.
    east = factories.make_user(Role.STAFF, federation=reformed["east"])
    assert set(GrassrootsUnion.objects.for_user(east).values_list("federation", flat=True)) == {reformed["east"].pk}
    # The ended federation has no federation below it in the tree: it cannot reorganise.
    from unions.permissions import may_reorganise

    assert not may_reorganise(staff)


def test_a_party_organisation_split(db):
    city = factories.make_party_organization(
        name="Thành ủy Thử Nghiệm", kind=PartyOrganization.Kind.PROVINCIAL_COMMITTEE
    )
    district = factories.make_party_organization(
        name="Huyện ủy Thử Nghiệm", kind=PartyOrganization.Kind.DISTRICT_COMMITTEE, parent=city
    )
    east_area, west_area = factories.make_area(), factories.make_area()
    old_east = factories.make_party_organization(parent=district, area=east_area)
    old_west = factories.make_party_organization(parent=district, area=west_area)
    new_east = factories.make_party_organization(name="Đảng ủy xã Đông Mới", parent=city, area=east_area)
    new_west = factories.make_party_organization(name="Đảng ủy xã Tây Mới", parent=city, area=west_area)
    admin = factories.make_user(is_superuser=True)
    reorg = reorganisations.create(admin, source=district, effective_on=LATER, targets=[new_east, new_west])
    reorganisations.apply(reorg, admin)
    reorganisations.complete_due(LATER)
    old_east.refresh_from_db()
    old_west.refresh_from_db()
    assert (old_east.parent, old_west.parent) == (new_east, new_west)
    district.refresh_from_db()
    assert district.retired_on == LATER
    # The ended committee's reader still reads what its former communes received; the new
    # commune committee's reader reads only its own.
    from unions.querysets import party_organization_ids

    old_reader = factories.make_user(Role.PARTY_VIEWER, party_organization=district)
    assert set(party_organization_ids(old_reader.profile)) == {district.pk, old_east.pk, old_west.pk}
    new_reader = factories.make_user(Role.PARTY_VIEWER, party_organization=new_east)
    assert set(party_organization_ids(new_reader.profile)) == {new_east.pk, old_east.pk}
    reorganisations.undo(reorg, admin)
    old_east.refresh_from_db()
    district.refresh_from_db()
    assert old_east.parent == district and district.retired_on is None


def test_a_commune_merged_by_area_merge_still_finds_its_successor(world):
    """The proposal follows the administrative merge record (AreaMerge) to today's commune."""
    from unions.services import merge_area

    east_commune = world["east"].area
    old = AdministrativeUnit.objects.create(name="Xã Cũ Thử Nghiệm", level="commune", parent=east_commune.parent)
    enterprise = factories.make_enterprise(federation=world["district"], commune=old)
    moved = factories.make_union(enterprise=enterprise)
    merge_area(old, east_commune, datetime.date(2025, 6, 1))
    reorg = _split(world)
    assert reorg.items.get(union=moved).target_federation == world["east"]
    assert Federation.objects.get(pk=world["district"].pk).is_active
