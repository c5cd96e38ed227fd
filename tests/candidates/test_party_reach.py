"""The Party organisations offered for a nomination are those of its federation's area, its
enterprises and the province it lies in, not the whole country's (PartyOrganizationQuerySet.in_reach_of)."""

from __future__ import annotations

import datetime
import re

import pytest

from candidates import services
from candidates.models import Introduction, Nomination, Status
from tests import factories
from tests.factories import make_nomination
from unions.models import AdministrativeUnit, PartyOrganization

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(staff, union_a):
    """The staff's district inside a province, a commune of it, and a district of another province."""
    district = staff.profile.federation.area
    commune = factories.make_area(parent=district, name="Xã Gần Nhà")
    province = district.parent
    elsewhere_province = AdministrativeUnit.objects.create(name="Tỉnh Xa Xôi", level="province")
    elsewhere = AdministrativeUnit.objects.create(name="Huyện Xa Xôi", level="district", parent=elsewhere_province)
    far_commune = AdministrativeUnit.objects.create(name="Xã Xa Xôi", level="commune", parent=elsewhere)
    org = factories.make_party_organization
    return {
        "commune": org(name="Đảng ủy xã Gần Nhà", area=commune),
        "district": org(name="Huyện ủy Nhà Mình", kind="district", area=district),
        "province": org(name="Thành ủy Trên Nhà", kind="provincial", area=province),
        "enterprise": org(
            name="Chi bộ Công ty Ở Xa Của Mình",
            kind="enterprise_cell",
            area=far_commune,
            enterprise=union_a.enterprise,
        ),
        "nowhere": org(name="Đảng ủy Chưa Ghi Địa Bàn"),
        "far": org(name="Đảng ủy xã Xa Xôi", area=far_commune),
        "far_district": org(name="Huyện ủy Xa Xôi", kind="district", area=elsewhere),
    }


def introduced(union, staff):
    nomination = make_nomination(union=union)
    for status in (Status.APPROVED, Status.ENROLLED, Status.COMPLETED):
        services.move(nomination, status, staff)
    nomination.refresh_from_db()
    return nomination


def offered(html: str, name: str) -> set[str]:
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S).group(0)
    return set(re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", select))


def test_the_introduction_offers_the_organisations_of_the_federation_s_area(client, staff, union_a, places):
    nomination = introduced(union_a, staff)
    client.force_login(staff)
    names = offered(client.get(f"/candidates/{nomination.pk}/").content.decode(), "receiving_organization")
    mine = {places[k].name for k in ("commune", "district", "province", "enterprise", "nowhere")}
    assert mine <= names
    assert places["far"].name not in names and places["far_district"].name not in names


def test_an_organisation_out_of_reach_is_refused_and_nothing_is_recorded(client, staff, union_a, places):
    nomination = introduced(union_a, staff)
    client.force_login(staff)
    data = {
        "to_status": "introduced",
        "version": nomination.version,
        "resolution_number": "07/NQ-CĐCS",
        "resolution_date": "20/05/2022",
        "meeting_date": "18/05/2022",
        "committee_total": 7,
        "committee_present": 6,
        "votes_for": 6,
        "votes_against": 0,
        "receiving_organization": places["far"].pk,
        "co_introducer_name": "Phạm Văn Giới",
        "co_introducer_worked_since": "01/01/2020",
    }
    page = client.post(f"/candidates/{nomination.pk}/move/", data, follow=True).content.decode()
    assert "lựa chọn hợp lệ" in page  # Django's own Vietnamese message for a choice not offered
    nomination.refresh_from_db()
    assert nomination.status == Status.COMPLETED and not hasattr(nomination, "introduction")
    client.post(f"/candidates/{nomination.pk}/move/", {**data, "receiving_organization": places["commune"].pk})
    nomination.refresh_from_db()
    assert nomination.status == Status.INTRODUCED


def test_admission_still_offers_the_organisation_the_person_was_introduced_to(client, staff, union_a, places):
    nomination = introduced(union_a, staff)
    Introduction.objects.create(
        nomination=nomination,
        resolution_number="08/NQ-CĐCS",
        resolution_date=datetime.date(2022, 5, 20),
        meeting_date=datetime.date(2022, 5, 18),
        committee_total=5,
        committee_present=5,
        votes_for=5,
        receiving_organization=places["far"],  # chosen before it was out of reach
        co_introducer_name="Lê Văn Đồng Hành",
        co_introducer_worked_since=datetime.date(2019, 1, 1),
    )
    Nomination.objects.filter(pk=nomination.pk).update(status=Status.INTRODUCED, stage=5)
    client.force_login(staff)
    names = offered(client.get(f"/candidates/{nomination.pk}/").content.decode(), "organization")
    assert places["far"].name in names and places["commune"].name in names
    assert places["far_district"].name not in names


def test_an_administrator_is_offered_what_the_nomination_s_federation_reaches(
    client, superuser, staff, union_a, places
):
    nomination = introduced(union_a, staff)
    client.force_login(superuser)
    names = offered(client.get(f"/candidates/{nomination.pk}/").content.decode(), "receiving_organization")
    assert places["commune"].name in names and places["far"].name not in names


def test_a_federation_without_an_area_reaches_every_organisation(staff, places):
    federation = staff.profile.federation
    federation.area = None
    federation.save()
    assert set(PartyOrganization.objects.in_reach_of(staff, federation)) == set(PartyOrganization.objects.all())
