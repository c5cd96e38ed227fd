"""The steps after the introduction that the office records and prints: the cell's resolution,
the ceremony, removal from the list, the clocks of each open step and the overdue lists, the
residence comments and the union's resolution to sign."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from admission import clocks, dossier
from admission.calendar import WorkingCalendar
from admission.models import DossierItem, ResidenceCommentRequest
from candidates import privacy, services
from candidates.models import Introduction, Nomination, NominationEvent, Status
from tests import factories
from unions.models import AccessLog

pytestmark = pytest.mark.django_db
D = datetime.date
PDF = b"%PDF-1.4\n% invented reply\n"


@pytest.fixture
def organization():
    return factories.make_party_organization(
        name="Chi bộ Thử Nghiệm Tiếp Nhận",
        kind="enterprise_cell",
        parent=factories.make_party_organization(name="Đảng ủy xã Thử Nghiệm Cấp Trên"),
    )


def introduce(nomination, staff, organization, on=D(2026, 9, 1)):
    for status in (Status.APPROVED, Status.ENROLLED, Status.COMPLETED, Status.INTRODUCED):
        nomination = services._apply(nomination, status, staff, on=on)
    Introduction.objects.create(
        nomination=nomination,
        resolution_number="09/NQ-CĐCS",
        resolution_date=on,
        meeting_date=on,
        committee_total=9,
        committee_present=8,
        votes_for=8,
        receiving_organization=organization,
        co_introducer_name="Đỗ Văn Cùng Giới Thiệu",
        co_introducer_worked_since=D(2020, 1, 1),
    )
    return Nomination.objects.get(pk=nomination.pk)


@pytest.fixture
def outsider(union_a, staff, organization):
    """Born 1990, living outside the federation's district, introduced on 01/09/2026."""
    nomination = factories.make_nomination(
        union_a,
        year=2026,
        user=staff,
        nominated_on=D(2026, 2, 1),
        date_of_birth=D(1990, 4, 4),
        residence_province="Tỉnh Thái Bình",
        residence_district="Huyện Kiến Xương",
        residence_commune="Xã Thử Ngoài",
    )
    return introduce(nomination, staff, organization)


def receive_all(nomination, staff, on=D(2026, 9, 10)):
    for item in dossier.items(nomination, today=on):
        if item.item_type.step == "before_cell" and item.status == "missing":
            dossier.record(item, staff, status="received", received_on=on, version=item.version)


def cell_resolution(client, nomination, on="15/10/2026", total="5", votes="4", **extra):
    data = {
        "version": Nomination.objects.get(pk=nomination.pk).version,
        "happened_on": on,
        "resolution_number": "03-NQ/CB",
        "members_total": total,
        "votes_for": votes,
        **extra,
    }
    return client.post(f"/admission/{nomination.pk}/steps/cell_resolution/", data, follow=True)


def admit(client, nomination, organization, **extra):
    data = {
        "to_status": "admitted",
        "version": Nomination.objects.get(pk=nomination.pk).version,
        "happened_on": "20/11/2026",
        "cell_considered_on": "15/10/2026",
        "decision_number": "12-QĐ/ĐU",
        "decision_date": "20/11/2026",
        "organization": organization.pk,
        **extra,
    }
    return client.post(f"/candidates/{nomination.pk}/move/", data, follow=True)


# --- the cell's resolution ------------------------------------------------------------------


def test_the_cells_resolution_is_refused_without_the_dossier_and_without_two_thirds(
    client, staff, outsider, organization
):
    client.force_login(staff)
    text = cell_resolution(client, outsider).content.decode()
    assert "chưa đủ hồ sơ để chi bộ xét kết nạp" in text
    receive_all(outsider, staff)
    text = cell_resolution(client, outsider, total="6", votes="3").content.decode()
    assert "chi bộ mới có 3/6 đảng viên chính thức tán thành; cần ít nhất 2/3" in text
    assert 'value="03-NQ/CB"' in text  # what was typed comes back
    assert not NominationEvent.objects.filter(nomination=outsider, details__step="cell_resolution").exists()


