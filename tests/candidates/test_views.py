"""Nomination pages: scoped to the user, citizen IDs masked, bad input answered in Vietnamese."""

from __future__ import annotations

import io

import openpyxl
import pytest

from candidates.models import Nomination, Person, Status
from tests import factories
from tests.factories import make_nomination
from unions.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def nomination_a(union_a):
    return make_nomination(union=union_a, full_name="Đặng Thị Ánh", citizen_id="031095001234")


@pytest.fixture
def nomination_b(union_b):
    return make_nomination(union=union_b, full_name="Trịnh Văn Bình", citizen_id="031095009876")


def form_data(union, **overrides):
    data = {
        "union": union.pk,
        "full_name": "Hoàng Thị Mai",
        "sex": "F",
        "date_of_birth": "05/05/1996",
        "ethnicity": "Kinh",
        "religion": "Không",
        "citizen_id": "099 123 456 789",
        "education": "12/12",
        "job_title": "Công nhân may",
        "union_joined_on": "01/03/2019",
        "phone": "0912345678",
        "residence_province": "Thành phố Hải Phòng",
        "residence_district": "Huyện Tiên Lãng",
        "residence_commune": "Xã Tiên Cường",
        "nominated_on": "10/02/2022",
        "voluntary_application": "on",
        "chair_assessment": "Gương mẫu, nhiệt tình.",
        "qualities_confirmed": "on",
        "save": "1",
    }
    data.update(overrides)
    return data


# --- lists and pages ---------------------------------------------------------------------


def test_chair_list_shows_only_own_union_and_masks_ids(client, chair_a, nomination_a, nomination_b):
    client.force_login(chair_a)
    text = client.get("/candidates/").content.decode()
    assert "Đặng Thị Ánh" in text and "Trịnh Văn Bình" not in text
    assert "031******234" in text and "031095001234" not in text


def test_chair_gets_404_for_another_unions_nomination_and_person(client, chair_a, nomination_b):
    client.force_login(chair_a)
    assert client.get(f"/candidates/{nomination_b.pk}/").status_code == 404
    assert client.get(f"/candidates/people/{nomination_b.person_id}/").status_code == 404
    response = client.post(f"/candidates/{nomination_b.pk}/move/", {"to_status": "withdrawn", "reason": "x"})
    assert response.status_code == 404
    assert Nomination.objects.get(pk=nomination_b.pk).status == Status.NOMINATED


def test_search_ignores_accents_and_case(client, staff, nomination_a, nomination_b):
    client.force_login(staff)
    text = client.get("/candidates/", {"q": "dang thi anh"}).content.decode()
    assert "Đặng Thị Ánh" in text and "Trịnh Văn Bình" not in text
    text = client.get("/candidates/", {"q": "DANG"}).content.decode()
    assert "Đặng Thị Ánh" in text
    text = client.get("/candidates/", {"q": "031095009876"}).content.decode()
    assert "Trịnh Văn Bình" in text and "Đặng Thị Ánh" not in text


def test_full_citizen_id_only_on_detail_for_allowed_roles(client, staff, leadership, chair_a, nomination_a):
    for user, visible in ((staff, True), (chair_a, True), (leadership, False)):
        client.force_login(user)
        text = client.get(f"/candidates/people/{nomination_a.person_id}/").content.decode()
        assert ("031095001234" in text) is visible
        assert "031******234" in text or visible


def test_party_viewer_sees_only_people_introduced_to_their_organisation(client, party_viewer, nomination_a):
    client.force_login(party_viewer)
    assert "Đặng Thị Ánh" not in client.get("/candidates/").content.decode()
    assert client.get(f"/candidates/{nomination_a.pk}/").status_code == 404
    assert client.get("/candidates/people/").status_code == 403


