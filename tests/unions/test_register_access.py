"""Who may change the register: staff everything, a chair their own union, leadership nothing.

Outside a user's scope the answer is 404 (the object does not exist for them); inside it,
a role that may only read gets 403.
"""

from __future__ import annotations

import datetime
import re

import pytest

from tests import factories
from unions.models import CommitteeMember, Enterprise, GrassrootsUnion, WorkforceFigure

pytestmark = pytest.mark.django_db


def _enterprise_data(federation, **data):
    return {
        "name": "Công ty TNHH Giày Da Thử Nghiệm",
        "tax_code": "0200000123",
        "ownership": "llc",
        "industry": "Da giày",
        "commune": factories.make_commune_for(federation).pk,
        "address": "Thôn 2",
        "workers": "800",
        "party_org_since": "",
        **data,
    }


# --- chairs: their own union only ---------------------------------------------------------


def test_chair_gets_404_on_another_unions_edit_pages(client, chair_a, union_b):
    member = factories.make_committee_member(union=union_b)
    figure = factories.make_figure(enterprise=union_b.enterprise)
    client.force_login(chair_a)
    for url in (
        f"/unions/{union_b.pk}/edit/",
        f"/unions/{union_b.pk}/committee/add/",
        f"/unions/committee/{member.pk}/edit/",
        f"/unions/committee/{member.pk}/delete/",
        f"/unions/enterprises/{union_b.enterprise.pk}/edit/",
        f"/unions/enterprises/{union_b.enterprise.pk}/figures/add/",
        f"/unions/figures/{figure.pk}/edit/",
    ):
        assert client.get(url).status_code == 404, url


def test_chair_cannot_post_into_another_union(client, chair_a, union_b):
    member = factories.make_committee_member(union=union_b, full_name="Lê Thị Giữ Nguyên")
    client.force_login(chair_a)
    response = client.post(f"/unions/{union_b.pk}/edit/", {"members": 1, "founded_on": "01/01/2020"})
    assert response.status_code == 404
    response = client.post(
        f"/unions/{union_b.pk}/committee/add/",
        {"full_name": "Người Lạ", "sex": "M", "position": "member", "term_start": "01/07/2020"},
    )
    assert response.status_code == 404
    response = client.post(f"/unions/committee/{member.pk}/delete/")
    assert response.status_code == 404
    union_b.refresh_from_db()
    assert union_b.members == 80
    assert list(union_b.committee.values_list("full_name", flat=True)) == ["Lê Thị Giữ Nguyên"]


def test_chair_edits_only_member_count_and_founding_date_of_own_union(client, chair_a, union_a, union_b):
    client.force_login(chair_a)
    response = client.post(
        f"/unions/{union_a.pk}/edit/",
        {
            "members": "95",
            "founded_on": "15/03/2019",
            # Fields a chair's form does not have are ignored, whatever the browser sends.
            "code": "CD-HACKED",
            "name": "Tên khác",
            "enterprise": union_b.enterprise.pk,
            "federation": union_b.federation.pk,
        },
    )
    assert response.status_code == 302
    union_a.refresh_from_db()
    assert (union_a.members, union_a.founded_on) == (95, datetime.date(2019, 3, 15))
    assert (union_a.code, union_a.name, union_a.enterprise_id) == (
        "CD-AAA",
        "Công đoàn Công ty Alpha",
        union_a.enterprise_id,
    )
    assert union_a.enterprise_id != union_b.enterprise_id


def test_chair_form_explains_a_bad_member_count_and_a_future_date(client, chair_a, union_a):
    client.force_login(chair_a)
    future = (datetime.date.today() + datetime.timedelta(days=40)).strftime("%d/%m/%Y")
    text = client.post(f"/unions/{union_a.pk}/edit/", {"members": "mười", "founded_on": future}).content.decode()
    assert "Hãy nhập một số nguyên, ví dụ 120." in text
    assert "Ngày thành lập không được ở tương lai." in text
    union_a.refresh_from_db()
    assert union_a.members == 80


def test_chair_gets_403_on_staff_only_changes_of_own_enterprise(client, chair_a, union_a):
    client.force_login(chair_a)
    assert client.get(f"/unions/enterprises/{union_a.enterprise.pk}/edit/").status_code == 403
    assert client.get(f"/unions/enterprises/{union_a.enterprise.pk}/figures/add/").status_code == 403
    assert client.get("/unions/enterprises/add/").status_code == 403
    assert client.get("/unions/add/").status_code == 403


