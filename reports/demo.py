"""Quotas, targets and earlier years' totals of the demo scenario (SPEC §5)."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction

from unions.models import Federation, GrassrootsUnion

from . import targets
from .models import FederationTarget, Plan, UnionQuota, YearlyAggregate

PILOT_QUOTAS = {"CD-SUNVIGO": 20, "CD-PHUCTHUAN": 12, "CD-M2": 5}
QUOTA_TOTAL = 100
# Earlier years kept on paper: over 600 introduced a year on average in 2015–2020, one row a
# year; and the period "from 2020 to 03/2022" with about 400 introduced and 300 admitted, kept
# as the period 2020–2022 it covers. It overlaps 2020 (typed in) and 2022 (in the records), so
# the multi-year report shows it as a note and never adds it to the total.
EARLIER = {
    (2015, 2015): (612, None),
    (2016, 2016): (634, None),
    (2017, 2017): (605, None),
    (2018, 2018): (641, None),
    (2019, 2019): (620, None),
    (2020, 2020): (608, None),
    (2020, 2022): (392, 287),
}
PAPER_SOURCE = "Báo cáo giấy của LĐLĐ huyện"
PERIOD_SOURCE = "Báo cáo giấy: từ năm 2020 đến 03/2022 gần 400 người được giới thiệu, gần 300 người được kết nạp"


def seed(context: dict) -> None:
    seed_2022(context)
    seed_2026_targets()


def seed_2022(context: dict) -> None:
    federation = context["federation"]
    plan, _ = Plan.objects.get_or_create(
        federation=federation,
        number="33/KH-LĐLĐ",
        defaults={
            "issued_on": datetime.date(2021, 3, 16),
            "issuer": "Liên đoàn Lao động thành phố Hải Phòng",
            "title": "Tăng cường công tác giới thiệu, bồi dưỡng nhận thức về Đảng cho công nhân lao động trong "
            "các đơn vị, doanh nghiệp ngoài nhà nước phấn đấu trở thành đảng viên, giai đoạn 2021-2023",
            "from_year": 2021,
            "to_year": 2023,
        },
    )
    FederationTarget.objects.get_or_create(
        federation=federation, year=2022, defaults={"plan": plan, "classes": 2, "learners": 100, "party_cells": 2}
    )
    unions = list(GrassrootsUnion.objects.filter(federation=federation).order_by("code"))
    others = [u for u in unions if u.code not in PILOT_QUOTAS]
    remaining = QUOTA_TOTAL - sum(PILOT_QUOTAS.values())
    base, extra = divmod(remaining, len(others)) if others else (0, 0)
    for index, union in enumerate(unions):
        if union.code in PILOT_QUOTAS:
            value = PILOT_QUOTAS[union.code]
        else:
            value = base + (1 if others.index(union) < extra else 0)
        UnionQuota.objects.get_or_create(union=union, year=2022, defaults={"introduce": value, "plan": plan})
    for (start, end), (introduced, admitted) in EARLIER.items():
        YearlyAggregate.objects.get_or_create(
            federation=federation,
            start_year=start,
            end_year=end,
            defaults={
                "introduced": introduced,
                "admitted": admitted,
                "source": PAPER_SOURCE if start == end else PERIOD_SOURCE,
            },
        )


# 2026 under the new structure (all figures invented): the city federation's own targets, the
# targets its staff give the commune-level unions below it, and the Vĩnh Bảo commune union's
# first quotas for its grassroots unions (half its introductions, the rest still to distribute).
CITY = "Liên đoàn Lao động thành phố Hải Phòng"
CITY_PLAN = {
    "number": "08/KH-LĐLĐ",
    "issued_on": datetime.date(2026, 1, 9),
    "issuer": CITY,
    "title": "Giới thiệu đoàn viên công đoàn ưu tú cho Đảng xem xét kết nạp và phát triển tổ chức Đảng trong "
    "doanh nghiệp ngoài khu vực nhà nước năm 2026 (trình diễn)",
    "from_year": 2026,
    "to_year": 2026,
}
# (classes, learners, introductions, new Party organisations)
CITY_TARGET_2026 = (8, 400, 40, 6)
GIVEN_2026 = {
    "Công đoàn xã Tiên Lãng": (2, 100, 10, 2),
    "Công đoàn xã Tiên Minh": (2, 90, 9, 1),
    "Công đoàn xã Hùng Thắng": (2, 90, 9, 1),
    "Công đoàn xã Vĩnh Bảo": (1, 40, 6, 1),
}
DISTRIBUTED_2026 = {"CD-VB-01": 2, "CD-VB-02": 1}
GIVEN_AT = datetime.datetime(2026, 1, 12, 2, 15, tzinfo=datetime.UTC)  # 09:15 in Hải Phòng


def seed_2026_targets() -> None:
    city = Federation.objects.get(name=CITY)
    if FederationTarget.objects.filter(federation=city, year=2026).exists():
        return
    staff = get_user_model().objects.get(username="canbo.thanhpho")
    plan, _ = Plan.objects.get_or_create(federation=city, number=CITY_PLAN["number"], defaults=CITY_PLAN)
    classes, learners, introductions, cells = CITY_TARGET_2026
    FederationTarget.objects.create(
        federation=city,
        year=2026,
        plan=plan,
        classes=classes,
        learners=learners,
        introductions=introductions,
        party_cells=cells,
        set_by=staff,
        set_at=GIVEN_AT - datetime.timedelta(minutes=40),
    )
    communes = {f.name: f for f in Federation.objects.filter(name__in=GIVEN_2026)}
    rows = [
        {"federation_id": communes[name].pk, "version": None, **dict(zip(targets.FIELDS, values, strict=True))}
        for name, values in GIVEN_2026.items()
    ]
    with transaction.atomic():
        targets.give(staff, city, 2026, rows, plan)
    # Given on an invented day, as the demo's other dates are.
    FederationTarget.objects.filter(given_by=city, year=2026).update(set_at=GIVEN_AT)
    # The commune union gives its unions part of its introductions target.
    for code, value in DISTRIBUTED_2026.items():
        UnionQuota.objects.get_or_create(
            union=GrassrootsUnion.objects.get(code=code), year=2026, defaults={"introduce": value, "plan": plan}
        )
