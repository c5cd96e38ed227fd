"""Personal-data duties: the person export, restriction, consent, requests and who may do what."""

from __future__ import annotations

import datetime
import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from candidates import privacy, services
from candidates.models import (
    Consent,
    DataSubjectRequest,
    Introduction,
    LegalBasis,
    Nomination,
    RequestKind,
    RequestStatus,
    Status,
)
from tests import factories
from unions.models import AccessLog, Role

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def workbook_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return " ".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml"))


def sheet_rows(content: bytes, title: str) -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return [tuple(row) for row in workbook[title].iter_rows(min_row=2, values_only=True)]


@pytest.fixture
def person(staff, union_a):
    """A learner of union A with everything a person can have on record."""
    from classes import services as class_services

    klass = factories.make_class(union_a.federation, name="Lớp bồi dưỡng Riêng Tư 2022")
    enrollment = factories.make_learner(
        klass,
        union_a,
        staff,
        full_name="Đặng Thị Riêng Tư",
        citizen_id="031190001234",
        phone="0912000111",
        current_address="Số 7 ngõ Thử Nghiệm",
    )
    policy = factories.make_policy(union_a.federation)
    class_services.commit_stipends(klass, [enrollment.pk], policy, staff, on=datetime.date(2022, 3, 20))
    nomination = enrollment.nomination
    Introduction.objects.create(
        nomination=nomination,
        resolution_number="07/NQ-RIENGTU",
        resolution_date=datetime.date(2022, 5, 1),
        meeting_date=datetime.date(2022, 4, 28),
        committee_total=5,
        committee_present=5,
        votes_for=5,
        receiving_organization=factories.make_party_organization(name="Đảng ủy xã Riêng Tư"),
        co_introducer_name="Lê Văn Đồng Hành",
        co_introducer_worked_since=datetime.date(2019, 1, 1),
    )
    subject = nomination.person
    privacy.record_consent(subject, staff, given_on=datetime.date(2022, 2, 1), evidence="Phiếu đồng ý số 12")
    privacy.open_request(subject, staff, kind=RequestKind.ACCESS, received_on=TODAY, details="Xin bản sao hồ sơ")
    return subject


@pytest.fixture
def other_person(staff, union_a):
    return factories.make_nomination(
        union_a, user=staff, full_name="Hoàng Văn Người Khác", citizen_id="031190009999", phone="0988777666"
    ).person


# --- the export of everything held about one person -----------------------------------------


