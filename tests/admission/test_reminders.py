"""What is due after the introduction reaches the dashboard and a daily e-mail, sent once a day."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from admission.due import due_for
from admission.models import ReminderSent
from candidates import services
from candidates.models import NominationEvent, Status
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def introduced(union_a, staff):
    nomination = factories.make_nomination(union_a, year=2026, user=staff)
    for status in (Status.APPROVED, Status.ENROLLED, Status.COMPLETED, Status.INTRODUCED):
        nomination = services._apply(nomination, status, staff)
    return nomination


def test_a_dossier_lacking_documents_is_due_for_staff_and_the_chair_not_for_another_union(
    introduced, staff, chair_a, chair_b
):
    today = datetime.date(2026, 12, 1)
    assert any("Hồ sơ kết nạp còn thiếu" in d.what for d in due_for(staff, today))
    assert any("Hồ sơ kết nạp còn thiếu" in d.what for d in due_for(chair_a, today))
    assert due_for(chair_b, today) == []


def test_a_probation_ending_is_due_with_the_cells_last_day(introduced, staff):
    nomination = services._apply(introduced, Status.ADMITTED, staff)
    event = NominationEvent.objects.filter(nomination=nomination, to_status=Status.ADMITTED).get()
    event.details = {"ceremony_on": "2025-12-05"}
    event.save()
    due = [d for d in due_for(staff, datetime.date(2026, 12, 1)) if "chính thức" in d.what]
    assert len(due) == 1 and "hết dự bị 05/12/2026" in due[0].what
    assert due[0].due_on > datetime.date(2026, 12, 5) and not due[0].overdue


def test_reminders_are_sent_once_a_day(introduced, staff, client):
    staff.email = "canbo@example.org"
    staff.save()
    call_command("send_reminders", verbosity=0)
    call_command("send_reminders", verbosity=0)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["canbo@example.org"]
    assert "Hồ sơ kết nạp còn thiếu" in mail.outbox[0].body
    assert ReminderSent.objects.filter(user=staff).count() == 1


def test_the_dashboard_counts_what_is_due_after_the_introduction(introduced, staff, client):
    client.force_login(staff)
    page = client.get("/").content.decode()
    assert "Hồ sơ kết nạp còn thiếu giấy tờ" in page and "/admission/due/?show=missing" in page