def test_the_cells_resolution_starts_the_decisions_60_working_day_clock(client, staff, outsider, organization):
    receive_all(outsider, staff)
    client.force_login(staff)
    text = cell_resolution(client, outsider).content.decode()
    assert "Đã ghi nghị quyết của chi bộ" in text
    event = NominationEvent.objects.get(nomination=outsider, details__step="cell_resolution")
    assert event.happened_on == D(2026, 10, 15) and event.details["votes_for"] == 4
    found = clocks.clocks_for(Nomination.objects.get(pk=outsider.pk), today=D(2026, 10, 16))
    assert [c.step for c in found] == ["decision"]
    assert found[0].due_on == WorkingCalendar().add_working_days(D(2026, 10, 15), 60)
    assert found[0].body == "Đảng ủy xã Thử Nghiệm Cấp Trên"  # the competent committee
    # The admission form starts from the cell's recorded date.
    page = client.get(f"/candidates/{outsider.pk}/").content.decode()
    assert 'name="cell_considered_on" placeholder="dd/mm/yyyy" inputmode="numeric" required value="15/10/2026"' in page


def test_a_chair_cannot_record_the_cells_resolution(client, chair_a, staff, outsider):
    receive_all(outsider, staff)
    client.force_login(chair_a)
    assert cell_resolution(client, outsider).status_code == 403


# --- ceremony and removal -------------------------------------------------------------------


def test_admission_without_ceremony_opens_the_ceremony_clock_and_the_ceremony_starts_probation(
    client, staff, outsider, organization
):
    receive_all(outsider, staff)
    client.force_login(staff)
    admit(client, outsider, organization)
    nomination = Nomination.objects.get(pk=outsider.pk)
    assert nomination.status == Status.ADMITTED
    found = clocks.clocks_for(nomination, today=D(2026, 11, 23))
    assert [c.step for c in found] == ["ceremony"]
    assert found[0].due_on == WorkingCalendar().add_working_days(D(2026, 11, 20), 30)
    early = client.post(
        f"/admission/{nomination.pk}/steps/ceremony/",
        {"version": nomination.version, "happened_on": "19/11/2026"},
        follow=True,
    ).content.decode()
    assert "ngày lễ kết nạp 19/11/2026 trước ngày quyết định kết nạp 20/11/2026" in early
    client.post(
        f"/admission/{nomination.pk}/steps/ceremony/", {"version": nomination.version, "happened_on": "01/12/2026"}
    )
    nomination = Nomination.objects.get(pk=outsider.pk)
    found = clocks.clocks_for(nomination, today=D(2027, 11, 25))
    assert [c.step for c in found] == ["official"]
    assert "hết dự bị 01/12/2027" in found[0].label
    assert found[0].due_on == WorkingCalendar().add_working_days(D(2027, 12, 1), 30)


def admitted_member(client, staff, nomination, organization, ceremony="01/12/2026"):
    receive_all(nomination, staff)
    client.force_login(staff)
    admit(client, nomination, organization, ceremony_on=ceremony)
    return Nomination.objects.get(pk=nomination.pk)


def remove(client, nomination, on, **extra):
    data = {
        "to_status": "removed",
        "version": Nomination.objects.get(pk=nomination.pk).version,
        "happened_on": on,
        "reason": "Không đủ tư cách đảng viên chính thức khi hết thời gian dự bị.",
        "decision_number": "31-QĐ/ĐU",
        "decision_date": on,
        **extra,
    }
    return client.post(f"/candidates/{nomination.pk}/move/", data, follow=True).content.decode()


def test_removal_only_after_probation_with_its_decision_and_reason(client, staff, outsider, organization):
    nomination = admitted_member(client, staff, outsider, organization)
    assert "chưa hết 12 tháng dự bị (kết thúc ngày 01/12/2027)" in remove(client, nomination, "30/11/2027")
    assert "Cần số quyết định xóa tên" in remove(client, nomination, "02/12/2027", decision_number="")
    assert "Cần ghi lý do" in remove(client, nomination, "02/12/2027", reason="")
    assert Nomination.objects.get(pk=nomination.pk).status == Status.ADMITTED
    remove(client, nomination, "02/12/2027")
    nomination = Nomination.objects.get(pk=nomination.pk)
    assert nomination.status == Status.REMOVED
    assert nomination.stage == 6  # still counted as admitted in the reports' "ever reached" figures
    assert clocks.clocks_for(nomination, today=D(2027, 12, 3)) == []
    event = NominationEvent.objects.get(nomination=nomination, to_status=Status.REMOVED)
    assert event.details["decision_number"] == "31-QĐ/ĐU" and event.happened_on == D(2027, 12, 2)


