"""Invented data at the size of a district, a city or the nation, written in bulk.

Everything is made up: names are drawn from common Vietnamese family, middle and given
names; citizen IDs start with 099 (no province has that code) and tax codes with 99;
places of the nation tier are invented. The derived columns (folded names and search
text, "lives in the district", the stage reached, the copied in-district flag) are
computed with the same functions the models' save() and the import use, so the rows
are exactly what the application itself would have written.

Rows are written with explicit primary keys (COPY on PostgreSQL, bulk_create elsewhere),
the id sequences are moved past them at the end, and the tables are analysed.
"""

from __future__ import annotations

import datetime
import math
import random
import time
from dataclasses import dataclass
from functools import lru_cache
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from candidates.models import STAGE, Introduction, Nomination, NominationEvent, Person, district_matches
from classes.models import (
    Attendance,
    ClassSession,
    Enrollment,
    LearnerSupport,
    StipendPayment,
    StipendPolicy,
    TrainingClass,
)
from reports.models import FederationTarget, UnionQuota, YearlyAggregate
from tienlang.lib.text import fold
from unions.models import (
    AdministrativeUnit,
    CommitteeMember,
    Enterprise,
    Federation,
    GrassrootsUnion,
    PartyOrganization,
    Role,
    UserProfile,
    WorkforceFigure,
)

from .bulk import TableWriter, reset_sequences

BENCH_PASSWORD = "Bench@Scale-2026"


@dataclass(frozen=True)
class Tier:
    name: str
    federations: int
    enterprises: int
    people: int
    nominations: int
    communes_per_district: int = 20
    # 2: the top federation, then the district-level federations (a city and its districts);
    # 3: the national federation, one federation per province/city, then the district level.
    levels: int = 2
    districts_per_province: int = 4


TIERS = {
    "tiny": Tier(
        "tiny",
        federations=2,
        enterprises=12,
        people=300,
        nominations=80,
        communes_per_district=4,
        levels=3,
        districts_per_province=1,
    ),
    "district": Tier("district", federations=1, enterprises=100, people=5_000, nominations=1_000),
    "city": Tier("city", federations=15, enterprises=5_000, people=200_000, nominations=40_000),
    "nation": Tier("nation", federations=60, enterprises=50_000, people=1_000_000, nominations=200_000, levels=3),
}

