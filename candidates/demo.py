"""Nominations of the 2022 pilot (SPEC §5), with invented people.

63 nominations received by 28/02/2022 from the three pilot unions: 30 people living in
the district and 33 elsewhere; 3 found ineligible on review; 13 approved but unable to
attend; 47 approved and waiting for the class. Names come from Faker's Vietnamese lists;
citizen IDs start with 099, a province code that does not exist, so none is real.
"""

from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model
from faker import Faker

from unions.demo import OTHER_AREAS, TIEN_LANG_COMMUNES
from unions.models import GrassrootsUnion

from . import services
from .models import Nomination, Status

YEAR = 2022
# (union code, nominations, of whom living in the district)
PLAN = [("CD-SUNVIGO", 35, 12), ("CD-PHUCTHUAN", 20, 10), ("CD-M2", 8, 8)]
REJECTED = {
    5: "Chưa đủ 12 tháng sinh hoạt công đoàn: ngày vào Công đoàn khai trong hồ sơ giấy là 15/06/2021.",
    22: "Doanh nghiệp xác nhận đang trong thời hạn kỷ luật lao động (khiển trách) đến 30/06/2022.",
    41: "Lý lịch chưa được xác minh đầy đủ; hướng dẫn bổ sung hồ sơ cho năm sau.",
}
WITHDRAWN_REASONS = [
    "Không bố trí được thời gian đi học do lịch sản xuất ca đêm.",
    "Nghỉ thai sản trong thời gian mở lớp.",
    "Lý do gia đình, xin học lớp năm sau.",
    "Chuyển công tác sang doanh nghiệp khác.",
]
WITHDRAWN = {3, 9, 14, 18, 25, 29, 33, 37, 44, 48, 52, 57, 61}
MALE_MIDDLE = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Thành", "Công"]
FEMALE_MIDDLE = ["Thị", "Ngọc", "Thu", "Thanh", "Minh", "Hồng", "Phương"]
EDUCATION = ["12/12"] * 9 + ["9/12", "THCS", "TC", "CD", "11/12"]
# One learner is over 60 when the Party cell meets in June 2022 (admission.demo: refused by the
# age rule); the rest of the generated values, and so every 2022 figure, stay as they were.
BIRTH_OVERRIDES = {38: datetime.date(1962, 2, 10)}
JOBS = ["Công nhân may", "Công nhân lắp ráp", "Tổ trưởng sản xuất", "Công nhân đóng gói", "Kỹ thuật viên", "Thủ kho"]


def _people(fake: Faker, rng: random.Random):
    other_places = [(p, d, c) for (p, d), communes in OTHER_AREAS.items() for c in communes]
    tien_lang = [name for name, _ in TIEN_LANG_COMMUNES]
    number = 0
    for code, count, in_district in PLAN:
        for index in range(count):
            number += 1
            female = rng.random() < 0.62
            first = fake.first_name_female() if female else fake.first_name_male()
            middle = rng.choice(FEMALE_MIDDLE if female else MALE_MIDDLE)
            full_name = f"{fake.last_name()} {middle} {first}"
            if index < in_district:
                province, district, commune = "Thành phố Hải Phòng", "Huyện Tiên Lãng", rng.choice(tien_lang)
            else:
                province, district, commune = rng.choice(other_places)
            birth = datetime.date(rng.randint(1978, 2002), rng.randint(1, 12), rng.randint(1, 28))
            joined = datetime.date(
                rng.randint(max(birth.year + 18, 2012), 2020), rng.randint(1, 12), rng.randint(1, 28)
            )
            birth = BIRTH_OVERRIDES.get(number, birth)
            nominated_on = datetime.date(2022, 1, 10) + datetime.timedelta(days=(number * 7) % 49)
            yield (
                number,
                code,
                nominated_on,
                {
                    "full_name": full_name,
                    "sex": "F" if female else "M",
                    "date_of_birth": birth,
                    "ethnicity": "Kinh" if rng.random() < 0.95 else "Tày",
                    "religion": "Không" if rng.random() < 0.9 else "Công giáo",
                    "citizen_id": f"099{number:09d}",
                    "education": rng.choice(EDUCATION),
                    "profession": "",
                    "job_title": rng.choice(JOBS),
                    "union_joined_on": joined,
                    "phone": f"09{rng.randint(10000000, 99999999)}",
                    "residence_province": province,
                    "residence_district": district,
                    "residence_commune": commune,
                    "current_address": "",
                    "is_party_member": False,
                    "discipline_until": None,
                    "note": "",
                },
            )


def seed(context: dict) -> None:
    unions = {u.code: u for u in GrassrootsUnion.objects.filter(code__in=[c for c, _, _ in PLAN])}
    if Nomination.objects.filter(year=YEAR, union__in=unions.values()).exists():
        return  # already loaded: running the demo twice changes nothing
    User = get_user_model()
    staff = User.objects.get(username="canbo")
    chairs = {u.profile.union.code: u for u in User.objects.filter(profile__union__in=unions.values())}
    fake = Faker("vi_VN")
    fake.seed_instance(YEAR)
    rng = random.Random(YEAR)
    for number, code, nominated_on, person in _people(fake, rng):
        nomination = services.create_nomination(
            services.NominationRequest(
                person=person,
                union=unions[code],
                year=YEAR,
                nominated_on=nominated_on,
                voluntary_application=True,
                chair_assessment="Lập trường tư tưởng vững vàng, gương mẫu trong lao động sản xuất, "
                "tích cực tham gia hoạt động công đoàn, được tập thể tín nhiệm.",
                qualities_confirmed=True,
            ),
            chairs[code],
        )
        review_day = datetime.date(2022, 3, 4)
        if number in REJECTED:
            services.move(nomination, Status.REJECTED, staff, reason=REJECTED[number], on=review_day)
            continue
        if nomination.warnings:
            services.accept_warnings(
                nomination, staff, "Chấp nhận ngoại lệ theo đề nghị của Ban Thường vụ LĐLĐ huyện (hồ sơ giấy kèm theo)."
            )
        services.move(nomination, Status.APPROVED, staff, on=review_day)
        if number in WITHDRAWN:
            services.move(
                nomination,
                Status.WITHDRAWN,
                staff,
                reason=WITHDRAWN_REASONS[number % len(WITHDRAWN_REASONS)],
                on=datetime.date(2022, 3, 15),
            )
