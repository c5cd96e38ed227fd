"""One scoping mechanism: for_user() decides what each role sees; views return 404 outside it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from tests import factories
from unions.models import Enterprise, GrassrootsUnion, Role, UserProfile

pytestmark = pytest.mark.django_db


def test_staff_see_their_whole_federation_and_nothing_else(staff, union_a, union_b, union_elsewhere):
    assert set(GrassrootsUnion.objects.for_user(staff)) == {union_a, union_b}
    assert set(Enterprise.objects.for_user(staff)) == {union_a.enterprise, union_b.enterprise}


def test_leadership_reads_the_whole_federation(leadership, union_a, union_b, union_elsewhere):
    assert set(GrassrootsUnion.objects.for_user(leadership)) == {union_a, union_b}


def test_chair_sees_only_own_union_and_its_enterprise(chair_a, union_a, union_b):
    assert list(GrassrootsUnion.objects.for_user(chair_a)) == [union_a]
    assert list(Enterprise.objects.for_user(chair_a)) == [union_a.enterprise]


def test_party_viewer_sees_no_register_rows(party_viewer, union_a):
    assert not GrassrootsUnion.objects.for_user(party_viewer).exists()
    assert not Enterprise.objects.for_user(party_viewer).exists()


def test_user_without_profile_or_inactive_sees_nothing(union_a, chair_a):
    nobody = factories.make_user()
    assert not GrassrootsUnion.objects.for_user(nobody).exists()
    chair_a.is_active = False
    assert not GrassrootsUnion.objects.for_user(chair_a).exists()


def test_superuser_sees_every_federation(superuser, union_a, union_elsewhere):
    assert set(GrassrootsUnion.objects.for_user(superuser)) == {union_a, union_elsewhere}


def test_a_chair_profile_must_name_a_union(federation):
    from django.db import IntegrityError, transaction

    user = factories.make_user()
    with pytest.raises(IntegrityError), transaction.atomic():
        UserProfile.objects.create(user=user, role=Role.CHAIR, federation=federation)


# --- views -----------------------------------------------------------------------------


def test_chair_gets_404_for_another_unions_pages(client, chair_a, union_b):
    client.force_login(chair_a)
    assert client.get(f"/unions/{union_b.pk}/").status_code == 404
    assert client.get(f"/unions/enterprises/{union_b.enterprise.pk}/").status_code == 404


def test_chair_opens_own_union_and_enterprise(client, chair_a, union_a):
    client.force_login(chair_a)
    response = client.get(f"/unions/{union_a.pk}/")
    assert response.status_code == 200
    assert union_a.name in response.content.decode()
    response = client.get(f"/unions/enterprises/{union_a.enterprise.pk}/")
    assert union_a.enterprise.tax_code in response.content.decode()


def test_chair_lists_hold_only_own_union(client, chair_a, union_a, union_b):
    client.force_login(chair_a)
    text = client.get("/unions/").content.decode()
    assert union_a.name in text and union_b.name not in text
    text = client.get("/unions/enterprises/").content.decode()
    assert union_a.enterprise.name in text and union_b.enterprise.name not in text


def test_chair_cannot_reach_another_union_through_filters_or_search(client, chair_a, union_a, union_b):
    client.force_login(chair_a)
    for query in ({"q": "Beta"}, {"q": "Công ty"}, {"q": union_b.code}, {"federation": union_b.federation_id}):
        response = client.get("/unions/", query)
        assert response.status_code == 200, query
        # The page repeats what was typed (search box, export link): only the other union's data is a leak.
        text = response.content.decode().replace(f"q={union_b.code}", "").replace(f'value="{union_b.code}"', "")
        assert union_b.name not in text and union_b.code not in text, query
    # The same search that would match both finds the chair's own union: the page is a real list.
    assert union_a.name in client.get("/unions/", {"q": "Công ty"}).content.decode()


def test_staff_cannot_open_another_federations_union(client, staff, union_elsewhere):
    client.force_login(staff)
    assert client.get(f"/unions/{union_elsewhere.pk}/").status_code == 404


def test_chairs_and_party_viewers_get_403_on_federation_catalogues(client, chair_a, party_viewer):
    for user in (chair_a, party_viewer):
        client.force_login(user)
        assert client.get("/unions/areas/").status_code == 403
        assert client.get("/unions/party-organizations/").status_code == 403


def test_party_viewer_gets_403_on_the_register(client, party_viewer, union_a):
    client.force_login(party_viewer)
    assert client.get("/unions/").status_code == 403
    assert client.get(f"/unions/{union_a.pk}/").status_code == 403


def test_non_administrators_cannot_use_the_admin(client, staff, chair_a):
    for user in (staff, chair_a):
        client.force_login(user)
        response = client.get("/admin/unions/grassrootsunion/")
        assert response.status_code in (302, 403)
        assert "Công đoàn Công ty Alpha" not in response.content.decode()


def test_admin_lists_go_through_for_user(client, superuser, union_a, union_elsewhere):
    client.force_login(superuser)
    text = client.get("/admin/unions/grassrootsunion/").content.decode()
    assert union_a.code in text and union_elsewhere.code in text


def admin_user(role, **kwargs):
    """A user let into the admin with view and change rights on unions: the admin's own rights allow
    every row, so what they see is decided by `for_user` alone."""
    user = factories.make_user(role, **kwargs)
    user.is_staff = True
    user.save()
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="unions", codename__in=["view_grassrootsunion", "change_grassrootsunion"]
        )
    )
    return user


@pytest.mark.parametrize("role", [Role.STAFF, Role.CHAIR])
def test_admin_shows_a_non_administrator_only_their_scope(client, role, union_a, union_b, union_elsewhere):
    if role == Role.STAFF:
        user = admin_user(role, federation=union_elsewhere.federation, username="staff_elsewhere")
        own, others = [union_elsewhere], [union_a, union_b]
    else:
        user = admin_user(role, union=union_a, username="chair_admin")
        own, others = [union_a], [union_b, union_elsewhere]
    client.force_login(user)
    response = client.get("/admin/unions/grassrootsunion/")
    assert response.status_code == 200
    text = response.content.decode()
    assert all(union.code in text for union in own)
    assert not any(union.code in text for union in others)
    for union in others:
        assert client.get(f"/admin/unions/grassrootsunion/{union.pk}/change/").status_code in (302, 404)
        changed = client.post(f"/admin/unions/grassrootsunion/{union.pk}/change/", {"name": "Đã bị đổi"})
        assert changed.status_code in (302, 404)
        union.refresh_from_db()
        assert union.name != "Đã bị đổi"
        if changed.status_code == 302:  # the admin's "does not exist" redirect goes to its index
            assert "/change/" not in changed["Location"]
    assert client.get(f"/admin/unions/grassrootsunion/{own[0].pk}/change/").status_code == 200


def test_staff_list_search_ignores_accents_and_case(client, staff, federation):
    factories.make_enterprise(federation=federation, name="Công ty TNHH Phúc Thuận Đông")
    factories.make_enterprise(federation=federation, name="Công ty TNHH Khác")
    client.force_login(staff)
    text = client.get("/unions/enterprises/", {"q": "phuc thuan dong"}).content.decode()
    assert "Phúc Thuận Đông" in text and "TNHH Khác" not in text


def test_enterprise_list_query_count_does_not_grow_with_rows(client, staff, federation, django_assert_max_num_queries):
    for _ in range(30):
        factories.make_enterprise(federation=federation)
    client.force_login(staff)
    # A first view: the data version, then the count and the filter's choices (kept afterwards).
    with django_assert_max_num_queries(13):
        response = client.get("/unions/enterprises/")
    assert response.status_code == 200
    assert response.content.decode().count("/unions/enterprises/") >= 30
