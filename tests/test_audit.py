"""Audit: the history of every change (bulk writes included), and who viewed or exported whose data."""

from __future__ import annotations

import datetime
import logging

import pytest

from candidates import services
from candidates.imports import import_file
from candidates.models import Nomination, Person, Status
from tests.candidates.test_import_support import make_xlsx, row
from tests.factories import make_area, make_enterprise, make_nomination
from unions import services as union_services
from unions.models import AccessLog, Enterprise

pytestmark = pytest.mark.django_db


def test_editing_through_a_service_records_who_and_what(client, staff, union_a):
    nomination = make_nomination(union=union_a, full_name="Lê Văn Lịch Sử")
    services.move(nomination, Status.APPROVED, staff)
    latest = nomination.history.first()
    assert latest.history_user == staff and latest.status == Status.APPROVED
    client.force_login(staff)
    page = client.get(f"/candidates/{nomination.pk}/").content.decode()
    assert 'data-testid="change-history"' in page
    history = page.split('data-testid="change-history"', 1)[1].split("</details>", 1)[0]
    assert "Lịch sử thay đổi" in history
    assert "Được giới thiệu học → Đủ điều kiện" in history, "the change is shown with its labels, old → new"
    assert f"({staff.username})" in history, "and who made it"


def test_bulk_import_writes_history_for_every_person_and_nomination(staff, union_a):
    result = import_file(make_xlsx([row(), row(), row()]), union_a, 2022, user=staff, file_name="t.xlsx")
    assert result.ok
    assert Person.history.filter(history_type="+").count() == 3
    assert Nomination.history.filter(history_type="+", history_user=staff).count() == 3


def test_area_merge_leaves_a_history_line_on_every_moved_enterprise(staff, federation):
    old = make_area(name="Xã Lịch Sử Cũ")
    new = make_area(name="Xã Lịch Sử Mới", parent=old.parent)
    enterprise = make_enterprise(federation=federation, commune=old)
    union_services.merge_area(old, new, datetime.date(2025, 7, 1), user=staff)
    changes = Enterprise.history.filter(id=enterprise.pk).order_by("-history_date")
    assert changes.first().commune_id == new.pk and changes.count() == 2


def test_viewing_a_person_is_logged_without_the_data(client, staff, union_a):
    nomination = make_nomination(union=union_a, citizen_id="031099123456")
    client.force_login(staff)
    client.get(f"/candidates/people/{nomination.person_id}/")
    entry = AccessLog.objects.get(action=AccessLog.Action.VIEW, what="Trang đoàn viên")
    assert entry.user == staff and entry.person_ids == [nomination.person_id]
    assert "031099123456" not in repr(entry.__dict__)


def test_exports_are_logged_with_the_people_they_hold(client, staff, union_a):
    first, second = make_nomination(union=union_a), make_nomination(union=union_a)
    client.force_login(staff)
    client.get("/candidates/", {"export": "xlsx"})
    entry = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert sorted(entry.person_ids) == sorted([first.person_id, second.person_id]) and entry.person_count == 2


def test_only_leadership_reads_the_access_log(client, leadership, staff, chair_a, union_a):
    nomination = make_nomination(union=union_a)
    client.force_login(staff)
    client.get(f"/candidates/people/{nomination.person_id}/")
    for user in (staff, chair_a):
        client.force_login(user)
        assert client.get("/reports/access-log/").status_code == 403
    client.force_login(leadership)
    page = client.get("/reports/access-log/").content.decode()
    assert "Trang đoàn viên" in page and "staff" in page


def test_sign_in_events_are_logged_and_passwords_never(client, staff, caplog):
    caplog.set_level(logging.INFO)
    client.post("/accounts/login/", {"username": "staff", "password": "sai-mat-khau-bi-mat"})
    client.post("/accounts/login/", {"username": "staff", "password": "Mat-khau-thu-nghiem-2022"})
    actions = list(AccessLog.objects.order_by("pk").values_list("action", "username"))
    assert actions == [("login_failed", "staff"), ("login", "staff")]
    assert "sai-mat-khau-bi-mat" not in caplog.text and "Mat-khau-thu-nghiem-2022" not in caplog.text


def test_citizen_ids_never_reach_the_application_log(client, staff, chair_a, union_a, caplog):
    caplog.set_level(logging.DEBUG)
    nomination = make_nomination(union=union_a, citizen_id="031077665544")
    client.force_login(chair_a)
    client.get(f"/candidates/people/{nomination.person_id}/")
    client.get("/candidates/", {"q": "031077665544"})
    client.force_login(staff)
    client.post(f"/candidates/{nomination.pk}/move/", {"to_status": "rejected", "version": 1, "happened_on": "x"})
    assert "031077665544" not in caplog.text
