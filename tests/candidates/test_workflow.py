"""Nominations move forward only, every step recorded; corrections are explicit."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from candidates import services
from candidates.models import Nomination, NominationEvent, Status, TransferRequest
from tests.factories import make_nomination, person_data

pytestmark = pytest.mark.django_db


def test_chair_nominates_and_history_records_who_and_when(chair_a, union_a):
    nomination = services.create_nomination(
        services.NominationRequest(
            person=person_data(), union=union_a, year=2022, nominated_on=datetime.date(2022, 2, 1)
        ),
        chair_a,
    )
    assert nomination.status == Status.NOMINATED and nomination.stage == 1
    event = nomination.events.get()
    assert (event.to_status, event.recorded_by, event.happened_on) == ("nominated", chair_a, datetime.date(2022, 2, 1))


def test_blocked_person_is_not_saved(chair_a, union_a):
    with pytest.raises(services.EligibilityBlocked) as blocked:
        services.create_nomination(
            services.NominationRequest(
                person=person_data(union_joined_on=datetime.date(2021, 12, 1)),
                union=union_a,
                year=2022,
                nominated_on=datetime.date(2022, 2, 1),
            ),
            chair_a,
        )
    assert any(f.code == "membership" for f in blocked.value.findings)
    assert not Nomination.objects.exists()


def test_chair_cannot_nominate_into_another_union(chair_a, union_b):
    with pytest.raises(PermissionDenied):
        services.create_nomination(
            services.NominationRequest(
                person=person_data(), union=union_b, year=2022, nominated_on=datetime.date(2022, 2, 1)
            ),
            chair_a,
        )


def test_open_nomination_in_another_union_blocks(staff, union_a, union_b):
    make_nomination(union=union_a, citizen_id="099111222333")
    with pytest.raises(services.EligibilityBlocked) as blocked:
        services.create_nomination(
            services.NominationRequest(
                person=person_data(citizen_id="099111222333"),
                union=union_b,
                year=2022,
                nominated_on=datetime.date(2022, 2, 1),
            ),
            staff,
        )
    assert "công đoàn cơ sở khác" in blocked.value.findings[0].message


def test_another_unions_chair_only_asks_for_a_person_with_an_open_nomination(chair_b, union_a, union_b):
    nomination = make_nomination(union=union_a, citizen_id="099111222334")
    asked = services.create_nomination(
        services.NominationRequest(
            person=person_data(citizen_id="099111222334"),
            union=union_b,
            year=2022,
            nominated_on=datetime.date(2022, 2, 1),
        ),
        chair_b,
    )
    assert isinstance(asked, TransferRequest) and asked.is_pending
    nomination.refresh_from_db()
    assert nomination.union == union_a and nomination.person.union == union_a


def test_moves_only_forward_and_stage_remembers_the_furthest_step(staff, union_a):
    nomination = make_nomination(union=union_a)
    services.move(nomination, Status.APPROVED, staff)
    services.move(nomination, Status.ENROLLED, staff)
    with pytest.raises(ValidationError, match="Không thể chuyển"):
        services.move(nomination, Status.APPROVED, staff)
    services.move(nomination, Status.WITHDRAWN, staff, reason="Nghỉ việc")
    nomination.refresh_from_db()
    assert (nomination.status, nomination.stage) == (Status.WITHDRAWN, 3)
    assert Nomination.objects.reached(Status.ENROLLED).filter(pk=nomination.pk).exists()
    assert [e.to_status for e in nomination.events.order_by("pk")] == ["nominated", "approved", "enrolled", "withdrawn"]


def test_ended_paths_cannot_move(staff, union_a):
    nomination = make_nomination(union=union_a)
    services.move(nomination, Status.REJECTED, staff, reason="Không đủ điều kiện")
    with pytest.raises(ValidationError):
        services.move(nomination, Status.APPROVED, staff)


def test_reject_and_withdraw_need_a_reason(staff, union_a):
    nomination = make_nomination(union=union_a)
    with pytest.raises(ValidationError, match="lý do"):
        services.move(nomination, Status.REJECTED, staff, reason="  ")
    assert Nomination.objects.get(pk=nomination.pk).status == Status.NOMINATED


def test_chair_may_withdraw_but_not_approve(chair_a, union_a):
    nomination = make_nomination(union=union_a)
    with pytest.raises(PermissionDenied):
        services.move(nomination, Status.APPROVED, chair_a)
    services.move(nomination, Status.WITHDRAWN, chair_a, reason="Chuyển công tác")
    assert Nomination.objects.get(pk=nomination.pk).status == Status.WITHDRAWN


def test_chair_of_another_union_cannot_touch_it(chair_b, union_a):
    nomination = make_nomination(union=union_a)
    with pytest.raises(PermissionDenied):
        services.move(nomination, Status.WITHDRAWN, chair_b, reason="x")


def test_approval_needs_warnings_accepted_first(staff, union_a):
    nomination = make_nomination(union=union_a, education="8/12")
    assert nomination.warnings
    with pytest.raises(ValidationError, match="cảnh báo"):
        services.move(nomination, Status.APPROVED, staff)
    with pytest.raises(ValidationError):
        services.accept_warnings(nomination, staff, "")
    services.accept_warnings(nomination, staff, "Ngoại lệ vùng khó khăn")
    services.move(nomination, Status.APPROVED, staff)
    assert NominationEvent.objects.filter(nomination=nomination, reason="Ngoại lệ vùng khó khăn").exists()


def test_stale_version_is_refused_with_what_changed(staff, union_a):
    nomination = make_nomination(union=union_a)
    version = nomination.version
    services.move(nomination, Status.APPROVED, staff)
    with pytest.raises(ValidationError, match="vừa được người khác cập nhật"):
        services.move(nomination, Status.REJECTED, staff, reason="x", expected_version=version)


def test_correction_is_recorded_not_silent(staff, chair_a, union_a):
    nomination = make_nomination(union=union_a)
    services.move(nomination, Status.REJECTED, staff, reason="Nhầm hồ sơ")
    with pytest.raises(PermissionDenied):
        services.correct(nomination, Status.NOMINATED, chair_a, "x")
    services.correct(nomination, Status.NOMINATED, staff, "Từ chối nhầm người")
    nomination.refresh_from_db()
    assert nomination.status == Status.NOMINATED
    correction = nomination.events.get(is_correction=True)
    assert (correction.from_status, correction.to_status, correction.reason) == (
        "rejected",
        "nominated",
        "Từ chối nhầm người",
    )


def test_bulk_approve_approves_clean_ones_and_explains_the_rest(staff, union_a):
    clean = make_nomination(union=union_a)
    warned = make_nomination(union=union_a, education="7/12")
    approved, problems = services.bulk_approve([clean, warned], staff)
    assert approved == [clean]
    assert len(problems) == 1 and warned.person.full_name in problems[0]
