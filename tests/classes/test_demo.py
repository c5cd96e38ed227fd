"""The 2022 classes of the demo scenario (SPEC §5), as a new user sees them after `seed_demo`."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from candidates.models import Nomination, Status
from classes import services
from classes.models import (
    Attendance,
    ClassStatus,
    Enrollment,
    LearnerSupport,
    PaymentStatus,
    StipendPayment,
    TrainingClass,
)

pytestmark = pytest.mark.django_db


def test_the_2022_class_opened_on_20_march_with_the_47_approved_nominations(demo):
    first, second = TrainingClass.objects.filter(year=2022).order_by("opens_on")
    assert first.name == "Lớp bồi dưỡng nhận thức về Đảng cho CNLĐ doanh nghiệp ngoài nhà nước — khóa 1/2022"
    assert (first.opens_on.strftime("%d/%m/%Y"), first.capacity, first.venue) == (
        "20/03/2022",
        60,
        "Trung tâm Chính trị huyện Tiên Lãng",
    )
    assert first.status == ClassStatus.FINISHED and second.status == ClassStatus.PLANNED
    assert first.enrollments.count() == 47 and second.enrollments.count() == 0
    assert first.enrollments.count() + second.capacity == 100  # the 2022 target: 2 classes, 100 learners
    # Nobody approved is left waiting, and the quota report still counts 47 enrolled.
    assert not Nomination.objects.filter(year=2022, status=Status.APPROVED).exists()
    assert Nomination.objects.filter(year=2022).reached(Status.ENROLLED).count() == 47


def test_results_certificates_attendance_and_support(demo):
    learners = Enrollment.objects.filter(training_class__year=2022)
    assert learners.filter(result="passed").count() == 44
    assert learners.filter(result="pending").count() == 3
    assert learners.exclude(certificate_number="").values("certificate_number").distinct().count() == 44
    # Ever completed: some have since been introduced to the Party (admission.demo).
    assert Nomination.objects.filter(year=2022).reached(Status.COMPLETED).count() == 44
    assert Attendance.objects.count() == 47 * 6
    assert LearnerSupport.objects.filter(kind="shirt").count() == 47


def test_stipends_committed_to_each_learner_and_30_paid(demo):
    payments = StipendPayment.objects.filter(enrollment__training_class__year=2022)
    assert payments.count() == 47 and set(payments.values_list("amount", flat=True)) == {3_000_000}
    assert payments.filter(status=PaymentStatus.PAID).count() == 30
    assert payments.filter(status=PaymentStatus.PAID).values("voucher_number").distinct().count() == 2
    totals = services.budget_totals(payments)
    assert (totals["committed"], totals["paid"], totals["outstanding"]) == (141_000_000, 90_000_000, 51_000_000)
    [source] = services.budget_rows(payments, "source")
    assert source["label"] == "LĐLĐ thành phố Hải Phòng"


def test_running_the_class_demo_again_changes_nothing(demo):
    before = (Enrollment.objects.count(), StipendPayment.objects.count(), TrainingClass.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Enrollment.objects.count(), StipendPayment.objects.count(), TrainingClass.objects.count()) == before