def test_chair_sees_edit_links_only_for_what_they_may_change(client, chair_a, union_a):
    client.force_login(chair_a)
    text = client.get(f"/unions/{union_a.pk}/").content.decode()
    assert f"/unions/{union_a.pk}/edit/" in text
    assert f"/unions/{union_a.pk}/committee/add/" in text
    assert f"/unions/enterprises/{union_a.enterprise.pk}/figures/add/" not in text


# --- leadership: reads everything, changes nothing ------------------------------------------


def test_leadership_reads_the_register(client, leadership, union_a, union_b):
    client.force_login(leadership)
    assert client.get(f"/unions/{union_a.pk}/").status_code == 200
    assert client.get(f"/unions/enterprises/{union_b.enterprise.pk}/").status_code == 200
    text = client.get("/unions/enterprises/").content.decode()
    assert union_a.enterprise.name in text and union_b.enterprise.name in text
    assert "/unions/enterprises/add/" not in text  # no create button


def test_leadership_gets_403_on_every_change(client, leadership, union_a, federation):
    member = factories.make_committee_member(union=union_a)
    figure = factories.make_figure(enterprise=union_a.enterprise)
    client.force_login(leadership)
    gets = [
        "/unions/enterprises/add/",
        "/unions/add/",
        f"/unions/{union_a.pk}/edit/",
        f"/unions/{union_a.pk}/committee/add/",
        f"/unions/committee/{member.pk}/edit/",
        f"/unions/enterprises/{union_a.enterprise.pk}/edit/",
        f"/unions/enterprises/{union_a.enterprise.pk}/figures/add/",
        f"/unions/figures/{figure.pk}/edit/",
        "/unions/import/",
        "/unions/import/template.xlsx",
    ]
    for url in gets:
        assert client.get(url).status_code == 403, url
    assert client.post(f"/unions/{union_a.pk}/edit/", {"members": 1}).status_code == 403
    assert client.post(f"/unions/committee/{member.pk}/delete/").status_code == 403
    assert client.post(f"/unions/figures/{figure.pk}/delete/").status_code == 403
    assert client.post("/unions/enterprises/add/", _enterprise_data(federation)).status_code == 403
    union_a.refresh_from_db()
    assert union_a.members == 80
    assert CommitteeMember.objects.filter(pk=member.pk).exists()
    assert WorkforceFigure.objects.filter(pk=figure.pk).exists()
    assert not Enterprise.objects.filter(tax_code="0200000123").exists()


# --- staff: the whole federation, nothing beyond it ---------------------------------------


def test_staff_create_an_enterprise_and_its_union(client, staff, federation):
    client.force_login(staff)
    response = client.post("/unions/enterprises/add/", _enterprise_data(federation, tax_code=" 0200000123 "))
    assert response.status_code == 302
    enterprise = Enterprise.objects.get(tax_code="0200000123")
    assert enterprise.federation == federation and enterprise.workers == 800
    response = client.post(
        "/unions/add/",
        {"enterprise": enterprise.pk, "code": "cd-giayda", "name": "Công đoàn Giày Da", "members": "700"},
    )
    assert response.status_code == 302
    union = GrassrootsUnion.objects.get(code="CD-GIAYDA")
    assert (union.enterprise, union.federation, union.members) == (enterprise, federation, 700)


def test_bidi_controls_typed_into_the_register_forms_are_not_stored(client, staff, federation):
    client.force_login(staff)
    data = _enterprise_data(
        federation,
        name="Công ty TNHH\u202e Giày Da\u202c Thử Nghiệm",
        tax_code="\u202d0200000123",
        address="\u2067Thôn 2",
    )
    assert client.post("/unions/enterprises/add/", data).status_code == 302
    enterprise = Enterprise.objects.get(tax_code="0200000123")
    assert (enterprise.name, enterprise.address) == ("Công ty TNHH Giày Da Thử Nghiệm", "Thôn 2")
    response = client.post(
        "/unions/add/",
        {"enterprise": enterprise.pk, "code": "cd-\u202egiayda", "name": "Công đoàn\u2068 Giày Da", "members": "700"},
    )
    assert response.status_code == 302
    assert GrassrootsUnion.objects.get(code="CD-GIAYDA").name == "Công đoàn Giày Da"
    union = GrassrootsUnion.objects.get()
    response = client.post(
        f"/unions/{union.pk}/committee/add/",
        {
            "full_name": "Nguyễn\u202e Thị Thử",
            "sex": "F",
            "position": "member",
            "term_start": "01/07/2020",
            "term_end": "30/06/2025",
        },
    )
    assert response.status_code == 302
    assert union.committee.get().full_name == "Nguyễn Thị Thử"