def test_the_removed_status_ends_the_path(client, staff, outsider, organization):
    nomination = admitted_member(client, staff, outsider, organization)
    remove(client, nomination, "02/12/2027")
    assert services.allowed_moves(Nomination.objects.get(pk=nomination.pk), staff) == []


# --- clocks and lists -----------------------------------------------------------------------


def test_an_introduced_outsider_shows_each_open_step_with_due_date_and_days_left(client, staff, outsider):
    client.force_login(staff)
    page = client.get(f"/candidates/{outsider.pk}/").content.decode()
    for step in ("dossier", "residence_request", "cell"):
        assert f'data-testid="clock-{step}"' in page
    dossier_page = client.get(f"/admission/{outsider.pk}/").content.decode()
    assert 'data-testid="clock-cell"' in dossier_page and "Chi bộ Thử Nghiệm Tiếp Nhận" in dossier_page


def overdue_decision(staff, nomination, on=D(2026, 6, 1)):
    receive_all(nomination, staff, on=on)
    services.record_step(nomination, "cell_resolution", staff, on=on, details={"members_total": 3, "votes_for": 3})


def test_the_due_list_groups_overdue_steps_by_the_body_responsible_and_hides_other_unions(
    client, staff, chair_b, outsider
):
    overdue_decision(staff, outsider)
    client.force_login(staff)
    page = client.get("/admission/due/?show=overdue").content.decode()
    assert "Đảng ủy xã Thử Nghiệm Cấp Trên" in page and "Cấp ủy có thẩm quyền quyết định" in page
    assert outsider.person.full_name in page and "quá hạn" in page
    assert AccessLog.objects.filter(user=staff, person_ids__contains=[outsider.person_id]).exists()
    client.force_login(chair_b)
    assert outsider.person.full_name not in client.get("/admission/due/?show=overdue").content.decode()


def test_the_dashboard_counts_each_kind_of_due_work_and_links_to_its_list(client, staff, outsider):
    client.force_login(staff)
    page = client.get("/").content.decode()
    for link in ("?show=overdue", "?show=soon", "?show=stale", "/admission/residence/", "?show=missing"):
        assert link in page
    assert clocks.action_counts(staff, D(2026, 9, 2)) == {
        "overdue": 0,
        "soon": 0,
        "stale": 0,
        "waiting": 1,
        "missing": 1,
    }


def test_a_dossier_prepared_more_than_12_months_ago_shows_as_stale(staff, outsider):
    receive_all(outsider, staff, on=D(2026, 9, 10))
    assert clocks.action_counts(staff, D(2027, 9, 11))["stale"] == 1
    assert clocks.action_counts(staff, D(2027, 9, 10))["stale"] == 0


def make_many(union, staff, organization, count):
    for n in range(count):
        nomination = factories.make_nomination(
            union, year=2026, user=staff, nominated_on=D(2026, 2, 1), residence_district=f"Huyện Khác {n}"
        )
        nomination = introduce(nomination, staff, organization)
        if n % 2:
            overdue_decision(staff, nomination)
        else:
            ResidenceCommentRequest.objects.create(
                nomination=nomination, organization_text="Đảng ủy xã Xa", sent_on=D(2026, 9, 2), channel="post"
            )


