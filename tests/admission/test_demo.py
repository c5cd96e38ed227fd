"""The demo continues the 2022 story to the end: every list after the introduction has rows on
first start, and the 2022 figures of the class and the nominations stay as they were."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from admission import clocks
from admission.models import DossierItem, ResidenceCommentRequest
from candidates.models import Nomination, NominationEvent, Status
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_2022_learners_go_on_to_admission_official_status_and_removal(demo):
    year = Nomination.objects.filter(year=2022)
    assert year.reached(Status.COMPLETED).count() == 44  # the class's figures stay
    assert year.reached(Status.ENROLLED).count() == 47 and year.count() == 63
    assert year.reached(Status.INTRODUCED).count() == 14
    assert year.reached(Status.ADMITTED).count() == 7
    assert year.filter(status=Status.OFFICIAL).count() == 6
    assert year.filter(status=Status.REMOVED).count() == 1
    removed = year.get(status=Status.REMOVED)
    assert NominationEvent.objects.get(nomination=removed, to_status=Status.REMOVED).details["decision_number"]
    # Official status took effect on the day probation ended, 12 months after the ceremony.
    official = NominationEvent.objects.filter(nomination__year=2022, to_status=Status.OFFICIAL)
    assert set(official.values_list("happened_on", flat=True)) == {datetime.date(2023, 8, 5)}


def test_the_learner_over_60_on_the_cells_date_was_refused_by_the_age_rule(demo):
    event = NominationEvent.objects.get(nomination__year=2022, to_status=Status.WITHDRAWN, reason__contains="60 tuổi")
    assert "quá 60 tuổi vào ngày chi bộ xét kết nạp 15/06/2022" in event.reason
    assert event.nomination.stage == 5  # introduced: still counted so


def test_every_list_after_the_introduction_has_rows_on_first_start(demo, client):
    staff = factories.get_user("canbo")
    counts = clocks.action_counts(staff, timezone.localdate())
    assert all(counts[kind] >= 1 for kind in ("overdue", "soon", "stale", "waiting", "missing")), counts
    assert ResidenceCommentRequest.objects.filter(replied_on__isnull=True).count() == 3
    assert DossierItem.objects.filter(item_type__code="residence_comments", status="received").count() >= 3
    client.force_login(staff)
    page = client.get("/admission/due/?show=overdue").content.decode()
    assert "Ra quyết định kết nạp" in page and "Trả lời đề nghị nhận xét nơi cư trú" in page
    assert page.count('data-testid="waiting-row"') == 0
    waiting = client.get("/admission/residence/").content.decode()
    assert waiting.count('data-testid="waiting-row"') == 4


def test_the_district_committee_reader_sees_the_people_introduced_to_its_communes(demo, client):
    client.force_login(factories.get_user("huyenuy"))
    page = client.get("/admission/due/?show=overdue").content.decode()
    assert page.count('data-testid="due-row"') >= 1


def test_loading_the_demo_twice_changes_nothing(demo):
    before = NominationEvent.objects.count()
    call_command("seed_demo", verbosity=0)
    assert NominationEvent.objects.count() == before
