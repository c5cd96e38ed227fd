# ruff: noqa: F811  (the `world` fixture is shared with test_reorganisation.py)
"""A reorganisation takes effect on its date D: applied before D it is scheduled and nothing
moves for users; the daily `complete_reorganisations` moves it on D (idempotent, safe when run
twice at once); undo before D cancels it. Dates are passed, never read from the clock."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection

from candidates.models import Nomination, Person
from reports.queries import Scope, quota_report
from tests import factories
from tests.unions.test_reorganisation import world  # noqa: F401  (the fixture)
from unions import reorganisations
from unions.models import Federation, GrassrootsUnion, PartyOrganization, Reorganisation, Role, UnionAffiliation
from unions.services import merge_area

pytestmark = pytest.mark.django_db

D = datetime.date(2031, 7, 1)
BEFORE = datetime.date(2031, 6, 1)


def _draft(world, day=D):
    return reorganisations.create(
        world["city_staff"], source=world["district"], effective_on=day, targets=[world["east"], world["west"]]
    )


def _seen_by(user):
    return set(GrassrootsUnion.objects.for_user(user).values_list("pk", flat=True))


def _nothing_moved(world):
    ids = {u.pk for u in world["unions"].values()}
    assert set(GrassrootsUnion.objects.filter(federation=world["district"]).values_list("pk", flat=True)) == ids
    assert GrassrootsUnion.objects.filter(pk__in=ids, federation_since__isnull=False).count() == 0
    assert Person.objects.filter(federation=world["district"]).count() == 4
    assert not UnionAffiliation.objects.exists()
    world["district"].refresh_from_db()
    assert world["district"].is_active


def test_applied_before_the_day_is_scheduled_and_nothing_moves_for_users(world):
    east_staff = factories.make_user(Role.STAFF, federation=world["east"])
    reorg = reorganisations.apply(_draft(world), world["city_staff"], today=BEFORE)
    assert reorg.state == Reorganisation.State.SCHEDULED
    assert reorg.applied_by == world["city_staff"] and reorg.completed_at is None
    _nothing_moved(world)
    # Scope, lists and reports: still the district's, none of it the successor's yet.
    assert _seen_by(world["district_staff"]) == {u.pk for u in world["unions"].values()}
    assert _seen_by(east_staff) == set()
    rows = quota_report(Scope(user=world["city_staff"]), 2022).rows
    assert {r.federation_id for r in rows} == {world["district"].pk}
    # The ended federation can still be chosen in forms until D.
    assert Federation.objects.filter(pk=world["district"].pk, retired_on__isnull=True).exists()


def test_the_daily_run_before_the_day_moves_nothing_and_on_the_day_moves_everything(world):
    reorganisations.apply(_draft(world), world["city_staff"], today=BEFORE)
    call_command("complete_reorganisations", "--date", "2031-06-30", verbosity=0)
    _nothing_moved(world)

    call_command("complete_reorganisations", "--date", D.isoformat(), verbosity=0)
    reorg = Reorganisation.objects.get()
    assert reorg.state == Reorganisation.State.APPLIED and reorg.completed_at and not reorg.completion_error
    assert reorg.moved["Công đoàn cơ sở"] == 4
    east, west = world["east"], world["west"]
    u = world["unions"]
    for key, target in [("e1", east), ("e2", east), ("w1", west), ("w2", west)]:
        union = GrassrootsUnion.objects.select_related("enterprise").get(pk=u[key].pk)
        assert union.federation == target and union.enterprise.federation == target
        assert union.federation_since == D
        assert set(Person.objects.filter(union=union).values_list("federation", flat=True)) == {target.pk}
    assert set(Nomination.objects.values_list("federation", flat=True)) == {world["district"].pk}  # dated before D
    world["district"].refresh_from_db()
    assert world["district"].retired_on == D
    assert UnionAffiliation.objects.filter(federation=world["district"], valid_until=D).count() == 4
    # Undo is refused once it has taken effect.
    with pytest.raises(ValidationError, match="Đã đến ngày"):
        reorganisations.undo(reorg, world["city_staff"], today=D)


def test_running_the_daily_command_twice_is_harmless(world):
    reorganisations.apply(_draft(world), world["city_staff"], today=BEFORE)
    first = reorganisations.complete_due(D)
    again = reorganisations.complete_due(D + datetime.timedelta(days=1))
    assert [c.error for c in first] == [""] and again == []
    assert UnionAffiliation.objects.count() == 4
    assert GrassrootsUnion.objects.filter(federation_since=D).count() == 4


def test_a_late_run_moves_the_nominations_made_from_the_day_on(world):
    reorganisations.apply(_draft(world), world["city_staff"], today=BEFORE)
    union = world["unions"]["e1"]
    late = factories.make_nomination(union, year=2031, nominated_on=datetime.date(2031, 7, 2))
    assert late.federation == world["district"]  # the day came, the run had not yet
    reorganisations.complete_due(datetime.date(2031, 7, 3))
    late.refresh_from_db()
    assert late.federation == world["east"]


def test_undo_before_the_day_cancels_and_nothing_has_moved(world):
    reorg = reorganisations.apply(_draft(world), world["city_staff"], today=BEFORE)
    assert reorganisations.undo_refusal(reorg, today=BEFORE) == ""
    reorganisations.undo(reorg, world["city_staff"], today=BEFORE)
    reorg.refresh_from_db()
    assert reorg.state == Reorganisation.State.UNDONE and reorg.undone_by == world["city_staff"]
    assert reorganisations.complete_due(D) == []
    _nothing_moved(world)
    # A new plan for the same federation can then be approved.
    assert reorganisations.apply(_draft(world), world["city_staff"], today=BEFORE).state == "scheduled"


def test_a_scheduled_reorganisation_cannot_be_undone_once_the_day_has_come(world):
    reorg = reorganisations.apply(_draft(world), world["city_staff"], today=BEFORE)
    with pytest.raises(ValidationError, match="Đã đến ngày"):
        reorganisations.undo(reorg, world["city_staff"], today=D)
    assert Reorganisation.objects.get().state == Reorganisation.State.SCHEDULED


def test_applied_on_or_after_the_day_moves_at_once(world):
    reorg = reorganisations.apply(_draft(world), world["city_staff"], today=D)
    assert reorg.state == Reorganisation.State.APPLIED and reorg.completed_at
    assert GrassrootsUnion.objects.filter(federation=world["district"]).count() == 0


def test_a_second_plan_for_a_scheduled_federation_is_refused(world):
    reorganisations.apply(_draft(world), world["city_staff"], today=BEFORE)
    other = _draft(world, day=datetime.date(2031, 9, 1))
    with pytest.raises(ValidationError, match="đã có việc sắp xếp được duyệt"):
        reorganisations.apply(other, world["city_staff"], today=BEFORE)
    assert Reorganisation.objects.get(pk=other.pk).state == Reorganisation.State.DRAFT


def test_one_that_can_no_longer_be_completed_stays_scheduled_with_the_reason(world):
    reorg = reorganisations.apply(_draft(world), world["city_staff"], today=BEFORE)
    union = world["unions"]["w2"]
    GrassrootsUnion.objects.filter(pk=union.pk).update(federation=world["city"])  # moved meanwhile
    with pytest.raises(Exception, match="chưa thực hiện được"):
        call_command("complete_reorganisations", "--date", D.isoformat(), verbosity=0)
    reorg.refresh_from_db()
    assert reorg.state == Reorganisation.State.SCHEDULED
    assert union.name in reorg.completion_error
    assert GrassrootsUnion.objects.filter(federation=world["district"]).count() == 3  # all or nothing


def test_a_party_organisation_scheduled_moves_on_its_day(db):
    admin = factories.make_user(is_superuser=True, is_staff=True)
    district = factories.make_party_organization(name="Huyện ủy Thử Lịch")
    city = factories.make_party_organization(name="Thành ủy Thử Lịch")
    cells = [factories.make_party_organization(name=f"Đảng bộ xã Thử Lịch {i}", parent=district) for i in range(2)]
    reorg = reorganisations.create(admin, source=district, effective_on=D, targets=[city])
    reorganisations.apply(reorg, admin, today=BEFORE)
    assert set(PartyOrganization.objects.filter(parent=district).values_list("pk", flat=True)) == {c.pk for c in cells}
    district.refresh_from_db()
    assert district.is_active
    reorganisations.complete_due(D)
    assert PartyOrganization.objects.filter(parent=city).count() == 2
    district.refresh_from_db()
    assert district.retired_on == D


def test_the_detail_page_says_it_is_scheduled(client, world):
    reorg = reorganisations.apply(_draft(world), world["city_staff"], today=BEFORE)
    client.force_login(world["city_staff"])
    page = client.get(reorg.get_absolute_url()).content.decode()
    assert 'data-testid="scheduled"' in page and "01/07/2031" in page
    assert 'data-testid="undo"' in page


def _at_once(functions):
    barrier = threading.Barrier(len(functions))
    results, errors = [], []

    def run(function):
        try:
            barrier.wait()
            results.append(function())
        except Exception as exc:  # counted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(f,)) for f in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_two_staff_applying_at_once_schedule_it_once(world):
    reorg = _draft(world)
    other = factories.make_user(Role.STAFF, federation=world["city"])
    results, errors = _at_once(
        [lambda u=u: reorganisations.apply(reorg, u, today=BEFORE) for u in (world["city_staff"], other)]
    )
    assert len(results) == 1 and len(errors) == 1
    assert "trạng thái" in " ".join(errors[0].messages)
    assert Reorganisation.objects.get().state == Reorganisation.State.SCHEDULED


@pytest.mark.django_db(transaction=True)
def test_two_daily_runs_at_once_move_everything_once(world):
    reorganisations.apply(_draft(world), world["city_staff"], today=BEFORE)
    results, errors = _at_once([lambda: reorganisations.complete_due(D), lambda: reorganisations.complete_due(D)])
    assert errors == []
    assert sorted(len(r) for r in results) == [0, 1]
    assert UnionAffiliation.objects.count() == 4
    assert Reorganisation.objects.get().state == Reorganisation.State.APPLIED


def test_an_area_merge_recorded_before_its_date_waits_and_is_carried_out_on_the_day(db):
    federation = factories.make_federation()
    old = factories.make_area(name="Xã Chờ Cũ")
    new = factories.make_area(name="Xã Chờ Mới", parent=old.parent)
    enterprise = factories.make_enterprise(federation=federation, commune=old)
    merge = merge_area(old, new, D, legal_basis="NQ thử nghiệm", today=BEFORE)
    assert merge.completed_at is None and merge.moved_enterprises == 0
    enterprise.refresh_from_db()
    old.refresh_from_db()
    assert enterprise.commune == old and old.is_active and old.merged_into is None
    with pytest.raises(ValidationError, match="đã có quyết định sáp nhập"):
        merge_area(old, new, D, today=BEFORE)  # one decision for the unit
    assert reorganisations.complete_due(BEFORE) == []

    done = reorganisations.complete_due(D)
    assert [(c.record, c.error) for c in done] == [(merge, "")]
    enterprise.refresh_from_db()
    old.refresh_from_db()
    assert enterprise.commune == new and old.merged_into == new and old.retired_on == D
    merge.refresh_from_db()
    assert merge.completed_at and merge.moved_enterprises == 1
    assert reorganisations.complete_due(D) == []  # twice: harmless


def test_an_area_merge_on_or_after_its_date_is_carried_out_at_once(db):
    federation = factories.make_federation()
    old = factories.make_area(name="Xã Ngay Cũ")
    new = factories.make_area(name="Xã Ngay Mới", parent=old.parent)
    enterprise = factories.make_enterprise(federation=federation, commune=old)
    merge = merge_area(old, new, D, today=D)
    enterprise.refresh_from_db()
    assert merge.completed_at and enterprise.commune == new


def test_a_scheduled_reorganisation_whose_day_has_passed_says_it_waits_for_the_daily_run(client, world):
    past = datetime.date(2025, 1, 1)
    reorg = reorganisations.apply(_draft(world, day=past), world["city_staff"], today=datetime.date(2024, 12, 1))
    client.force_login(world["city_staff"])
    page = client.get(reorg.get_absolute_url()).content.decode()
    assert 'data-testid="waiting-for-run"' in page and 'data-testid="undo"' not in page


def test_a_union_that_joined_after_the_mapping_stops_the_completion(world):
    reorg = reorganisations.apply(_draft(world), world["city_staff"], today=BEFORE)
    newcomer = factories.make_union(
        enterprise=factories.make_enterprise(federation=world["district"], commune=world["east"].area)
    )
    done = reorganisations.complete_due(D)
    assert newcomer.name in done[0].error
    reorg.refresh_from_db()
    assert reorg.state == Reorganisation.State.SCHEDULED
    assert GrassrootsUnion.objects.filter(federation=world["district"]).count() == 5  # nothing moved