def test_enterprise_form_explains_bad_tax_codes(client, staff, federation, union_a):
    client.force_login(staff)
    text = client.post("/unions/enterprises/add/", _enterprise_data(federation, tax_code="02-123")).content.decode()
    assert "Mã số doanh nghiệp gồm 10 chữ số" in text
    taken = union_a.enterprise.tax_code
    text = client.post("/unions/enterprises/add/", _enterprise_data(federation, tax_code=taken)).content.decode()
    assert "Mã số doanh nghiệp này đã có trong danh sách doanh nghiệp." in text
    response = client.post("/unions/enterprises/add/", _enterprise_data(federation, tax_code="0200000123-001"))
    assert response.status_code == 302  # a branch: 10 digits, dash, 3 digits


def test_enterprise_form_refuses_a_future_party_date_and_missing_fields(client, staff, federation):
    client.force_login(staff)
    future = (datetime.date.today() + datetime.timedelta(days=3)).strftime("%d/%m/%Y")
    text = client.post(
        "/unions/enterprises/add/", _enterprise_data(federation, party_org_since=future, name="", commune="")
    ).content.decode()
    assert "Ngày có tổ chức Đảng không được ở tương lai." in text
    assert text.count("Trường này là bắt buộc.") == 2
    assert not Enterprise.objects.exists()


def test_staff_edit_an_enterprise_party_organisation_date(client, staff, federation, union_a):
    enterprise = union_a.enterprise
    client.force_login(staff)
    data = _enterprise_data(
        federation, name=enterprise.name, tax_code=enterprise.tax_code, commune=enterprise.commune_id
    )
    response = client.post(f"/unions/enterprises/{enterprise.pk}/edit/", {**data, "party_org_since": "01/09/2021"})
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.party_org_since == datetime.date(2021, 9, 1)
    text = client.get(enterprise.get_absolute_url()).content.decode()
    assert "Có tổ chức Đảng từ ngày 01/09/2021." in text


def test_staff_cannot_attach_a_union_to_another_federations_enterprise(client, staff, union_elsewhere):
    foreign = factories.make_enterprise(federation=union_elsewhere.federation)
    client.force_login(staff)
    response = client.post("/unions/add/", {"enterprise": foreign.pk, "code": "CD-NGOAI", "name": "X", "members": 1})
    assert response.status_code == 200
    assert "Hãy chọn một lựa chọn hợp lệ" in response.content.decode()
    assert not GrassrootsUnion.objects.filter(code="CD-NGOAI").exists()


def test_union_form_refuses_a_second_union_for_an_enterprise_and_a_taken_code(client, staff, union_a):
    client.force_login(staff)
    response = client.post(
        "/unions/add/", {"enterprise": union_a.enterprise.pk, "code": "CD-HAI", "name": "X", "members": 1}
    )
    assert "Hãy chọn một lựa chọn hợp lệ" in response.content.decode()  # enterprises with a union are not offered
    free = factories.make_enterprise(federation=union_a.federation)
    response = client.post("/unions/add/", {"enterprise": free.pk, "code": "CD-AAA", "name": "X", "members": 1})
    assert "Mã công đoàn này đã được dùng cho công đoàn cơ sở khác." in response.content.decode()
    response = client.post("/unions/add/", {"enterprise": free.pk, "code": "CĐ Sai", "name": "X", "members": 1})
    assert "Mã chỉ gồm chữ in hoa không dấu, số và dấu gạch ngang." in response.content.decode()
    assert GrassrootsUnion.objects.count() == 1


def test_staff_get_404_for_another_federations_records(client, staff, union_elsewhere):
    client.force_login(staff)
    assert client.get(f"/unions/{union_elsewhere.pk}/edit/").status_code == 404
    assert client.get(f"/unions/enterprises/{union_elsewhere.enterprise.pk}/edit/").status_code == 404
    assert client.get(f"/unions/{union_elsewhere.pk}/committee/add/").status_code == 404


