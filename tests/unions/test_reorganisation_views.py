"""The reorganisation screens: upper-level staff record, map, preview, apply and undo; others cannot."""

from __future__ import annotations

import datetime

import pytest

from tests import factories
from unions.models import GrassrootsUnion, Reorganisation, Role

pytestmark = pytest.mark.django_db

LATER = datetime.date.today() + datetime.timedelta(days=30)


@pytest.fixture
def world(db):
    city = factories.make_federation(name="Liên đoàn Lao động thành phố Thử Nghiệm")
    district = factories.make_federation(name="Liên đoàn Lao động huyện Thử Nghiệm", parent=city)
    east, west = factories.make_commune_for(district), factories.make_commune_for(district)
    unions = [
        factories.make_union(enterprise=factories.make_enterprise(federation=district, commune=commune))
        for commune in (east, west)
    ]
    return {
        "city": city,
        "district": district,
        "east": factories.make_federation(name="Công đoàn xã Đông", parent=city, area=east),
        "west": factories.make_federation(name="Công đoàn xã Tây", parent=city, area=west),
        "unions": unions,
        "staff": factories.make_user(Role.STAFF, federation=city),
    }


def _post_create(client, world):
    return client.post(
        "/unions/reorganisations/add/",
        {
            "source_federation": world["district"].pk,
            "effective_on": LATER.strftime("%d/%m/%Y"),
            "target_federations": [world["east"].pk, world["west"].pk],
            "legal_basis": "Nghị quyết thử nghiệm số 1",
        },
    )


def test_city_staff_record_map_preview_apply_and_undo(client, world):
    client.force_login(world["staff"])
    assert client.get("/unions/reorganisations/").status_code == 200
    form = client.get("/unions/reorganisations/add/")
    assert form.status_code == 200 and "Liên đoàn kết thúc hoạt động" in form.content.decode()
    response = _post_create(client, world)
    reorg = Reorganisation.objects.get()
    assert response.status_code == 302 and response.url == f"/unions/reorganisations/{reorg.pk}/mapping/"
    mapping = client.get(response.url)
    assert mapping.status_code == 200
    # Swap the proposal of the first union: the edited mapping is what is applied.
    items = {i.union_id: i for i in reorg.items.all()}
    first, second = world["unions"]
    data = {
        f"item_{items[first.pk].pk}": world["west"].pk,
        f"item_{items[second.pk].pk}": world["west"].pk,
        "version": reorg.version,
    }
    assert client.post(response.url, data).status_code == 302
    detail = client.get(reorg.get_absolute_url()).content.decode()
    assert "Xem trước" in detail and "Công đoàn xã Tây" in detail
    applied = client.post(f"/unions/reorganisations/{reorg.pk}/apply/", follow=True).content.decode()
    # Its date is still to come: approved, and nothing moves until that day.
    assert "Đã duyệt sắp xếp" in applied and LATER.strftime("%d/%m/%Y") in applied
    assert set(GrassrootsUnion.objects.values_list("federation", flat=True)) == {world["district"].pk}
    detail = client.get(reorg.get_absolute_url()).content.decode()
    assert "chờ ngày hiệu lực" in detail and 'data-testid="undo"' in detail
    assert client.post(f"/unions/reorganisations/{reorg.pk}/undo/").status_code == 302
    assert set(GrassrootsUnion.objects.values_list("federation", flat=True)) == {world["district"].pk}
    reorg.refresh_from_db()
    assert reorg.state == Reorganisation.State.UNDONE


def test_a_stale_mapping_is_refused_with_a_message(client, world):
    client.force_login(world["staff"])
    _post_create(client, world)
    reorg = Reorganisation.objects.get()
    item = reorg.items.first()
    url = f"/unions/reorganisations/{reorg.pk}/mapping/"
    client.post(url, {f"item_{item.pk}": world["east"].pk, "version": reorg.version})
    response = client.post(url, {f"item_{item.pk}": world["west"].pk, "version": reorg.version})
    assert response.status_code == 200
    assert "Bản ghi đã được người khác sửa" in response.content.decode()


def test_bad_input_names_the_field(client, world):
    client.force_login(world["staff"])
    response = client.post("/unions/reorganisations/add/", {"effective_on": "31/02/2025"})
    body = response.content.decode()
    assert response.status_code == 200 and not Reorganisation.objects.exists()
    assert "Chọn đúng một tổ chức kết thúc hoạt động" in body


def test_applying_an_unmapped_reorganisation_saves_nothing(client, world):
    client.force_login(world["staff"])
    _post_create(client, world)
    reorg = Reorganisation.objects.get()
    reorg.items.update(target_federation=None)
    response = client.post(f"/unions/reorganisations/{reorg.pk}/apply/", follow=True)
    assert "Chưa chọn nơi tiếp nhận" in response.content.decode()
    assert set(GrassrootsUnion.objects.values_list("federation", flat=True)) == {world["district"].pk}


@pytest.mark.parametrize("who", ["district_staff", "chair", "city_leadership", "party_viewer"])
def test_others_cannot_change_the_tree(client, world, who):
    user = {
        "district_staff": lambda: factories.make_user(Role.STAFF, federation=world["district"]),
        "chair": lambda: factories.make_user(Role.CHAIR, union=world["unions"][0]),
        "city_leadership": lambda: factories.make_user(Role.LEADERSHIP, federation=world["city"]),
        "party_viewer": lambda: factories.make_user(Role.PARTY_VIEWER, federation=world["city"]),
    }[who]()
    client.force_login(user)
    assert client.get("/unions/reorganisations/add/").status_code == 403
    assert _post_create(client, world).status_code == 403
    assert not Reorganisation.objects.exists()
    # Leadership of the upper level reads the list; the others do not.
    assert client.get("/unions/reorganisations/").status_code == (200 if who == "city_leadership" else 403)


def test_staff_of_another_city_get_404(client, world):
    client.force_login(world["staff"])
    _post_create(client, world)
    reorg = Reorganisation.objects.get()
    other_city = factories.make_federation(name="Liên đoàn Lao động thành phố Khác")
    factories.make_federation(name="Liên đoàn Lao động huyện Khác", parent=other_city)
    client.force_login(factories.make_user(Role.STAFF, federation=other_city))
    assert client.get(reorg.get_absolute_url()).status_code == 404
    assert client.post(f"/unions/reorganisations/{reorg.pk}/apply/").status_code == 404
    assert client.get(f"/unions/reorganisations/{reorg.pk}/mapping/").status_code == 404
    # Nor may they name a federation outside their tree.
    response = _post_create(client, world)
    assert response.status_code == 200 and Reorganisation.objects.count() == 1


def test_get_on_apply_is_not_allowed(client, world):
    client.force_login(world["staff"])
    _post_create(client, world)
    reorg = Reorganisation.objects.get()
    assert client.get(f"/unions/reorganisations/{reorg.pk}/apply/").status_code == 405
