"""The demo's world since 2025 (SPEC §8): nominations of the second district before the reform,
the reform of 01/07/2025 (`unions.demo.seed_reform`), and a few 2026 nominations under the new
structure. Invented people only; the 2022 story of Tiên Lãng (candidates.demo) is left as it is."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model

from unions import demo as unions_demo
from unions.models import GrassrootsUnion

from . import services
from .models import Nomination

# (union code, year, nominated on, full name, sex, birth, joined the union, commune of residence)
BEFORE_REFORM = [
    ("CD-VB-01", 2024, datetime.date(2024, 3, 5), "Phan Thị Thử Mai", "F", datetime.date(1994, 4, 12), "Xã Tân Hưng"),
    ("CD-VB-01", 2024, datetime.date(2024, 3, 5), "Đoàn Văn Thử Lực", "M", datetime.date(1990, 9, 2), "Xã Hiệp Hòa"),
    ("CD-VB-02", 2024, datetime.date(2024, 3, 12), "Tạ Thị Thử Hiền", "F", datetime.date(1997, 1, 20), "Xã Cao Minh"),
    ("CD-VB-03", 2025, datetime.date(2025, 2, 18), "Lưu Văn Thử Khánh", "M", datetime.date(1992, 6, 30), "Xã Hiệp Hòa"),
]
UNDER_NEW_TREE = [
    (
        "CD-VB-01",
        2026,
        datetime.date(2026, 3, 9),
        "Khổng Thị Thử Duyên",
        "F",
        datetime.date(1996, 11, 3),
        "Xã Tân Hưng",
    ),
    ("CD-VB-02", 2026, datetime.date(2026, 3, 9), "Vương Văn Thử Toàn", "M", datetime.date(1993, 2, 14), "Xã Cao Minh"),
    ("CD-VB-03", 2026, datetime.date(2026, 3, 16), "Ninh Thị Thử Thoa", "F", datetime.date(1999, 8, 8), "Xã Hiệp Hòa"),
]


def _nominate(rows, first_number: int, user) -> None:
    unions = {u.code: u for u in GrassrootsUnion.objects.filter(code__in={r[0] for r in rows})}
    for number, (code, year, on, name, sex, birth, commune) in enumerate(rows, start=first_number):
        services.create_nomination(
            services.NominationRequest(
                person={
                    "full_name": name,
                    "sex": sex,
                    "date_of_birth": birth,
                    "ethnicity": "Kinh",
                    "religion": "Không",
                    "citizen_id": f"097{number:09d}",  # invented, outside the 2022 story's range
                    "education": "12/12",
                    "profession": "",
                    "job_title": "Công nhân",
                    "union_joined_on": datetime.date(2019, 5, 1),
                    "phone": "",
                    "residence_province": "Thành phố Hải Phòng",
                    "residence_district": unions_demo.OTHER_DISTRICT,
                    "residence_commune": commune,
                    "current_address": "",
                    "is_party_member": False,
                    "discipline_until": None,
                    "note": "",
                },
                union=unions[code],
                year=year,
                nominated_on=on,
                voluntary_application=True,
                chair_assessment="Gương mẫu trong lao động sản xuất, tích cực hoạt động công đoàn.",
                qualities_confirmed=True,
            ),
            user,
        )


def seed(context: dict) -> None:
    user = get_user_model().objects.get(username="canbo.thanhpho")
    other = GrassrootsUnion.objects.filter(code__in=[r[0] for r in BEFORE_REFORM])
    if not Nomination.objects.filter(union__in=other, year__lt=2026).exists():
        _nominate(BEFORE_REFORM, 1, user)
    unions_demo.seed_reform(context)
    if not Nomination.objects.filter(union__in=other, year=2026).exists():
        _nominate(UNDER_NEW_TREE, len(BEFORE_REFORM) + 1, user)