# Hải Phòng's districts before 2025, for the district and city tiers.
HAI_PHONG_DISTRICTS = [
    "Tiên Lãng",
    "Vĩnh Bảo",
    "An Lão",
    "Kiến Thụy",
    "Thủy Nguyên",
    "An Dương",
    "Cát Hải",
    "Bạch Long Vĩ",
    "Hồng Bàng",
    "Ngô Quyền",
    "Lê Chân",
    "Hải An",
    "Kiến An",
    "Đồ Sơn",
    "Dương Kinh",
]
SYLLABLES = (
    "An Bình Phú Hòa Tân Thạnh Vĩnh Phước Long Hưng Đông Tây Nam Bắc Trung Thượng Hạ Mỹ Lạc Quang "
    "Minh Đức Thái Thuận Hải Sơn Giang Hồng Cẩm Kim Ngọc Lộc Thọ Xuân Hạnh Nghĩa Trường Thành Tiến Cường"
).split()
FAMILY = (
    "Nguyễn Nguyễn Nguyễn Trần Trần Lê Lê Phạm Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý "
    "Đinh Đào Mai Trịnh Lương Cao Tạ"
).split()
MIDDLE_M = "Văn Văn Văn Đức Minh Quang Hữu Thành Công Xuân Ngọc Duy Tiến Hoàng Anh".split()
MIDDLE_F = "Thị Thị Thị Thị Ngọc Thu Thanh Minh Phương Hồng Kim Mai Bích Diệu Khánh".split()
GIVEN_M = (
    "An Bình Cường Dũng Đạt Đức Giang Hải Hiếu Hùng Huy Khánh Khoa Kiên Long Lâm Mạnh Nam Nghĩa Phong "
    "Phúc Quân Quang Sơn Tài Thắng Thành Toàn Trung Tuấn Tùng Việt Vinh"
).split()
GIVEN_F = (
    "Anh Ánh Chi Dung Duyên Giang Hà Hạnh Hằng Hiền Hoa Hồng Huệ Hương Lan Liên Linh Loan Mai My Nga "
    "Ngân Nhung Oanh Phương Quỳnh Thảo Thơm Thủy Trang Tuyết Vân Yến"
).split()
INDUSTRIES = [
    "May mặc",
    "Da giày",
    "Điện tử",
    "Chế biến thực phẩm",
    "Cơ khí",
    "Đồ chơi",
    "Xây dựng",
    "Logistics",
    "Nhựa",
    "Chế biến gỗ",
    "Vật liệu xây dựng",
    "Thủy sản",
]
OWNERSHIP = [("fdi", 25), ("jv", 4), ("jsc", 20), ("llc", 40), ("private", 7), ("partnership", 1), ("coop", 3)]
OWNERSHIP_PREFIX = {
    "fdi": "Công ty TNHH",
    "jv": "Công ty Liên doanh",
    "jsc": "Công ty Cổ phần",
    "llc": "Công ty TNHH",
    "private": "Doanh nghiệp tư nhân",
    "partnership": "Công ty Hợp danh",
    "coop": "Hợp tác xã",
}
BRANDS = (
    "Hải Long Minh Phát Thành Công Đại Dương Sao Mai Phúc Thịnh Hoàng Gia Tân Tiến Việt Nhật Kim Sơn "
    "Bình Minh Trường Thịnh Hưng Thịnh Nam Việt Đông Á Hòa Phát An Khang Thiên Ân Phú Cường Hồng Hà"
).split()
EDUCATION = [("9/12", 4), ("12/12", 30), ("THPT", 25), ("TC", 15), ("CD", 12), ("DH", 13), ("THS", 1)]
ETHNICITY = [("Kinh", 92), ("Tày", 2), ("Mường", 2), ("Thái", 1), ("Nùng", 1), ("Hoa", 1), ("Khmer", 1)]
RELIGION = [("Không", 85), ("Công giáo", 8), ("Phật giáo", 6), ("Tin lành", 1)]
# Where people from outside the federations' own districts live.
OUTSIDE = [
    ("Huyện Quỳnh Phụ", "Tỉnh Thái Bình", "Xã An Lễ"),
    ("Huyện Thái Thụy", "Tỉnh Thái Bình", "Xã Thụy Hải"),
    ("Huyện Thanh Hà", "Tỉnh Hải Dương", "Xã Thanh Lang"),
    ("Huyện Kim Thành", "Tỉnh Hải Dương", "Xã Kim Tân"),
    ("Huyện Giao Thủy", "Tỉnh Nam Định", "Xã Giao Hải"),
]
JOBS = ["Công nhân may", "Công nhân lắp ráp", "Tổ trưởng sản xuất", "Kỹ thuật viên", "Nhân viên kho", "Thủ kho"]
JOBS += ["Công nhân vận hành máy", "Nhân viên kiểm hàng", "Trưởng ca", "Nhân viên văn phòng"]

# How far a year's nominations have gone: (status, weight) by the year's age (0 = this year).
STATUS_MIX = {
    0: [("nominated", 28), ("approved", 14), ("rejected", 4), ("enrolled", 26), ("completed", 12)]
    + [("not_completed", 3), ("introduced", 8), ("withdrawn", 5)],
    1: [("approved", 2), ("rejected", 5), ("completed", 12), ("not_completed", 7), ("introduced", 30)]
    + [("admitted", 36), ("withdrawn", 8)],
}
STATUS_MIX_OLD = [("rejected", 5), ("not_completed", 8), ("introduced", 6), ("admitted", 25), ("official", 48)]
STATUS_MIX_OLD += [("withdrawn", 8)]
PATH = ["nominated", "approved", "enrolled", "completed", "introduced", "admitted", "official"]
CLASS_CAPACITY = 60
SESSIONS_PER_CLASS = 4
STIPEND = 3_000_000


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _weighted(rng: random.Random, pairs, k: int = 1):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights, k=k)


def _unique_names(rng: random.Random, count: int, prefix: str, taken: set[str]) -> list[str]:
    names = []
    while len(names) < count:
        name = f"{prefix} {rng.choice(SYLLABLES)} {rng.choice(SYLLABLES)}"
        if name not in taken:
            taken.add(name)
            names.append(name)
    return names