def test_party_viewer_cannot_reach_register_changes(client, party_viewer, union_a):
    client.force_login(party_viewer)
    assert client.get(f"/unions/{union_a.pk}/edit/").status_code == 403
    assert client.get("/unions/enterprises/add/").status_code == 403
    assert client.get("/unions/import/").status_code == 403


# --- detail pages show what is linked -------------------------------------------------------


def test_enterprise_page_shows_union_committee_party_organisation_and_figures(client, staff, union_a):
    enterprise = union_a.enterprise
    enterprise.party_org_since = datetime.date(2015, 5, 19)
    enterprise.save()
    factories.make_party_organization(name="Chi bộ Công ty Alpha", kind="enterprise_cell", enterprise=enterprise)
    factories.make_committee_member(
        union=union_a, full_name="Phạm Thị Chủ Tịch", position="chair", is_party_member=True
    )
    factories.make_figure(enterprise=enterprise, year=2021, workers=1200, union_members=1100, party_members=7)
    client.force_login(staff)
    text = client.get(enterprise.get_absolute_url()).content.decode()
    for expected in (
        union_a.name,
        "Phạm Thị Chủ Tịch",
        "Chi bộ Công ty Alpha",
        "Có tổ chức Đảng từ ngày 19/05/2015.",
        "1.200",
        "1.100",
        "Đoàn viên và hồ sơ nguồn phát triển Đảng",
    ):
        assert expected in text, expected


# --- two people editing one record ------------------------------------------------------------


def _loaded_state(response) -> str:
    match = re.search(r'name="version" value="([^"]+)"', response.content.decode())
    assert match, "the edit form carries the version it was opened with"
    return match.group(1)


def test_a_chair_cannot_silently_overwrite_a_change_made_meanwhile(client, chair_a, union_a):
    client.force_login(chair_a)
    state = _loaded_state(client.get(f"/unions/{union_a.pk}/edit/"))
    # Meanwhile district staff correct the member count.
    GrassrootsUnion.objects.filter(pk=union_a.pk).update(members=91)
    response = client.post(f"/unions/{union_a.pk}/edit/", {"members": "85", "founded_on": "", "version": state})
    assert response.status_code == 200
    assert "đã được người khác sửa lúc" in response.content.decode()
    union_a.refresh_from_db()
    assert union_a.members == 91
    # Reopened, the form shows the new figure and saves.
    state = _loaded_state(client.get(f"/unions/{union_a.pk}/edit/"))
    response = client.post(f"/unions/{union_a.pk}/edit/", {"members": "85", "version": state})
    assert response.status_code == 302
    union_a.refresh_from_db()
    assert union_a.members == 85


def test_committee_edit_form_detects_a_concurrent_change(client, staff, union_a):
    member = factories.make_committee_member(union=union_a, full_name="Mai Thị Cũ")
    client.force_login(staff)
    state = _loaded_state(client.get(f"/unions/committee/{member.pk}/edit/"))
    CommitteeMember.objects.filter(pk=member.pk).update(full_name="Mai Thị Mới")
    data = {"full_name": "Mai Thị Sửa", "sex": "F", "position": "member", "term_start": "01/07/2020"}
    response = client.post(f"/unions/committee/{member.pk}/edit/", {**data, "version": state})
    assert "đã được người khác sửa lúc" in response.content.decode()
    member.refresh_from_db()
    assert member.full_name == "Mai Thị Mới"


# --- the admin --------------------------------------------------------------------------------


def test_administrator_searches_and_filters_committees_and_figures(client, superuser, union_a):
    factories.make_committee_member(union=union_a, full_name="Đặng Thị Tìm Thấy", volunteered=True)
    factories.make_figure(enterprise=union_a.enterprise, year=2022)
    client.force_login(superuser)
    text = client.get("/admin/unions/committeemember/", {"q": "Tìm Thấy", "volunteered__exact": "1"}).content.decode()
    assert "Đặng Thị Tìm Thấy" in text
    text = client.get("/admin/unions/workforcefigure/", {"year": "2022"}).content.decode()
    assert union_a.enterprise.name in text
    response = client.get(f"/admin/unions/grassrootsunion/{union_a.pk}/change/")
    assert response.status_code == 200 and "Đặng Thị Tìm Thấy" in response.content.decode()
    response = client.get(f"/admin/unions/enterprise/{union_a.enterprise.pk}/change/")
    assert response.status_code == 200