@pytest.mark.parametrize("path", ["/admission/due/?show=due", "/admission/residence/", "/"])
def test_the_lists_and_the_dashboard_take_the_same_queries_for_2_or_12_people(
    client, staff, union_a, organization, path, django_assert_max_num_queries, settings
):
    # The figures and the lists' steps as computed: what is kept has its own bounds
    # (tests/reports/test_dashboard_cache.py, tests/test_kept_answers.py).
    settings.DASHBOARD_CACHE_SECONDS = 0
    settings.LIST_CACHE_SECONDS = 0
    client.force_login(staff)
    make_many(union_a, staff, organization, 2)
    client.get(path)
    with django_assert_max_num_queries(60) as small:
        assert client.get(path).status_code == 200
    make_many(union_a, staff, organization, 10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(path).status_code == 200


# --- residence comments ---------------------------------------------------------------------


def test_the_residence_request_and_its_reply_fill_the_dossier_document(client, staff, outsider, organization):
    client.force_login(staff)
    residence = factories.make_party_organization(name="Đảng ủy xã Thử Ngoài")
    client.post(
        f"/admission/{outsider.pk}/residence/",
        {"organization": residence.pk, "sent_on": "03/09/2026", "channel": "post", "number": "45/CV-LĐLĐ"},
    )
    request = ResidenceCommentRequest.objects.get(nomination=outsider)
    assert (request.addressee, request.sent_on, request.channel) == ("Đảng ủy xã Thử Ngoài", D(2026, 9, 3), "post")
    waiting = client.get("/admission/residence/").content.decode()
    assert outsider.person.full_name in waiting and "Đảng ủy xã Thử Ngoài" in waiting
    letter = client.get(f"/admission/residence/{request.pk}/letter.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(letter.content)).active
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts and "Kính gửi: Đảng ủy xã Thử Ngoài".upper() in texts
    assert any(outsider.person.full_name in t for t in texts) and "Số: 45/CV-LĐLĐ" in texts
    assert sheet.page_setup.orientation == "portrait" and int(sheet.page_setup.paperSize) == 9

    reply = {"version": request.version, "replied_on": "20/09/2026", "outcome": "agree", "reply_note": "Tốt."}
    bad = client.post(
        f"/admission/residence/{request.pk}/reply/",
        {**reply, "attachment": SimpleUploadedFile("tra-loi.pdf", b"MZ not a scan")},
        follow=True,
    ).content.decode()
    assert "không phải bản quét PDF, JPEG hoặc PNG" in bad
    assert ResidenceCommentRequest.objects.get(pk=request.pk).replied_on is None
    client.post(
        f"/admission/residence/{request.pk}/reply/", {**reply, "attachment": SimpleUploadedFile("tra-loi.pdf", PDF)}
    )
    request.refresh_from_db()
    assert request.replied_on == D(2026, 9, 20) and request.outcome == "agree"
    item = DossierItem.objects.get(nomination=outsider, item_type__code="residence_comments")
    assert (item.status, item.received_on, item.attachment_name) == ("received", D(2026, 9, 20), "tra-loi.pdf")
    assert outsider.person.full_name not in client.get("/admission/residence/").content.decode()
    download = client.get(f"/admission/residence/{request.pk}/file/")
    assert download.content == PDF and AccessLog.objects.filter(user=staff, action="export").exists()


def test_another_unions_chair_gets_404_for_the_letter_the_reply_scan_and_the_resolution(
    client, chair_a, chair_b, outsider
):
    request = ResidenceCommentRequest.objects.create(
        nomination=outsider,
        organization_text="Đảng ủy xã Xa",
        sent_on=D(2026, 9, 2),
        channel="hand",
        attachment=PDF,
        attachment_name="a.pdf",
        attachment_type="application/pdf",
    )
    client.force_login(chair_b)
    for path in (
        f"/admission/residence/{request.pk}/letter.xlsx",
        f"/admission/residence/{request.pk}/file/",
        f"/admission/{outsider.pk}/resolution.xlsx",
    ):
        assert client.get(path).status_code == 404, path
    client.force_login(chair_a)
    assert client.get(f"/admission/{outsider.pk}/resolution.xlsx").status_code == 200


def test_a_person_living_in_the_area_needs_no_residence_request(client, staff, union_a, organization):
    nomination = introduce(factories.make_nomination(union_a, year=2026, user=staff), staff, organization)
    client.force_login(staff)
    text = client.post(
        f"/admission/{nomination.pk}/residence/",
        {"organization_text": "Đảng ủy xã Gần", "sent_on": "03/09/2026", "channel": "post"},
        follow=True,
    ).content.decode()
    assert "không cần nhận xét của chi ủy nơi cư trú" in text
    assert not ResidenceCommentRequest.objects.exists()


def test_a_request_needs_a_committee_chosen_or_named(client, staff, outsider):
    client.force_login(staff)
    text = client.post(
        f"/admission/{outsider.pk}/residence/", {"sent_on": "03/09/2026", "channel": "post"}, follow=True
    ).content.decode()
    assert "Cần chọn cấp ủy nơi cư trú hoặc ghi tên cấp ủy" in text


# --- the union's resolution to sign ---------------------------------------------------------


def test_the_union_resolution_prints_every_figure_of_form_4a_and_is_access_logged(client, staff, outsider):
    client.force_login(staff)
    response = client.get(f"/admission/{outsider.pk}/resolution.xlsx")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store, private"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    text = "\n".join(c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str))
    for expected in (
        "Số: 09/NQ-CĐCS",
        "ngày 01 tháng 09 năm 2026",
        "Tổng số ủy viên Ban Chấp hành: 9; có mặt: 8; vắng mặt: 1",
        "8/9 ủy viên tán thành, 0 không tán thành",
        "đồng chí Đỗ Văn Cùng Giới Thiệu",
        "Chi bộ Thử Nghiệm Tiếp Nhận xem xét, kết nạp",
        "TM. BAN CHẤP HÀNH",
        outsider.person.full_name,
    ):
        assert expected in text, expected
    assert AccessLog.objects.filter(user=staff, action="export", person_ids__contains=[outsider.person_id]).exists()


# --- the person's data ----------------------------------------------------------------------


def test_the_persons_export_holds_the_dossier_and_the_residence_comments(client, staff, outsider):
    ResidenceCommentRequest.objects.create(
        nomination=outsider,
        organization_text="Đảng ủy xã Nơi Ở Thử",
        sent_on=D(2026, 9, 2),
        channel="post",
        replied_on=D(2026, 9, 20),
        outcome="agree",
        reply_note="Gia đình gương mẫu ở khu dân cư.",
    )
    client.force_login(staff)
    response = client.get(f"/candidates/people/{outsider.person_id}/export.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert {"Hồ sơ kết nạp", "Nhận xét nơi cư trú"} <= set(book.sheetnames)
    replies = [c.value for row in book["Nhận xét nơi cư trú"].iter_rows() for c in row]
    assert "Đảng ủy xã Nơi Ở Thử" in replies and "Gia đình gương mẫu ở khu dân cư." in replies


def test_anonymising_the_person_blanks_the_residence_reply_and_removes_scans(staff, outsider):
    request = ResidenceCommentRequest.objects.create(
        nomination=outsider,
        organization_text="Đảng ủy xã Nơi Ở Thử",
        sent_on=D(2026, 9, 2),
        channel="post",
        reply_note="Gia đình gương mẫu.",
        attachment=PDF,
        attachment_name="tra-loi.pdf",
    )
    services.move(outsider, Status.WITHDRAWN, staff, reason="Chuyển công tác.", on=D(2026, 10, 1))
    privacy.anonymise_person(outsider.person, rule="thử")
    request.refresh_from_db()
    assert (request.reply_note, request.organization_text, bytes(request.attachment)) == ("", "", b"")


def test_the_lists_of_steps_show_50_a_page_and_log_the_people_of_the_page(client, staff, union_a, organization):
    for n in range(53):  # people living elsewhere, introduced, their residence comments asked for
        nomination = factories.make_nomination(
            union_a, year=2026, user=staff, nominated_on=D(2026, 2, 1), residence_district=f"Huyện Xa {n}"
        )
        ResidenceCommentRequest.objects.create(
            nomination=introduce(nomination, staff, organization),
            organization_text="Đảng ủy xã Xa",
            sent_on=D(2026, 9, 2),
            channel="post",
        )
    client.force_login(staff)
    first = client.get("/admission/residence/").content.decode()
    second = client.get("/admission/residence/?page=2").content.decode()
    assert first.count('data-testid="waiting-row"') == 50 and second.count('data-testid="waiting-row"') == 3
    assert "Người 51–53 trong 53." in second and "Trang 2/2" in second
    logged = AccessLog.objects.filter(what="Danh sách chờ nhận xét nơi cư trú").order_by("pk")
    assert [entry.person_count for entry in logged] == [50, 3]  # who was shown, not everyone computed


def test_a_step_recorded_shows_on_the_next_page_of_the_list(client, staff, union_a, organization):
    make_many(union_a, staff, organization, 1)
    client.force_login(staff)
    assert client.get("/admission/residence/").content.decode().count('data-testid="waiting-row"') == 1
    make_many(union_a, staff, organization, 1)  # a write: the kept steps are not read again
    assert client.get("/admission/residence/").content.decode().count('data-testid="waiting-row"') == 2
