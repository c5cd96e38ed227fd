"""Yearly workforce figures and executive committees: the rules hold in the database and in forms."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction

from tests import factories
from unions.models import CommitteeMember, WorkforceFigure

pytestmark = pytest.mark.django_db


# --- yearly figures: database constraints ---------------------------------------------------


@pytest.mark.parametrize(
    "workers, members, party",
    [(100, 101, 0), (100, 50, 51), (0, 1, 1)],
    ids=["members-above-workers", "party-above-members", "members-without-workers"],
)
def test_database_refuses_inconsistent_figures(federation, workers, members, party):
    enterprise = factories.make_enterprise(federation=federation)
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkforceFigure.objects.create(
            enterprise=enterprise, year=2022, workers=workers, union_members=members, party_members=party
        )
    assert not WorkforceFigure.objects.exists()


def test_database_refuses_two_figures_for_the_same_year(federation):
    enterprise = factories.make_enterprise(federation=federation)
    factories.make_figure(enterprise=enterprise, year=2022)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_figure(enterprise=enterprise, year=2022)
    factories.make_figure(enterprise=enterprise, year=2021)  # another year is fine
    assert WorkforceFigure.objects.filter(enterprise=enterprise).count() == 2


def test_equal_figures_are_consistent(federation):
    figure = factories.make_figure(workers=80, union_members=80, party_members=80)
    assert figure.pk and figure.union_percent == 100


# --- yearly figures: the form names the field and the numbers --------------------------------


def _post_figure(client, enterprise, **data):
    payload = {"year": 2022, "workers": 100, "union_members": 90, "party_members": 3, **data}
    return client.post(f"/unions/enterprises/{enterprise.pk}/figures/add/", payload)


def test_figure_form_explains_members_above_workers(client, staff, federation):
    enterprise = factories.make_enterprise(federation=federation)
    client.force_login(staff)
    response = _post_figure(client, enterprise, workers=100, union_members=120)
    assert response.status_code == 200
    assert "Số đoàn viên (120) không được lớn hơn số lao động (100)." in response.content.decode()
    assert not WorkforceFigure.objects.exists()


def test_figure_form_explains_party_above_members(client, staff, federation):
    enterprise = factories.make_enterprise(federation=federation)
    client.force_login(staff)
    response = _post_figure(client, enterprise, union_members=10, party_members=12)
    assert "Số đảng viên (12) không được lớn hơn số đoàn viên (10)." in response.content.decode()
    assert not WorkforceFigure.objects.exists()


def test_figure_form_refuses_a_second_row_for_the_year(client, staff, federation):
    enterprise = factories.make_enterprise(federation=federation)
    factories.make_figure(enterprise=enterprise, year=2022)
    client.force_login(staff)
    response = _post_figure(client, enterprise, year=2022)
    assert "Doanh nghiệp đã có số liệu năm 2022" in response.content.decode()
    assert WorkforceFigure.objects.count() == 1


def test_figure_form_refuses_a_year_out_of_range_and_negative_numbers(client, staff, federation):
    enterprise = factories.make_enterprise(federation=federation)
    client.force_login(staff)
    text = _post_figure(client, enterprise, year=1985, workers=-5).content.decode()
    assert "Năm phải từ 2000 trở đi." in text
    assert "Số không được nhỏ hơn 0." in text
    assert not WorkforceFigure.objects.exists()


def test_staff_record_and_correct_a_year(client, staff, federation):
    enterprise = factories.make_enterprise(federation=federation)
    client.force_login(staff)
    response = _post_figure(client, enterprise, year=2021, workers=1500, union_members=1380, party_members=4)
    assert response.status_code == 302
    figure = WorkforceFigure.objects.get(enterprise=enterprise, year=2021)
    client.post(
        f"/unions/figures/{figure.pk}/edit/", {"year": 2021, "workers": 1500, "union_members": 1400, "party_members": 5}
    )
    figure.refresh_from_db()
    assert (figure.union_members, figure.party_members) == (1400, 5)
    text = client.get(enterprise.get_absolute_url()).content.decode()
    assert "1.500" in text and "1.400" in text  # dot thousands separators


def test_editing_a_figure_keeps_its_own_year(client, staff, federation):
    figure = factories.make_figure(enterprise=factories.make_enterprise(federation=federation), year=2022)
    client.force_login(staff)
    response = client.post(
        f"/unions/figures/{figure.pk}/edit/", {"year": 2022, "workers": 120, "union_members": 90, "party_members": 3}
    )
    assert response.status_code == 302
    figure.refresh_from_db()
    assert figure.workers == 120


# --- executive committee ------------------------------------------------------------------


def test_database_refuses_a_term_that_ends_before_it_starts(union_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_committee_member(
            union=union_a, term_start=datetime.date(2022, 1, 1), term_end=datetime.date(2021, 1, 1)
        )


def test_database_refuses_a_party_member_volunteering_for_the_class(union_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_committee_member(union=union_a, is_party_member=True, volunteered=True)


def test_database_refuses_two_chairs_in_one_term(union_a):
    factories.make_committee_member(union=union_a, position=CommitteeMember.Position.CHAIR)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_committee_member(union=union_a, position=CommitteeMember.Position.CHAIR)
    # vice-chairs and members are many
    factories.make_committee_member(union=union_a, position=CommitteeMember.Position.VICE_CHAIR)
    factories.make_committee_member(union=union_a, position=CommitteeMember.Position.VICE_CHAIR)


def _member_data(**data):
    return {
        "full_name": "  Nguyễn   Thị Thử ",
        "sex": "F",
        "position": "member",
        "term_start": "01/07/2020",
        "term_end": "30/06/2025",
        **data,
    }


def test_committee_form_explains_each_rule(client, chair_a, union_a):
    factories.make_committee_member(union=union_a, position="chair", full_name="Trần Văn Chủ Tịch")
    client.force_login(chair_a)
    url = f"/unions/{union_a.pk}/committee/add/"
    text = client.post(url, _member_data(term_end="30/06/2019")).content.decode()
    assert "Ngày kết thúc nhiệm kỳ phải sau ngày bắt đầu (01/07/2020)." in text
    text = client.post(url, _member_data(is_party_member="on", volunteered="on")).content.decode()
    assert "đã là đảng viên thì không đăng ký học lớp" in text
    text = client.post(url, _member_data(position="chair")).content.decode()
    assert "Nhiệm kỳ bắt đầu 01/07/2020 đã có chủ tịch: Trần Văn Chủ Tịch." in text
    text = client.post(url, _member_data(term_start="31/02/2020")).content.decode()
    assert "Nhập một ngày hợp lệ" in text
    assert union_a.committee.count() == 1


def test_chair_adds_edits_and_removes_a_committee_member(client, chair_a, union_a):
    client.force_login(chair_a)
    response = client.post(f"/unions/{union_a.pk}/committee/add/", _member_data(volunteered="on"))
    assert response.status_code == 302
    member = union_a.committee.get()
    assert member.full_name == "Nguyễn Thị Thử" and member.volunteered
    client.post(
        f"/unions/committee/{member.pk}/edit/",
        _member_data(full_name="Nguyễn Thị Thử", position="vice_chair", volunteered="on"),
    )
    member.refresh_from_db()
    assert member.position == "vice_chair"
    text = client.get(f"/unions/{union_a.pk}/").content.decode()
    assert "Nguyễn Thị Thử" in text and "Phó Chủ tịch" in text and "1 ủy viên · 0 đảng viên · 1 xung phong" in text
    client.post(f"/unions/committee/{member.pk}/delete/")
    assert not union_a.committee.exists()


def test_a_new_member_is_offered_the_current_term(client, staff, union_a):
    factories.make_committee_member(
        union=union_a, term_start=datetime.date(2023, 4, 1), term_end=datetime.date(2028, 3, 31)
    )
    client.force_login(staff)
    text = client.get(f"/unions/{union_a.pk}/committee/add/").content.decode()
    assert 'value="01/04/2023"' in text and 'value="31/03/2028"' in text
