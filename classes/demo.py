"""The 2022 classes of the demo scenario (SPEC §5), built through the real services.

The class opened on 20/03/2022 with the 47 approved nominations of the pilot; it ran six
days of topics with attendance; 44 learners passed and got certificates, 3 missed the
final day and are waiting to write their essay. The City Federation's stipend of
3,000,000 VND is committed to each learner; 30 have been paid under two vouchers. A
second class is planned for September (the 2022 target: 2 classes, 100 learners).
Certificate and voucher numbers are invented.
"""

from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model

from candidates.models import Nomination, Status

from . import services
from .models import (
    ClassSession,
    ClassStatus,
    Enrollment,
    Result,
    StipendPolicy,
    SupportKind,
    TrainingClass,
)

YEAR = 2022
FIRST_CLASS = "Lớp bồi dưỡng nhận thức về Đảng cho CNLĐ doanh nghiệp ngoài nhà nước — khóa 1/2022"
SECOND_CLASS = "Lớp bồi dưỡng nhận thức về Đảng cho CNLĐ doanh nghiệp ngoài nhà nước — khóa 2/2022"
VENUE = "Trung tâm Chính trị huyện Tiên Lãng"
LECTURER = "Giảng viên Trung tâm Chính trị huyện"
TOPICS = [
    "Chủ nghĩa Mác - Lênin, tư tưởng Hồ Chí Minh - nền tảng tư tưởng, kim chỉ nam cho hành động của Đảng",
    "Khái quát lịch sử Đảng Cộng sản Việt Nam",
    "Mục tiêu, con đường đi lên chủ nghĩa xã hội ở Việt Nam",
    "Những nội dung cơ bản của Điều lệ Đảng Cộng sản Việt Nam",
    "Tổ chức cơ sở đảng và nhiệm vụ của đảng viên",
    "Phấn đấu trở thành đảng viên Đảng Cộng sản Việt Nam; viết bài thu hoạch",
]
OPENS = datetime.date(2022, 3, 20)
CLOSES = datetime.date(2022, 3, 25)
ABSENCE_REASONS = ["Ốm, có giấy của trạm y tế", "Việc gia đình đột xuất", "Tăng ca theo yêu cầu sản xuất"]
PENDING = 3  # learners who missed the last day: result after their make-up essay
VOUCHERS = [("PC-2022/031", datetime.date(2022, 3, 25), 15), ("PC-2022/036", datetime.date(2022, 3, 28), 15)]


def seed(context: dict) -> None:
    federation = context["federation"]
    if TrainingClass.objects.filter(federation=federation, year=YEAR, name=FIRST_CLASS).exists():
        return  # already loaded: running the demo twice changes nothing
    staff = get_user_model().objects.get(username="canbo")
    rng = random.Random(f"classes-{YEAR}")

    policy, _ = StipendPolicy.objects.get_or_create(
        federation=federation,
        name="Hỗ trợ học viên lớp bồi dưỡng nhận thức về Đảng",
        from_year=2021,
        defaults={
            "amount": 3_000_000,
            "funding_source": "LĐLĐ thành phố Hải Phòng",
            "to_year": 2023,
            "basis": "Kế hoạch số 33/KH-LĐLĐ ngày 16/3/2021 của LĐLĐ thành phố Hải Phòng",
            "note": "Hỗ trợ mỗi học viên đến khi được kết nạp Đảng",
        },
    )
    klass = TrainingClass.objects.create(
        federation=federation,
        name=FIRST_CLASS,
        year=YEAR,
        opens_on=OPENS,
        closes_on=CLOSES,
        venue=VENUE,
        capacity=60,
    )
    TrainingClass.objects.create(
        federation=federation,
        name=SECOND_CLASS,
        year=YEAR,
        opens_on=datetime.date(2022, 9, 12),
        closes_on=datetime.date(2022, 9, 17),
        venue=VENUE,
        capacity=53,
        note="Dự kiến mở cho đoàn viên các doanh nghiệp chưa có học viên ở khóa 1.",
    )
    sessions = [
        ClassSession.objects.create(
            training_class=klass, date=OPENS + datetime.timedelta(days=i), topic=topic, lecturer=LECTURER
        )
        for i, topic in enumerate(TOPICS)
    ]

    approved = Nomination.objects.filter(federation=federation, year=YEAR, status=Status.APPROVED)
    services.enrol(klass, approved, staff, on=OPENS, policy=policy)
    learners = list(
        Enrollment.objects.filter(training_class=klass)
        .select_related("nomination__person")
        .order_by("nomination__search_folded", "pk")  # the demo draws as it always has, whatever the collation
    )
    pending = set(rng.sample([e.pk for e in learners], PENDING))
    for index, session in enumerate(sessions):
        last = index == len(sessions) - 1
        marks = []
        for enrollment in learners:
            if last and enrollment.pk in pending:
                marks.append(services.Mark(enrollment.pk, False, "Ốm, xin viết bài thu hoạch bù"))
            elif not last and rng.random() < 0.03:
                marks.append(services.Mark(enrollment.pk, False, rng.choice(ABSENCE_REASONS)))
            else:
                marks.append(services.Mark(enrollment.pk, True))
        services.record_attendance(session, marks, staff)

    results, number = [], 0
    for row, enrollment in enumerate(learners, start=1):
        if enrollment.pk in pending:
            continue
        number += 1
        results.append(
            services.ResultInput(
                enrollment_id=enrollment.pk,
                result=Result.PASSED,
                certificate_number=f"{number:03d}/GCN-TTCT",
                certificate_date=CLOSES,
                row=row,
            )
        )
    services.record_results(klass, results, staff)

    services.record_support(klass, [e.pk for e in learners], SupportKind.SHIRT, staff, on=OPENS)
    enterprises = {
        e.nomination.union.enterprise_id
        for e in Enrollment.objects.filter(training_class=klass).select_related("nomination__union")
    }
    services.save_employer_commitments(
        klass,
        [
            services.CommitmentInput(
                enterprise_id=enterprise_id,
                keeps_full_salary=True,
                gives_time_off=True,
                confirmed_on=datetime.date(2022, 3, 15),
                note="Giữ nguyên lương, bố trí nghỉ ca để người lao động đi học",
            )
            for enterprise_id in sorted(enterprises)
        ],
        staff,
    )

    paid = [e for e in learners if e.pk not in pending]
    start = 0
    for voucher, paid_on, count in VOUCHERS:
        batch = [e.pk for e in paid[start : start + count]]
        services.pay_stipends(klass, batch, policy, staff, voucher_number=voucher, paid_on=paid_on)
        start += count

    klass.refresh_from_db()  # the services above saved it (a newer version)
    klass.status = ClassStatus.FINISHED
    klass.save(update_fields=["status", "updated_at"])
