"""Quotas, targets and earlier years' totals of the demo scenario (SPEC §5)."""

from __future__ import annotations

import datetime

from unions.models import GrassrootsUnion

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