def test_export_holds_exactly_the_filtered_rows_with_masked_ids(client, staff, nomination_a, nomination_b, union_a):
    client.force_login(staff)
    response = client.get("/candidates/", {"union": union_a.pk, "export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "no-store" in response["Cache-Control"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in rows] == ["Đặng Thị Ánh"]
    assert rows[0][2] == "031******234"


def test_exported_names_never_become_formulas(client, staff, union_a):
    make_nomination(union=union_a, full_name='=HYPERLINK("http://example.invalid","Bấm")')
    client.force_login(staff)
    response = client.get("/candidates/", {"export": "xlsx"})
    cell = openpyxl.load_workbook(io.BytesIO(response.content)).active["B2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_list_query_count_does_not_grow_with_rows(client, staff, union_a, django_assert_max_num_queries):
    for _ in range(25):
        make_nomination(union=union_a)
    client.force_login(staff)
    # A first view: the data version, then the count (kept afterwards, tienlang.lib.kept).
    with django_assert_max_num_queries(13):
        response = client.get("/candidates/")
    assert response.content.decode().count("/candidates/") > 25


# --- nominating -------------------------------------------------------------------------


def test_chair_nominates_a_person_through_the_form(client, chair_a, union_a):
    client.force_login(chair_a)
    response = client.post("/candidates/new/", form_data(union_a), follow=True)
    assert "Đã gửi hồ sơ của Hoàng Thị Mai" in response.content.decode()
    person = Person.objects.get()
    assert person.citizen_id == "099123456789" and person.lives_in_district
    assert Nomination.objects.get().union == union_a


def test_a_name_typed_with_a_bidi_override_is_stored_without_it(client, chair_a, union_a):
    client.force_login(chair_a)
    # U+202E shows what follows right to left: "Mai" would read "iaM", and a hidden order
    # could make two different names look the same on every list and export.
    data = form_data(
        union_a,
        full_name="Hoàng Thị\u202e Mai\u202c",
        residence_commune="\u2067Xã Tiên Cường\u2069",
        citizen_id="\u202d099 123 456 789",
        chair_assessment="Gương mẫu,\u202e nhiệt tình.",
    )
    response = client.post("/candidates/new/", data, follow=True)
    assert "Đã gửi hồ sơ của Hoàng Thị Mai" in response.content.decode()
    person = Person.objects.get()
    assert (person.full_name, person.residence_commune) == ("Hoàng Thị Mai", "Xã Tiên Cường")
    assert person.citizen_id == "099123456789"
    assert person.name_folded == "hoang thi mai"
    assert Nomination.objects.get().chair_assessment == "Gương mẫu, nhiệt tình."


def test_chair_cannot_nominate_into_another_union_by_editing_the_form(client, chair_a, union_a, union_b):
    client.force_login(chair_a)
    client.post("/candidates/new/", form_data(union_b))
    # The posted union is ignored: a chair's nomination always lands in their own union.
    assert list(Nomination.objects.values_list("union__code", flat=True)) == [union_a.code]
    assert not Nomination.objects.filter(union=union_b).exists()


def test_staff_choose_only_unions_in_their_scope(client, staff, union_elsewhere):
    client.force_login(staff)
    response = client.post("/candidates/new/", form_data(union_elsewhere))
    assert "Hãy chọn một lựa chọn hợp lệ" in response.content.decode()
    assert not Nomination.objects.exists()


def test_blocked_person_is_explained_and_not_saved(client, chair_a, union_a):
    client.force_login(chair_a)
    response = client.post("/candidates/new/", form_data(union_a, union_joined_on="01/12/2021"))
    text = response.content.decode()
    assert "Không thể gửi hồ sơ" in text and "Hoàng Thị Mai: chưa đủ 12 tháng" in text
    assert not Nomination.objects.exists()


def test_bad_values_are_named_in_vietnamese(client, chair_a, union_a):
    client.force_login(chair_a)
    response = client.post(
        "/candidates/new/", form_data(union_a, citizen_id="12345", date_of_birth="31/02/1996", phone="123")
    )
    text = response.content.decode()
    assert "Số CCCD phải gồm đúng 12 chữ số" in text
    assert "Nhập một ngày hợp lệ" in text
    assert "Số điện thoại Việt Nam không hợp lệ" in text
    assert not Person.objects.exists()


def test_check_button_shows_findings_without_saving(client, chair_a, union_a):
    client.force_login(chair_a)
    data = form_data(union_a, date_of_birth="01/06/2004")
    data.pop("save")
    data["action"] = "check"
    text = client.post("/candidates/new/", data).content.decode()
    assert "Cảnh báo" in text and "18 tuổi" in text
    assert not Nomination.objects.exists()


def test_live_check_endpoint_answers_with_findings(client, chair_a, union_a):
    client.force_login(chair_a)
    text = client.post("/candidates/check/", form_data(union_a, date_of_birth="01/01/1950")).content.decode()
    assert "quá 60 tuổi" in text
    assert client.get("/candidates/check/").status_code == 405


def test_leadership_and_party_viewer_cannot_nominate(client, leadership, party_viewer, union_a):
    for user in (leadership, party_viewer):
        client.force_login(user)
        assert client.post("/candidates/new/", form_data(union_a)).status_code == 403
    assert not Nomination.objects.exists()


# --- review -------------------------------------------------------------------------------


def test_staff_bulk_approve_from_the_queue(client, staff, union_a):
    clean = make_nomination(union=union_a)
    warned = make_nomination(union=union_a, education="8/12")
    client.force_login(staff)
    response = client.post("/candidates/review/", {"selected": [clean.pk, warned.pk]}, follow=True)
    text = response.content.decode()
    assert "Đã duyệt 1 hồ sơ" in text and "cảnh báo chưa được chấp nhận" in text
    assert Nomination.objects.get(pk=clean.pk).status == Status.APPROVED
    assert Nomination.objects.get(pk=warned.pk).status == Status.NOMINATED


def test_chairs_cannot_use_the_review_queue(client, chair_a, union_a):
    nomination = make_nomination(union=union_a)
    client.force_login(chair_a)
    assert client.get("/candidates/review/").status_code == 403
    assert client.post("/candidates/review/", {"selected": [nomination.pk]}).status_code == 403
    assert Nomination.objects.get(pk=nomination.pk).status == Status.NOMINATED


def test_reject_without_reason_is_refused_with_a_message(client, staff, union_a):
    nomination = make_nomination(union=union_a)
    client.force_login(staff)
    response = client.post(
        f"/candidates/{nomination.pk}/move/",
        {"to_status": "rejected", "reason": "", "version": nomination.version, "happened_on": "04/03/2022"},
        follow=True,
    )
    assert "Cần ghi lý do" in response.content.decode()
    assert Nomination.objects.get(pk=nomination.pk).status == Status.NOMINATED


def test_second_save_with_a_stale_page_is_refused(client, staff, union_a):
    nomination = make_nomination(union=union_a)
    other = factories.make_user(Role.STAFF, federation=union_a.federation)
    client.force_login(other)
    client.post(
        f"/candidates/{nomination.pk}/move/",
        {"to_status": "approved", "version": nomination.version, "happened_on": "04/03/2022"},
    )
    client.force_login(staff)
    response = client.post(
        f"/candidates/{nomination.pk}/move/",
        {"to_status": "rejected", "reason": "Thiếu hồ sơ", "version": nomination.version, "happened_on": "04/03/2022"},
        follow=True,
    )
    assert "vừa được người khác cập nhật" in response.content.decode()
    assert Nomination.objects.get(pk=nomination.pk).status == Status.APPROVED


def test_introduction_records_the_resolution(client, staff, union_a):
    from unions.models import PartyOrganization

    org = factories.make_party_organization(name="Đảng ủy xã Thử Nghiệm Nhận")
    nomination = make_nomination(union=union_a)
    for status in (Status.APPROVED, Status.ENROLLED, Status.COMPLETED):
        from candidates import services

        services.move(nomination, status, staff)
    nomination.refresh_from_db()
    client.force_login(staff)
    data = {
        "to_status": "introduced",
        "version": nomination.version,
        "resolution_number": "05/NQ-CĐCS",
        "resolution_date": "20/05/2022",
        "meeting_date": "18/05/2022",
        "committee_total": 7,
        "committee_present": 6,
        "votes_for": 6,
        "votes_against": 0,
        "receiving_organization": org.pk,
        "co_introducer_name": "Phạm Văn Giới",
        "co_introducer_worked_since": "01/01/2020",
    }
    bad = client.post(f"/candidates/{nomination.pk}/move/", {**data, "votes_for": 3}, follow=True)
    assert "trên một nửa" in bad.content.decode()
    client.post(f"/candidates/{nomination.pk}/move/", data)
    nomination.refresh_from_db()
    assert nomination.status == Status.INTRODUCED
    assert nomination.introduction.receiving_organization == org
    assert PartyOrganization.objects.filter(introductions__nomination=nomination).exists()


def test_class_steps_are_not_offered_or_accepted_on_the_nomination_page(client, staff, union_a):
    from candidates import services

    nomination = make_nomination(union=union_a)
    services.move(nomination, Status.APPROVED, staff)
    client.force_login(staff)
    page = client.get(f"/candidates/{nomination.pk}/").content.decode()
    assert 'data-testid="move-enrolled"' not in page and 'data-testid="move-withdrawn"' in page
    response = client.post(
        f"/candidates/{nomination.pk}/move/",
        {"to_status": "enrolled", "version": nomination.version + 1, "happened_on": "20/03/2022"},
        follow=True,
    )
    assert "trang lớp học" in response.content.decode()
    assert Nomination.objects.get(pk=nomination.pk).status == Status.APPROVED