def _path_to(status: str, rng: random.Random) -> list[str]:
    """The statuses a nomination went through to reach `status`, in order."""
    if status in PATH:
        return PATH[: PATH.index(status) + 1]
    if status == "rejected":
        return ["nominated", "rejected"]
    if status == "not_completed":
        return ["nominated", "approved", "enrolled", "not_completed"]
    # withdrawn: from any open step
    return PATH[: rng.randint(1, 5)] + ["withdrawn"]


def database_is_empty() -> bool:
    return not (
        Federation.objects.exists()
        or Enterprise.objects.exists()
        or Person.objects.exists()
        or Nomination.objects.exists()
        or get_user_model().objects.exists()
    )


class Generator:
    def __init__(self, tier: Tier, seed: int = 2022, log=print, today: datetime.date | None = None):
        self.tier = tier
        self.rng = random.Random(seed)
        self.log = log
        self.today = today or timezone.localdate()
        self.year = self.today.year
        self.now = timezone.now()
        self.started = time.monotonic()
        self.writers: dict[type, TableWriter] = {}
        self.ids: dict[type, int] = {}

    # --- plumbing ---------------------------------------------------------------------

    def writer(self, model) -> TableWriter:
        if model not in self.writers:
            self.writers[model] = TableWriter(model, now=self.now)
        return self.writers[model]

    def add(self, model, **values) -> int:
        """Write one row with the next id of its table; return that id."""
        pk = self.ids.get(model, 0) + 1
        self.ids[model] = pk
        self.writer(model).add(id=pk, **values)
        return pk

    def flush(self, *models) -> None:
        for model in models or list(self.writers):
            if model in self.writers:
                self.writers[model].flush()

    def step(self, message: str) -> None:
        self.log(f"[{time.monotonic() - self.started:7.1f} s] {message}")

    # --- the whole run ----------------------------------------------------------------

    def run(self) -> dict[str, int]:
        with transaction.atomic():
            self.make_places()
            self.make_federations()
            self.make_enterprises()
            self.flush()
            self.step(f"{_n(self.tier.enterprises)} doanh nghiệp, công đoàn, BCH, số liệu năm")
            self.make_people()
            self.flush()
            self.step(f"{_n(self.tier.people)} đoàn viên")
            self.make_nominations()
            self.flush()
            self.step(f"{_n(self.tier.nominations)} hồ sơ, lịch sử, lớp học, hỗ trợ")
            self.make_quotas_and_users()
            self.flush()
            reset_sequences(list(self.writers))
        self.analyse()
        self.step("xong (đã VACUUM ANALYZE)")
        return {model._meta.label: writer.count for model, writer in self.writers.items()}

    def analyse(self) -> None:
        """Statistics for the planner; on PostgreSQL also the visibility map that index-only
        scans need (what autovacuum would do later), unless inside a transaction (tests)."""
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql" and not connection.in_atomic_block:
                cursor.execute("VACUUM ANALYZE")
            else:
                cursor.execute("ANALYZE")

    # --- organisation tree ------------------------------------------------------------

    def make_places(self) -> None:
        rng, tier = self.rng, self.tier
        taken: set[str] = set()
        if tier.federations <= len(HAI_PHONG_DISTRICTS) and tier.levels == 2:
            provinces = [("Thành phố Hải Phòng", [f"Huyện {d}" for d in HAI_PHONG_DISTRICTS[: tier.federations]])]
        else:
            per_province = tier.districts_per_province
            provinces = []
            province_names = _unique_names(rng, math.ceil(tier.federations / per_province), "Tỉnh", taken)
            for index, province in enumerate(province_names):
                if index % 5 == 0:  # some are centrally run cities
                    province = "Thành phố " + province.removeprefix("Tỉnh ")
                count = min(per_province, tier.federations - index * per_province)
                provinces.append((province, _unique_names(rng, count, "Huyện", taken)))
        self.districts = []  # (district id, district name, province name, [(commune id, commune name)])
        self.province_ids: dict[str, int] = {}
        for province, districts in provinces:
            province_id = self.add(
                AdministrativeUnit, name=province, name_folded=fold(province), level="province", code=""
            )
            self.province_ids[province] = province_id
            for district in districts:
                district_id = self.add(
                    AdministrativeUnit,
                    name=district,
                    name_folded=fold(district),
                    level="district",
                    parent_id=province_id,
                    code="",
                )
                communes = []
                for commune in _unique_names(rng, tier.communes_per_district, "Xã", set()):
                    commune_id = self.add(
                        AdministrativeUnit,
                        name=commune,
                        name_folded=fold(commune),
                        level="commune",
                        parent_id=district_id,
                        code="",
                    )
                    communes.append((commune_id, commune))
                self.districts.append((district_id, district, province, communes))
        self.provinces = [p for p, _ in provinces]

    def make_federations(self) -> None:
        top = self.add(
            Federation,
            name="Tổng Liên đoàn Lao động Việt Nam" if self.tier.levels == 3 else "LĐLĐ thành phố Hải Phòng",
            short_name="",
            place_name="Hà Nội" if self.tier.levels == 3 else "Hải Phòng",
            document_code="LĐLĐ",
            signer_name="Nguyễn Văn Thủ Trưởng",
            signer_title="CHỦ TỊCH",
        )
        self.top = top
        self.federations = []  # (id, area SimpleNamespace, district tuple)
        self.party_orgs: dict[int, dict] = {}
        # The middle level of a three-level tier: one federation (and Party committee) per province.
        self.provincial: dict[str, tuple[int, int | None]] = {}  # province -> (federation id, committee id)
        if self.tier.levels == 3:
            for province, province_id in self.province_ids.items():
                city = province.startswith("Thành phố ")
                core = province.removeprefix("Thành phố ").removeprefix("Tỉnh ")
                level = "thành phố" if city else "tỉnh"
                federation_id = self.add(
                    Federation,
                    name=f"Liên đoàn Lao động {level} {core}",
                    short_name=f"LĐLĐ {level} {core}",
                    parent_id=top,
                    area_id=province_id,
                    place_name=core,
                    document_code="LĐLĐ",
                    signer_name=f"{self.rng.choice(FAMILY)} {self.rng.choice(MIDDLE_M)} {self.rng.choice(GIVEN_M)}",
                    signer_title="CHỦ TỊCH",
                )
                committee_name = f"{'Thành ủy' if city else 'Tỉnh ủy'} {core}"
                committee = self.add(
                    PartyOrganization,
                    name=committee_name,
                    name_folded=fold(committee_name),
                    kind="provincial",
                    area_id=province_id,
                )
                self.provincial[province] = (federation_id, committee)
        for district_id, district, province, communes in self.districts:
            core = district.removeprefix("Huyện ")
            parent, party_parent = self.provincial.get(province, (top, None))
            federation_id = self.add(
                Federation,
                name=f"Liên đoàn Lao động huyện {core}",
                short_name=f"LĐLĐ huyện {core}",
                parent_id=parent,
                area_id=district_id,
                place_name=core,
                document_code="LĐLĐ",
                signer_name=f"{self.rng.choice(FAMILY)} {self.rng.choice(MIDDLE_M)} {self.rng.choice(GIVEN_M)}",
                signer_title="CHỦ TỊCH",
            )
            area = SimpleNamespace(area=SimpleNamespace(name=district))
            committee = self.add(
                PartyOrganization,
                name=f"Huyện ủy {core}",
                name_folded=fold(f"Huyện ủy {core}"),
                kind="district",
                area_id=district_id,
                parent_id=party_parent,
            )
            self.add(
                PartyOrganization,
                name=f"Ban Tổ chức Huyện ủy {core}",
                name_folded=fold(f"Ban Tổ chức Huyện ủy {core}"),
                kind="district_board",
                parent_id=committee,
                area_id=district_id,
            )
            by_commune = {}
            for commune_id, commune in communes:
                name = f"Đảng ủy xã {commune.removeprefix('Xã ')}"
                by_commune[commune_id] = self.add(
                    PartyOrganization,
                    name=name,
                    name_folded=fold(name),
                    kind="commune",
                    parent_id=committee,
                    area_id=commune_id,
                )
            self.party_orgs[federation_id] = by_commune
            self.federations.append((federation_id, area, (district_id, district, province, communes)))
            self.add(
                StipendPolicy,
                federation_id=federation_id,
                name="Hỗ trợ học viên lớp bồi dưỡng nhận thức về Đảng",
                amount=STIPEND,
                funding_source="LĐLĐ thành phố",
                from_year=self.year - 6,
                to_year=self.year + 2,
                basis="Kế hoạch số 33/KH-LĐLĐ",
            )
            for year in range(2015, 2021):
                self.add(
                    YearlyAggregate,
                    federation_id=federation_id,
                    start_year=year,
                    end_year=year,
                    introduced=self.rng.randint(20, 60),
                    admitted=self.rng.randint(10, 40),
                    source="Báo cáo tổng kết năm",
                )

    def make_enterprises(self) -> None:
        rng, tier = self.rng, self.tier
        count = tier.enterprises
        federations = self.federations
        # Bigger districts have more enterprises: weights 1..3.
        weights = [rng.uniform(1, 3) for _ in federations]
        placement = rng.choices(range(len(federations)), weights=weights, k=count)
        ownerships = _weighted(rng, OWNERSHIP, count)
        self.unions = []  # (union id, federation index, enterprise id, commune id, code, name)
        self.enterprise_party_org: dict[int, int] = {}
        self.union_weights = []
        for number in range(1, count + 1):
            fed_index = placement[number - 1]
            federation_id, _, (_, _, _, communes) = federations[fed_index]
            commune_id, commune = rng.choice(communes)
            ownership = ownerships[number - 1]
            name = f"{OWNERSHIP_PREFIX[ownership]} {rng.choice(BRANDS)} {rng.choice(BRANDS)} {number}"
            tax_code = f"99{number:08d}"
            workers = int(min(8000, max(10, rng.lognormvariate(4.3, 1.0))))
            has_party = rng.random() < 0.08
            enterprise_id = self.add(
                Enterprise,
                federation_id=federation_id,
                name=name,
                name_folded=fold(f"{name} {tax_code}"),
                tax_code=tax_code,
                ownership=ownership,
                industry=rng.choice(INDUSTRIES),
                commune_id=commune_id,
                address=f"Cụm công nghiệp {commune.removeprefix('Xã ')}",
                workers=workers,
                party_org_since=datetime.date(rng.randint(2005, self.year - 1), rng.randint(1, 12), 1)
                if has_party
                else None,
                is_pilot=rng.random() < 0.03,
            )
            if has_party:
                cell = f"Chi bộ {name}"
                self.enterprise_party_org[enterprise_id] = self.add(
                    PartyOrganization,
                    name=cell,
                    name_folded=fold(cell),
                    kind="enterprise_cell",
                    area_id=commune_id,
                    enterprise_id=enterprise_id,
                )
            members = max(5, int(workers * rng.uniform(0.6, 0.95)))
            self.add(
                WorkforceFigure,
                enterprise_id=enterprise_id,
                year=self.year,
                workers=workers,
                union_members=members,
                party_members=min(members, rng.randint(0, 15) if has_party else 0),
            )
            if rng.random() < 0.1:
                continue  # about one enterprise in ten has no union yet
            code = f"CD-{fed_index + 1:02d}-{number:06d}"
            union_name = f"Công đoàn {name}"
            union_id = self.add(
                GrassrootsUnion,
                federation_id=federation_id,
                enterprise_id=enterprise_id,
                code=code,
                name=union_name,
                name_folded=fold(f"{union_name} {code}"),
                members=members,
                founded_on=datetime.date(rng.randint(2000, self.year - 1), rng.randint(1, 12), rng.randint(1, 28)),
            )
            self.unions.append((union_id, fed_index, enterprise_id, commune_id, code, union_name))
            self.union_weights.append(members)
            term_start = datetime.date(self.year - 3, 6, 1)
            for rank, position in enumerate(("chair", "vice_chair", "member"), start=1):
                sex = rng.choice("MF")
                full_name = self.person_name(sex)
                self.add(
                    CommitteeMember,
                    union_id=union_id,
                    full_name=full_name,
                    full_name_folded=fold(full_name),
                    sex=sex,
                    position=position,
                    rank=rank,
                    term_start=term_start,
                    term_end=datetime.date(self.year + 2, 5, 31),
                    is_party_member=rank == 1 and has_party,
                    volunteered=rank == 3 and rng.random() < 0.4,
                )

    def person_name(self, sex: str) -> str:
        rng = self.rng
        if sex == "M":
            return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_M)} {rng.choice(GIVEN_M)}"
        return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_F)} {rng.choice(GIVEN_F)}"

    # --- people -----------------------------------------------------------------------

    def make_people(self) -> None:
        rng, tier = self.rng, self.tier
        count = tier.people
        union_of = rng.choices(range(len(self.unions)), weights=self.union_weights, k=count)
        educations = _weighted(rng, EDUCATION, count)
        ethnicities = _weighted(rng, ETHNICITY, count)
        religions = _weighted(rng, RELIGION, count)
        self.people = []  # per person: (union index, full name, residence commune, in district, sex, born)
        fold_cached = lru_cache(maxsize=None)(fold)
        matches = lru_cache(maxsize=None)(
            lambda text, fed_index: district_matches(text, self.federations[fed_index][1])
        )
        all_districts = self.districts
        base = datetime.date(self.year, 1, 1)
        for number in range(1, count + 1):
            union_index = union_of[number - 1]
            union_id, fed_index, _, _, _, _ = self.unions[union_index]
            federation_id, _, (_, district, province, communes) = self.federations[fed_index]
            sex = "F" if rng.random() < 0.55 else "M"
            full_name = self.person_name(sex)
            if rng.random() < 0.5:
                residence_district, residence_province = district, province
                residence_commune = rng.choice(communes)[1]
            else:
                _, residence_district, residence_province, other_communes = rng.choice(all_districts)
                residence_commune = rng.choice(other_communes)[1]
                if residence_district == district:
                    residence_district, residence_province, residence_commune = rng.choice(OUTSIDE)
            born = base - datetime.timedelta(days=rng.randint(19 * 365, 52 * 365))
            joined = max(
                born + datetime.timedelta(days=18 * 366), base - datetime.timedelta(days=rng.randint(400, 3650))
            )
            lives_in = matches(residence_district, fed_index)
            self.add(
                Person,
                federation_id=federation_id,
                union_id=union_id,
                full_name=full_name,
                name_folded=fold_cached(full_name),
                search_folded=fold_cached(f"{full_name} {residence_commune} {residence_district}"),
                sex=sex,
                date_of_birth=born,
                ethnicity=ethnicities[number - 1],
                religion=religions[number - 1],
                citizen_id=f"099{number:09d}",
                education=educations[number - 1],
                profession="",
                job_title=rng.choice(JOBS),
                is_direct_production=rng.random() < 0.8,
                union_joined_on=joined,
                phone=f"09{rng.randint(0, 99_999_999):08d}",
                residence_province=residence_province,
                residence_district=residence_district,
                residence_commune=residence_commune,
                current_address="",
                lives_in_district=lives_in,
                is_party_member=False,
                discipline_until=None,
                note="",
                legal_basis="consent",
            )
            self.people.append((union_index, full_name, residence_commune, lives_in))

    # --- nominations, history, classes ------------------------------------------------

    def make_nominations(self) -> None:
        rng, tier = self.rng, self.tier
        years = list(range(self.year - 4, self.year + 1))
        shares = [0.12, 0.16, 0.2, 0.24, 0.28]
        counts = [int(tier.nominations * s) for s in shares]
        counts[-1] += tier.nominations - sum(counts)
        chosen = rng.sample(range(len(self.people)), k=min(tier.nominations, len(self.people)))
        cursor = 0
        ended: list[tuple[int, int]] = []  # (person index, year) whose nomination ended: may be nominated again
        fold_cached = lru_cache(maxsize=None)(fold)
        enrolments: dict[tuple[int, int], list] = {}  # (federation index, year) -> [(nomination id, stage path)]
        policy_of = {}
        for index, (federation_id, _, _) in enumerate(self.federations, start=1):
            policy_of[federation_id] = index
        self.policy_of = policy_of
        for year, count in zip(years, counts, strict=True):
            age = self.year - year
            mix = STATUS_MIX.get(age, STATUS_MIX_OLD)
            statuses = _weighted(rng, mix, count)
            for status in statuses:
                if ended and rng.random() < 0.08 and ended[0][1] < year:
                    person_index = ended.pop(0)[0]
                else:
                    person_index = chosen[cursor % len(chosen)]
                    cursor += 1
                self.make_nomination(person_index, year, status, fold_cached, enrolments)
                if status in ("rejected", "withdrawn", "not_completed"):
                    ended.append((person_index, year))
        self.make_classes(enrolments)

    def make_nomination(self, person_index, year, status, fold_cached, enrolments) -> None:
        rng = self.rng
        union_index, full_name, residence_commune, lives_in = self.people[person_index]
        union_id, fed_index, enterprise_id, commune_id, code, union_name = self.unions[union_index]
        federation_id = self.federations[fed_index][0]
        path = _path_to(status, rng)
        stage = max(STAGE.get(s, 0) for s in path)
        nominated_on = datetime.date(year, 1, 5) + datetime.timedelta(days=rng.randint(0, 75))
        if year == self.year:
            nominated_on = min(nominated_on, self.today)
        warnings = []
        if rng.random() < 0.04:
            message = f"{full_name}: trình độ học vấn dưới tốt nghiệp THCS."
            warnings = [{"code": "education", "level": "warning", "message": message, "legal_basis": "232-QĐ/TW"}]
        nomination_id = self.add(
            Nomination,
            person_id=person_index + 1,
            union_id=union_id,
            federation_id=federation_id,
            year=year,
            status=status,
            stage=stage,
            nominated_on=nominated_on,
            voluntary_application=True,
            chair_assessment="Lập trường tư tưởng vững vàng, gương mẫu trong lao động sản xuất.",
            qualities_confirmed=True,
            warnings=warnings,
            warnings_accepted=bool(warnings) and status != "nominated",
            in_district=lives_in,
            search_folded=fold_cached(f"{full_name} {residence_commune} {code} {union_name}"),
            sort_name=full_name,
            source_import_id=None,
            created_by_id=None,
            version=len(path),
        )
        # The dated history: one event per step, the dates moving forward through the year.
        on = nominated_on
        previous = ""
        for step in path:
            if step != "nominated":
                gap = {"approved": 20, "enrolled": 25, "completed": 40, "introduced": 45, "admitted": 90}
                on = on + datetime.timedelta(days=gap.get(step, 30) + rng.randint(0, 20))
                if step == "official":
                    on = on + datetime.timedelta(days=365)
                on = min(on, self.today)
            reason = ""
            if step in ("rejected", "withdrawn", "not_completed"):
                reason = {"rejected": "Chưa đủ 12 tháng sinh hoạt công đoàn.", "withdrawn": "Chuyển công tác."}.get(
                    step, "Vắng quá số buổi quy định."
                )
            self.add(
                NominationEvent,
                nomination_id=nomination_id,
                from_status=previous,
                to_status=step,
                happened_on=on,
                recorded_at=datetime.datetime.combine(on, datetime.time(9, 0), tzinfo=datetime.UTC),
                recorded_by_id=None,
                reason=reason,
                is_correction=False,
                details={},
            )
            previous = step
            if step == "introduced":
                receiving = self.enterprise_party_org.get(enterprise_id) or self.party_orgs[federation_id][commune_id]
                present = rng.randint(3, 5)
                self.add(
                    Introduction,
                    nomination_id=nomination_id,
                    resolution_number=f"{rng.randint(1, 99)}/NQ-CĐCS",
                    resolution_date=on,
                    meeting_date=on,
                    committee_total=5,
                    committee_present=present,
                    votes_for=present,
                    votes_against=0,
                    receiving_organization_id=receiving,
                    co_introducer_name=self.person_name("M"),
                    co_introducer_worked_since=datetime.date(year - 3, 3, 1),
                    residence_comment_requested=not lives_in,
                )
        if "enrolled" in path:
            enrolments.setdefault((fed_index, year), []).append((nomination_id, path))

    def make_classes(self, enrolments) -> None:
        rng = self.rng
        certificate = 0
        for (fed_index, year), learners in sorted(enrolments.items()):
            federation_id = self.federations[fed_index][0]
            policy_id = self.policy_of[federation_id]
            for number, start in enumerate(range(0, len(learners), CLASS_CAPACITY), start=1):
                group = learners[start : start + CLASS_CAPACITY]
                opens = datetime.date(year, 3, 20) + datetime.timedelta(days=14 * (number - 1) % 240)
                closes = opens + datetime.timedelta(days=10)
                finished = closes < self.today
                class_id = self.add(
                    TrainingClass,
                    federation_id=federation_id,
                    name=f"Lớp bồi dưỡng nhận thức về Đảng khóa {number} năm {year}",
                    year=year,
                    opens_on=opens,
                    closes_on=closes,
                    venue="Trung tâm Chính trị huyện",
                    capacity=CLASS_CAPACITY,
                    status="finished" if finished else "running",
                    note="",
                )
                sessions = []
                for day in range(SESSIONS_PER_CLASS):
                    sessions.append(
                        self.add(
                            ClassSession,
                            training_class_id=class_id,
                            date=opens + datetime.timedelta(days=day * 3),
                            topic=f"Chuyên đề {day + 1}",
                            lecturer="Giảng viên Trung tâm Chính trị",
                        )
                    )
                for nomination_id, path in group:
                    if "completed" in path:
                        certificate += 1
                        result, number_text, issued = "passed", f"CN-{year}-{certificate:07d}", closes
                    elif "not_completed" in path:
                        result, number_text, issued = rng.choice(["failed", "absent", "left"]), "", None
                    else:
                        result, number_text, issued = "pending", "", None
                    enrollment_id = self.add(
                        Enrollment,
                        training_class_id=class_id,
                        nomination_id=nomination_id,
                        enrolled_on=opens - datetime.timedelta(days=5),
                        enrolled_by_id=None,
                        result=result,
                        certificate_number=number_text,
                        certificate_date=issued,
                        result_note="",
                        result_recorded_at=None,
                    )
                    for session_id in sessions:
                        present = rng.random() < 0.92
                        self.add(
                            Attendance,
                            enrollment_id=enrollment_id,
                            session_id=session_id,
                            present=present,
                            absence_reason="" if present else "Ốm",
                            recorded_by_id=None,
                        )
                    paid = finished and result == "passed"
                    self.add(
                        StipendPayment,
                        enrollment_id=enrollment_id,
                        policy_id=policy_id,
                        amount=STIPEND,
                        status="paid" if paid else "committed",
                        committed_on=opens,
                        paid_on=closes if paid else None,
                        voucher_number=f"PC-{enrollment_id:07d}" if paid else "",
                        paid_by_id=None,
                        recorded_by_id=None,
                        cancel_reason="",
                    )
                    self.add(
                        LearnerSupport,
                        enrollment_id=enrollment_id,
                        kind="shirt",
                        given_on=opens,
                        note="",
                        recorded_by_id=None,
                    )

    # --- quotas, targets, users -------------------------------------------------------

    def make_quotas_and_users(self) -> None:
        rng = self.rng
        for union_id, _, _, _, _, _ in self.unions:
            for year in range(self.year - 4, self.year + 1):
                self.add(UnionQuota, union_id=union_id, year=year, introduce=rng.choice((0, 1, 1, 1, 2, 2, 3)))
        for federation_id in [f[0] for f in self.federations] + [f for f, _ in self.provincial.values()]:
            for year in range(self.year - 4, self.year + 1):
                self.add(
                    FederationTarget,
                    federation_id=federation_id,
                    year=year,
                    classes=2,
                    learners=100,
                    party_cells=2,
                )
        self.make_users()

    def make_users(self) -> None:
        User = get_user_model()
        password = make_password(BENCH_PASSWORD)
        first_union = {}
        for union_id, fed_index, *_ in self.unions:
            first_union.setdefault(fed_index, union_id)
        users = [("bench.admin", None, None, True)]
        for fed_index, (federation_id, _, _) in enumerate(self.federations):
            users.append((f"bench.staff.{fed_index + 1}", Role.STAFF, federation_id, False))
            users.append((f"bench.lead.{fed_index + 1}", Role.LEADERSHIP, federation_id, False))
            if fed_index in first_union:
                users.append((f"bench.chair.{fed_index + 1}", Role.CHAIR, federation_id, False))
        # Staff of the levels above: each province's federation, and the top of the tree.
        for index, (federation_id, _committee) in enumerate(self.provincial.values()):
            users.append((f"bench.staff.p{index + 1}", Role.STAFF, federation_id, False))
        users.append(("bench.staff.top", Role.STAFF, self.top, False))
        for username, role, federation_id, is_superuser in users:
            user_id = self.add(
                User,
                password=password,
                last_login=None,
                is_superuser=is_superuser,
                username=username,
                first_name="",
                last_name="Đo hiệu năng",
                email="",
                is_staff=is_superuser,
                is_active=True,
                date_joined=self.now,
            )
            if role:
                union_id = None
                if role == Role.CHAIR:
                    union_id = first_union[[f[0] for f in self.federations].index(federation_id)]
                self.add(
                    UserProfile,
                    user_id=user_id,
                    role=role,
                    federation_id=federation_id,
                    union_id=union_id,
                    party_organization_id=None,
                    phone="",
                )


def generate(tier_name: str, seed: int = 2022, log=print) -> dict[str, int]:
    return Generator(TIERS[tier_name], seed=seed, log=log).run()