def test_person_export_holds_everything_about_the_person_and_nothing_of_others(client, staff, person, other_person):
    client.force_login(staff)
    client.get(person.get_absolute_url())  # a view, to appear in the access-log sheet
    response = client.get(reverse("candidates:person_export", args=[person.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'du-lieu-doan-vien-{person.pk}.xlsx"'), "no name in the file name"
    text = workbook_text(response.content)
    for expected in [
        "Đặng Thị Riêng Tư",
        "031190001234",  # in full: it is the person's own number
        "0912000111",
        "Số 7 ngõ Thử Nghiệm",
        "Gương mẫu, tích cực.",  # the chair's assessment
        "Đủ điều kiện",  # a step of the history
        "07/NQ-RIENGTU",
        "Lớp bồi dưỡng Riêng Tư 2022",
        "3000000",
        "Phiếu đồng ý số 12",
        "Xin bản sao hồ sơ",
        "Trang đoàn viên",  # the access-log entry of the view above
        "Dữ liệu cá nhân nhạy cảm",
    ]:
        assert expected in text, expected
    for foreign in ["Hoàng Văn Người Khác", "031190009999", "0988777666"]:
        assert foreign not in text, foreign
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert {"Thông tin cá nhân", "Hồ sơ nguồn", "Lịch sử hồ sơ", "Giới thiệu cho Đảng", "Lớp học"} <= set(
        workbook.sheetnames
    )
    assert {"Hỗ trợ học viên", "Đồng ý xử lý dữ liệu", "Yêu cầu về dữ liệu", "Nhật ký truy cập"} <= set(
        workbook.sheetnames
    )
    dates = dict((r[0], r[1]) for r in sheet_rows(response.content, "Thông tin cá nhân"))
    assert dates["Ngày sinh"] == datetime.datetime(1995, 5, 5), "a real date, formatted dd/mm/yyyy"


def test_person_export_is_recorded_in_the_access_log(client, staff, person):
    client.force_login(staff)
    client.get(reverse("candidates:person_export", args=[person.pk]))
    entry = AccessLog.objects.filter(action=AccessLog.Action.EXPORT).latest("at")
    assert entry.person_ids == [person.pk]
    assert entry.username == "staff"
    assert {"citizen_id", "religion", "phone"} <= set(entry.fields)


def test_person_export_access_rules(client, person, chair_a, chair_b, leadership, party_viewer, other_federation):
    url = reverse("candidates:person_export", args=[person.pk])
    assert client.get(url).status_code == 302, "anonymous: to the login page"
    expected = {chair_b: 404, chair_a: 403, leadership: 403, party_viewer: 404}
    expected[factories.make_user(Role.STAFF, federation=other_federation)] = 404
    for user, status in expected.items():
        client.force_login(user)
        assert client.get(url).status_code == status, user.username
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()


# --- restriction of processing -------------------------------------------------------------


def test_restricted_person_cannot_be_moved_corrected_or_renominated(staff, union_a):
    nomination = factories.make_nomination(union_a, user=staff, full_name="Vũ Thị Hạn Chế")
    privacy.restrict(nomination.person, staff, "Theo đơn đề nghị ngày 01/03/2022")
    assert services.allowed_moves(Nomination.objects.get(pk=nomination.pk), staff) == []
    with pytest.raises(ValidationError, match="Vũ Thị Hạn Chế: dữ liệu cá nhân đang bị hạn chế xử lý"):
        services.move(nomination, Status.APPROVED, staff)
    with pytest.raises(ValidationError, match="hạn chế xử lý"):
        services.correct(nomination, Status.WITHDRAWN, staff, "nhầm")
    assert Nomination.objects.get(pk=nomination.pk).status == Status.NOMINATED

    privacy.lift_restriction(nomination.person, staff, "Đã xác minh, đương sự đồng ý tiếp tục")
    services.move(nomination, Status.WITHDRAWN, staff, reason="Chuyển công tác")
    privacy.restrict(nomination.person, staff, "Theo đơn")
    with pytest.raises(services.EligibilityBlocked) as blocked:
        factories.make_nomination(union_a, year=2023, user=staff, citizen_id=nomination.person.citizen_id)
    assert "hạn chế xử lý" in blocked.value.findings[0].message


def test_restricted_person_in_an_upload_blocks_the_file(staff, union_a):
    from candidates import imports
    from tests.candidates.test_import_support import make_xlsx, row

    person = factories.make_nomination(union_a, year=2021, user=staff).person
    services.move(person.nominations.get(), Status.REJECTED, staff, reason="Chưa đủ tuổi đoàn")
    privacy.restrict(person, staff, "Theo đơn")
    result = imports.import_file(make_xlsx([row(citizen_id=person.citizen_id)]), union_a, 2022, file_name="x.xlsx")
    assert not result.ok
    assert any("hạn chế xử lý" in p.message for p in result.errors)
    assert Nomination.objects.filter(year=2022).count() == 0


def test_move_page_shows_the_restriction_message(client, staff, union_a):
    nomination = factories.make_nomination(union_a, user=staff, full_name="Vũ Thị Hạn Chế")
    privacy.restrict(nomination.person, staff, "Theo đơn")
    client.force_login(staff)
    page = client.get(nomination.get_absolute_url())
    assert 'data-testid="restricted"' in page.content.decode()
    assert 'data-testid="move-approved"' not in page.content.decode()
    response = client.post(
        reverse("candidates:nomination_move", args=[nomination.pk]),
        {"to_status": "approved", "version": nomination.version, "happened_on": TODAY.strftime("%d/%m/%Y")},
        follow=True,
    )
    assert "dữ liệu cá nhân đang bị hạn chế xử lý" in response.content.decode()
    assert Nomination.objects.get(pk=nomination.pk).status == Status.NOMINATED


def test_restricted_people_are_left_out_of_the_list_export_with_a_note(client, staff, union_a):
    kept = factories.make_nomination(union_a, user=staff, full_name="Ngô Văn Được Xuất")
    hidden = factories.make_nomination(union_a, user=staff, full_name="Ngô Thị Hạn Chế")
    privacy.restrict(hidden.person, staff, "Theo đơn")
    client.force_login(staff)
    assert "Ngô Thị Hạn Chế" in client.get(reverse("candidates:nomination_list")).content.decode(), "still on screen"
    response = client.get(reverse("candidates:nomination_list") + "?export=xlsx")
    text = workbook_text(response.content)
    assert "Ngô Văn Được Xuất" in text
    assert "Ngô Thị Hạn Chế" not in text
    assert "Không xuất 1 hồ sơ của người đang bị hạn chế xử lý" in text
    entry = AccessLog.objects.filter(action=AccessLog.Action.EXPORT).latest("at")
    assert entry.person_ids == [kept.person_id]


def test_restricted_learners_are_left_out_of_the_roster_and_signing_list(staff, union_a):
    from classes import services as class_services
    from classes.exports import build_roster_workbook, build_stipends_workbook

    klass = factories.make_class(union_a.federation)
    kept = factories.make_learner(klass, union_a, staff, full_name="Đinh Văn Ký Nhận")
    hidden = factories.make_learner(klass, union_a, staff, full_name="Đinh Thị Hạn Chế")
    policy = factories.make_policy(union_a.federation)
    class_services.commit_stipends(klass, [kept.pk, hidden.pk], policy, staff, on=datetime.date(2022, 3, 20))
    # Paid, so that both are on the list to sign for (the signing list holds paid stipends only).
    class_services.pay_stipends(
        klass, [kept.pk, hidden.pk], policy, staff, voucher_number="PC-07", paid_on=datetime.date(2022, 3, 25)
    )
    privacy.restrict(hidden.nomination.person, staff, "Theo đơn")
    for builder in (build_roster_workbook, build_stipends_workbook):
        buffer = io.BytesIO()
        builder(2022, user=staff).save(buffer)
        text = workbook_text(buffer.getvalue())
        assert "Đinh Văn Ký Nhận" in text
        assert "Đinh Thị Hạn Chế" not in text
        assert "hạn chế xử lý dữ liệu cá nhân" in text


def test_restricted_people_are_left_out_of_the_introductions_report(staff, union_a):
    from reports.queries import Scope, introductions

    nomination = factories.make_nomination(union_a, user=staff)
    Nomination.objects.filter(pk=nomination.pk).update(stage=5, status=Status.INTRODUCED)
    Introduction.objects.create(
        nomination=nomination,
        resolution_number="01/NQ",
        resolution_date=datetime.date(2022, 5, 1),
        meeting_date=datetime.date(2022, 5, 1),
        committee_total=3,
        committee_present=3,
        votes_for=3,
        receiving_organization=factories.make_party_organization(),
        co_introducer_name="Lê Văn A",
        co_introducer_worked_since=datetime.date(2019, 1, 1),
    )
    scope = Scope(user=staff)
    assert list(introductions(scope, 2022)) == [nomination]
    privacy.restrict(nomination.person, staff, "Theo đơn")
    assert list(introductions(scope, 2022)) == []


# --- legal basis and consent ---------------------------------------------------------------


def test_consent_and_its_withdrawal_are_recorded_and_withdrawal_stops_processing(staff, union_a):
    person = factories.make_nomination(union_a, user=staff).person
    consent = privacy.record_consent(person, staff, given_on=datetime.date(2022, 2, 1), evidence="Phiếu số 3")
    person.refresh_from_db()
    assert person.legal_basis == LegalBasis.CONSENT, "consent becomes the basis of a person with none"
    assert (consent.recorded_by, consent.withdrawn_on) == (staff, None)

    withdrawn = privacy.withdraw_consent(consent, staff, on=TODAY, note="Đơn rút lại")
    assert (withdrawn.withdrawn_on, withdrawn.withdrawn_recorded_by, withdrawn.withdrawal_note) == (
        TODAY,
        staff,
        "Đơn rút lại",
    )
    assert Consent.history.filter(id=consent.pk).count() == 2, "the change history keeps both states"
    person.refresh_from_db()
    assert person.processing_restricted, "no consent left for a consent-based record: processing stops"
    assert "Rút lại sự đồng ý" in person.restriction_reason
    with pytest.raises(ValidationError, match="đã được rút lại"):
        privacy.withdraw_consent(consent, staff, on=TODAY)


def test_withdrawal_keeps_processing_when_the_basis_is_the_law(staff, union_a):
    person = factories.make_nomination(union_a, user=staff).person
    privacy.set_legal_basis(person, staff, LegalBasis.LAW, "Điều lệ Công đoàn Việt Nam")
    consent = privacy.record_consent(person, staff, given_on=datetime.date(2022, 2, 1))
    privacy.withdraw_consent(consent, staff, on=TODAY)
    person.refresh_from_db()
    assert not person.processing_restricted


def test_law_as_basis_needs_the_document(staff, union_a):
    person = factories.make_nomination(union_a, user=staff).person
    with pytest.raises(ValidationError, match="văn bản"):
        privacy.set_legal_basis(person, staff, LegalBasis.LAW, "")


def test_consent_page_actions_by_staff_only(client, staff, chair_a, leadership, union_a):
    person = factories.make_nomination(union_a, user=staff).person
    url = reverse("candidates:consent_add", args=[person.pk])
    data = {"given_on": "01/02/2022", "purpose": "Tạo nguồn", "evidence": "Phiếu số 5"}
    for user in (chair_a, leadership):
        client.force_login(user)
        assert client.post(url, data).status_code == 403
    client.force_login(staff)
    assert client.post(url, data).status_code == 302
    consent = person.consents.get()
    assert (consent.given_on, consent.evidence, consent.recorded_by) == (datetime.date(2022, 2, 1), "Phiếu số 5", staff)
    client.force_login(chair_a)
    page = client.get(person.get_absolute_url()).content.decode()
    assert "Phiếu số 5" in page, "the chair sees the consents of their own members"
    assert 'data-testid="privacy-actions"' not in page


# --- data-subject requests -----------------------------------------------------------------


def test_due_date_counts_the_configured_hours_in_whole_days(settings):
    received = datetime.date(2026, 3, 10)
    assert privacy.due_date(RequestKind.ACCESS, received) == datetime.date(2026, 3, 13), "72 hours by default"
    settings.DSR_RESPONSE_HOURS = {"objection": 15 * 24, "correction": 30}
    assert privacy.due_date(RequestKind.OBJECTION, received) == datetime.date(2026, 3, 25)
    assert privacy.due_date(RequestKind.CORRECTION, received) == datetime.date(2026, 3, 12), "30 h rounds up to 2 days"
    settings.DSR_RESPONSE_HOURS_DEFAULT = 48
    assert privacy.due_date(RequestKind.DELETION, received) == datetime.date(2026, 3, 12)


def test_hours_per_kind_are_read_from_the_environment(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from tienlang.settings import env_hours_by_kind

    monkeypatch.setenv("X_HOURS", "access=72, objection=360")
    assert env_hours_by_kind("X_HOURS") == {"access": 72, "objection": 360}
    monkeypatch.setenv("X_HOURS", "access=ba ngày")
    with pytest.raises(ImproperlyConfigured):
        env_hours_by_kind("X_HOURS")


def test_request_keeps_its_due_date_when_the_setting_changes(settings, staff, union_a):
    person = factories.make_nomination(union_a, user=staff).person
    request = privacy.open_request(person, staff, kind=RequestKind.DELETION, received_on=datetime.date(2026, 1, 5))
    assert request.due_on == datetime.date(2026, 1, 8)
    settings.DSR_RESPONSE_HOURS_DEFAULT = 24 * 30
    request.refresh_from_db()
    assert request.due_on == datetime.date(2026, 1, 8)


def test_request_is_handled_closed_and_listed_as_overdue_until_then(client, staff, union_a):
    person = factories.make_nomination(union_a, user=staff).person
    request = privacy.open_request(person, staff, kind=RequestKind.CORRECTION, received_on=datetime.date(2022, 1, 3))
    client.force_login(staff)
    page = client.get(reverse("candidates:request_list") + "?status=overdue").content.decode()
    assert person.full_name in page and "quá hạn" in page
    with pytest.raises(ValidationError, match="kết quả giải quyết"):
        privacy.update_request(request, staff, status=RequestStatus.DONE)
    response = client.post(
        request.get_absolute_url(),
        {"status": "done", "response": "Đã sửa ngày sinh", "expected_status": "received"},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.handled_by, request.closed_on) == (RequestStatus.DONE, staff, TODAY)
    assert DataSubjectRequest.objects.overdue(TODAY).count() == 0
    with pytest.raises(ValidationError, match="đã kết thúc"):
        privacy.update_request(request, staff, status=RequestStatus.IN_PROGRESS)


def test_request_register_access_rules(client, staff, leadership, chair_a, party_viewer, union_a):
    person = factories.make_nomination(union_a, user=staff).person
    client.force_login(staff)
    response = client.post(
        reverse("candidates:request_add", args=[person.pk]),
        {"kind": "access", "received_on": "02/03/2026", "channel": "Đơn trực tiếp", "details": "Xin bản sao"},
    )
    request = DataSubjectRequest.objects.get()
    assert response.status_code == 302 and request.due_on == datetime.date(2026, 3, 5)
    assert request.recorded_by == staff
    client.force_login(leadership)
    assert client.get(reverse("candidates:request_list")).status_code == 200
    assert client.get(request.get_absolute_url()).status_code == 200
    assert client.post(request.get_absolute_url(), {"status": "done", "response": "x"}).status_code == 403
    client.force_login(chair_a)
    assert client.get(reverse("candidates:request_list")).status_code == 403
    assert client.get(request.get_absolute_url()).status_code == 404
    client.force_login(party_viewer)
    assert client.get(request.get_absolute_url()).status_code == 404


def test_restriction_actions_by_staff_only_and_chair_of_another_union_gets_404(client, staff, chair_a, chair_b):
    person = factories.make_nomination(chair_a.profile.union, user=staff).person
    url = reverse("candidates:person_restrict", args=[person.pk])
    client.force_login(chair_b)
    assert client.post(url, {"reason": "x"}).status_code == 404
    client.force_login(chair_a)
    assert client.post(url, {"reason": "x"}).status_code == 403
    client.force_login(staff)
    assert client.post(url, {"reason": "Theo đơn ngày 02/03/2026"}).status_code == 302
    person.refresh_from_db()
    assert person.processing_restricted and person.restricted_on == TODAY
    assert person.history.latest().history_user == staff


def test_only_staff_may_change_privacy_records_through_services(chair_a, leadership, union_a, staff):
    person = factories.make_nomination(union_a, user=staff).person
    for user in (chair_a, leadership):
        with pytest.raises(PermissionDenied):
            privacy.restrict(person, user, "x")
        with pytest.raises(PermissionDenied):
            privacy.record_consent(person, user, given_on=TODAY)


# --- the access log names the fields shown ----------------------------------------------------


def test_access_log_records_which_personal_fields_a_page_showed(client, staff, leadership, union_a):
    person = factories.make_nomination(union_a, user=staff).person
    client.force_login(staff)
    client.get(person.get_absolute_url())
    client.force_login(leadership)
    client.get(person.get_absolute_url())
    by_user = {e.username: e.fields for e in AccessLog.objects.filter(action=AccessLog.Action.VIEW)}
    assert "citizen_id" in by_user["staff"], "staff saw the whole citizen ID"
    assert "citizen_id" not in by_user["leader"], "leadership saw it masked"
    assert {"religion", "ethnicity", "date_of_birth"} <= set(by_user["leader"])
    page = client.get(reverse("reports:access_log")).content.decode()
    assert "số CCCD" in page and "tôn giáo" in page, "the log page names the fields shown"


def test_a_list_logs_the_personal_fields_its_columns_show_not_the_whole_row(client, staff, union_a):
    factories.make_nomination(union_a, user=staff)
    client.force_login(staff)
    assert client.get(reverse("candidates:nomination_list")).status_code == 200
    logged = set(AccessLog.objects.get(action=AccessLog.Action.VIEW, path=reverse("candidates:nomination_list")).fields)
    assert {"full_name", "citizen_id", "date_of_birth"} <= logged, "the list's columns"
    assert not logged & {"religion", "ethnicity", "phone", "current_address", "note"}, "not in the list"


def test_staff_dashboard_lists_open_requests_among_what_needs_action(client, staff, union_a):
    person = factories.make_nomination(union_a, user=staff).person
    privacy.open_request(person, staff, kind=RequestKind.DELETION, received_on=TODAY)
    client.force_login(staff)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Yêu cầu về dữ liệu cá nhân chưa giải quyết" in page
    assert reverse("candidates:request_list") + "?status=open" in page


def test_party_committee_no_longer_sees_a_person_once_restricted(client, staff, union_a, party_viewer):
    nomination = factories.make_nomination(union_a, user=staff, full_name="Tạ Thị Được Giới Thiệu")
    Nomination.objects.filter(pk=nomination.pk).update(stage=5, status=Status.INTRODUCED)
    Introduction.objects.create(
        nomination=nomination,
        resolution_number="02/NQ",
        resolution_date=datetime.date(2022, 5, 1),
        meeting_date=datetime.date(2022, 5, 1),
        committee_total=3,
        committee_present=3,
        votes_for=3,
        receiving_organization=party_viewer.profile.party_organization,
        co_introducer_name="Lê Văn B",
        co_introducer_worked_since=datetime.date(2019, 1, 1),
    )
    client.force_login(party_viewer)
    assert client.get(nomination.get_absolute_url()).status_code == 200
    privacy.restrict(nomination.person, staff, "Theo đơn")
    assert client.get(nomination.get_absolute_url()).status_code == 404
    assert "Tạ Thị Được Giới Thiệu" not in client.get(reverse("candidates:nomination_list")).content.decode()
