"""Administrative units are data: rename, merge with an old-to-new mapping, retire."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from tests import factories
from unions import services
from unions.models import AdministrativeUnit, AreaMerge

pytestmark = pytest.mark.django_db


def test_merge_moves_enterprises_and_keeps_the_mapping(staff, federation):
    old = factories.make_area(name="Xã Cũ")
    new = factories.make_area(name="Xã Mới", parent=old.parent)
    enterprise = factories.make_enterprise(federation=federation, commune=old)

    merge = services.merge_area(old, new, datetime.date(2025, 7, 1), user=staff, legal_basis="NQ 1/2025")

    enterprise.refresh_from_db()
    old.refresh_from_db()
    assert enterprise.commune == new
    assert old.merged_into == new and old.retired_on == datetime.date(2025, 7, 1)
    assert (merge.old, merge.new, merge.moved_enterprises) == (old, new, 1)
    assert old.current() == new


def test_merge_refuses_different_levels_and_retired_targets():
    commune = factories.make_area()
    district = commune.parent
    with pytest.raises(ValidationError, match="cùng cấp"):
        services.merge_area(commune, district, datetime.date(2025, 7, 1))
    retired = factories.make_area(parent=district, retired_on=datetime.date(2020, 1, 1))
    with pytest.raises(ValidationError, match="ngừng sử dụng"):
        services.merge_area(commune, retired, datetime.date(2025, 7, 1))
    assert not AreaMerge.objects.exists()


def test_retire_refuses_a_unit_with_enterprises(federation):
    area = factories.make_area()
    factories.make_enterprise(federation=federation, commune=area)
    with pytest.raises(ValidationError, match="còn doanh nghiệp"):
        services.retire_area(area, datetime.date(2025, 7, 1))
    area.refresh_from_db()
    assert area.is_active


def test_staff_merge_through_the_browser_form(client, staff, federation):
    old = factories.make_area(name="Xã Hợp Nhất Cũ")
    new = factories.make_area(name="Xã Hợp Nhất Mới", parent=old.parent)
    client.force_login(staff)
    response = client.post(
        f"/unions/areas/{old.pk}/merge/",
        {"new": new.pk, "effective_on": "01/07/2025", "legal_basis": "Nghị quyết thử nghiệm"},
        follow=True,
    )
    assert "Đã sáp nhập Xã Hợp Nhất Cũ vào Xã Hợp Nhất Mới" in response.content.decode()
    assert AdministrativeUnit.objects.get(pk=old.pk).merged_into_id == new.pk


def test_merge_form_names_a_bad_date(client, staff):
    old = factories.make_area()
    new = factories.make_area(parent=old.parent)
    client.force_login(staff)
    response = client.post(f"/unions/areas/{old.pk}/merge/", {"new": new.pk, "effective_on": "31/02/2025"})
    assert response.status_code == 200
    assert "Nhập một ngày hợp lệ" in response.content.decode()
    assert AdministrativeUnit.objects.get(pk=old.pk).is_active


def test_leadership_and_chairs_cannot_merge(client, leadership, chair_a):
    old = factories.make_area()
    new = factories.make_area(parent=old.parent)
    for user in (leadership, chair_a):
        client.force_login(user)
        response = client.post(f"/unions/areas/{old.pk}/merge/", {"new": new.pk, "effective_on": "01/07/2025"})
        assert response.status_code == 403
    assert AdministrativeUnit.objects.get(pk=old.pk).is_active


def test_staff_rename_a_unit(client, staff):
    area = factories.make_area(name="Xã Tên Cũ")
    client.force_login(staff)
    client.post(f"/unions/areas/{area.pk}/edit/", {"name": "  Xã  Tên Mới ", "code": "12345"})
    area.refresh_from_db()
    assert area.name == "Xã Tên Mới"


def test_a_merge_recorded_before_its_date_through_the_form_waits_for_it(client, staff, federation):
    old = factories.make_area(name="Xã Hẹn Cũ")
    new = factories.make_area(name="Xã Hẹn Mới", parent=old.parent)
    enterprise = factories.make_enterprise(federation=federation, commune=old)
    client.force_login(staff)
    response = client.post(
        f"/unions/areas/{old.pk}/merge/",
        {"new": new.pk, "effective_on": "01/07/2031", "legal_basis": "Nghị quyết thử nghiệm"},
        follow=True,
    )
    page = response.content.decode()
    assert "Đã ghi quyết định sáp nhập Xã Hẹn Cũ vào Xã Hẹn Mới" in page and "01/07/2031" in page
    assert 'data-testid="merge-waiting"' in page
    enterprise.refresh_from_db()
    assert enterprise.commune == old and AdministrativeUnit.objects.get(pk=old.pk).is_active
