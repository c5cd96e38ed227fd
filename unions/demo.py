"""The organisation part of the demo scenario (SPEC §5): the 2022 pilot in Tiên Lãng.

Places and the three pilot enterprises come from the source article; every other
enterprise, every person and every number that identifies someone is invented.
Each function is idempotent: rows are found by a natural key and created once.
"""

from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model

from . import reorganisations
from .models import (
    AdministrativeUnit,
    CommitteeMember,
    Enterprise,
    Federation,
    GrassrootsUnion,
    PartyOrganization,
    Reorganisation,
    Role,
    Sex,
    UserProfile,
    WorkforceFigure,
)

DEMO_PASSWORD = "TienLang@2022"

TIEN_LANG_COMMUNES = [
    ("Thị trấn Tiên Lãng", "Đảng ủy thị trấn Tiên Lãng"),
    ("Xã Bạch Đằng", None),
    ("Xã Bắc Hưng", None),
    ("Xã Cấp Tiến", None),
    ("Xã Đại Thắng", None),
    ("Xã Đoàn Lập", None),
    ("Xã Đông Hưng", None),
    ("Xã Hùng Thắng", None),
    ("Xã Khởi Nghĩa", None),
    ("Xã Kiến Thiết", None),
    ("Xã Nam Hưng", None),
    ("Xã Quang Phục", None),
    ("Xã Quyết Tiến", None),
    ("Xã Tây Hưng", None),
    ("Xã Tiên Cường", None),
    ("Xã Tiên Minh", None),
    ("Xã Tiên Thắng", None),
    ("Xã Tiên Thanh", None),
    ("Xã Toàn Thắng", None),
    ("Xã Tự Cường", None),
    ("Xã Vinh Quang", None),
]

# Other districts where many workers live (people from elsewhere are introduced there).
OTHER_AREAS = {
    ("Thành phố Hải Phòng", "Huyện Vĩnh Bảo"): ["Xã Tân Hưng", "Xã Hiệp Hòa", "Xã Cao Minh"],
    ("Thành phố Hải Phòng", "Huyện An Lão"): ["Xã An Thắng", "Xã Trường Thọ"],
    ("Thành phố Hải Phòng", "Huyện Kiến Thụy"): ["Xã Tú Sơn", "Xã Đại Hợp"],
    ("Tỉnh Thái Bình", "Huyện Quỳnh Phụ"): ["Xã Quỳnh Hoa", "Xã An Ninh"],
}

PILOTS = [
    {
        "code": "CD-SUNVIGO",
        "name": "Công ty Cổ phần đồ chơi thông minh SunVigo Việt Nam",
        "ownership": Enterprise.Ownership.FOREIGN,
        "industry": "Sản xuất đồ chơi thông minh xuất khẩu sang châu Âu",
        "commune": "Xã Tiên Cường",
        "workers": 1500,
        "members": 1380,
        "chair": ("chutich.sunvigo", "Vũ Thị", "Hạnh Dung"),
    },
    {
        "code": "CD-PHUCTHUAN",
        "name": "Công ty TNHH Phúc Thuận",
        "ownership": Enterprise.Ownership.LIMITED,
        "industry": "Sản xuất da giày xuất khẩu",
        "commune": "Xã Đoàn Lập",
        "workers": 800,
        "members": 742,
        "chair": ("chutich.phucthuan", "Lương Văn", "Tường Vi"),
    },
    {
        "code": "CD-M2",
        "name": "Công ty Cổ phần M2 Factory Việt Nam",
        "ownership": Enterprise.Ownership.JOINT_STOCK,
        "industry": "May mặc thời trang",
        "commune": "Xã Cấp Tiến",
        "workers": 80,
        "members": 76,
        "chair": ("chutich.m2", "Đinh Thị", "Ngọc Lan"),
    },
]

# Invented enterprise names: a trading name built from these parts.
NAME_PARTS_A = ["Hưng", "Thịnh", "Phát", "An", "Minh", "Tân", "Đại", "Hoàng", "Bảo", "Thành", "Việt", "Hòa"]
NAME_PARTS_B = ["Long", "Phú", "Gia", "Khang", "Lộc", "Tiến", "Quang", "Đức", "Nam", "Sơn", "Hải", "Vũ"]
INDUSTRIES = [
    ("May mặc", "May"),
    ("Da giày", "Giày da"),
    ("Chế biến thủy sản", "Thủy sản"),
    ("Cơ khí", "Cơ khí"),
    ("Vật liệu xây dựng", "Vật liệu"),
    ("Chế biến gỗ", "Gỗ"),
    ("Điện tử", "Điện tử"),
    ("Thực phẩm", "Thực phẩm"),
    ("Xây dựng", "Xây dựng"),
    ("Vận tải", "Vận tải"),
    ("Nông nghiệp công nghệ cao", "Nông nghiệp"),
]
OWNERSHIP_WEIGHTS = [
    (Enterprise.Ownership.LIMITED, 45),
    (Enterprise.Ownership.JOINT_STOCK, 25),
    (Enterprise.Ownership.PRIVATE, 12),
    (Enterprise.Ownership.FOREIGN, 8),
    (Enterprise.Ownership.JOINT_VENTURE, 3),
    (Enterprise.Ownership.COOPERATIVE, 7),
]
OWNERSHIP_PREFIX = {
    Enterprise.Ownership.LIMITED: "Công ty TNHH",
    Enterprise.Ownership.JOINT_STOCK: "Công ty Cổ phần",
    Enterprise.Ownership.PRIVATE: "Doanh nghiệp tư nhân",
    Enterprise.Ownership.FOREIGN: "Công ty TNHH",
    Enterprise.Ownership.JOINT_VENTURE: "Công ty Liên doanh",
    Enterprise.Ownership.COOPERATIVE: "Hợp tác xã",
    Enterprise.Ownership.PARTNERSHIP: "Công ty Hợp danh",
}

ENTERPRISE_COUNT = 104
UNION_COUNT = 34
WITH_PARTY_COUNT = 6


def _lower_first(name: str) -> str:
    """Commune names inside an address: "Xã Tiên Cường" becomes "xã Tiên Cường"."""
    return name[:1].lower() + name[1:]


def _area(name, level, parent=None):
    area, _ = AdministrativeUnit.objects.get_or_create(name=name, level=level, parent=parent)
    return area


def seed_areas() -> dict[str, AdministrativeUnit]:
    L = AdministrativeUnit.Level
    provinces = {}
    districts = {}
    for (province, district), communes in OTHER_AREAS.items():
        provinces.setdefault(province, _area(province, L.PROVINCE))
        districts[district] = _area(district, L.DISTRICT, provinces[province])
        for commune in communes:
            _area(commune, L.COMMUNE, districts[district])
    tien_lang = _area("Huyện Tiên Lãng", L.DISTRICT, provinces["Thành phố Hải Phòng"])
    communes = {name: _area(name, L.COMMUNE, tien_lang) for name, _ in TIEN_LANG_COMMUNES}
    return {"city": provinces["Thành phố Hải Phòng"], "district": tien_lang, **communes}


def seed_federations(areas) -> Federation:
    city, _ = Federation.objects.get_or_create(
        name="Liên đoàn Lao động thành phố Hải Phòng",
        defaults={
            "short_name": "LĐLĐ thành phố Hải Phòng",
            "area": areas["city"],
            "place_name": "Hải Phòng",
            "document_code": "LĐLĐ",
            "signer_title": "CHỦ TỊCH",
        },
    )
    district, _ = Federation.objects.get_or_create(
        name="Liên đoàn Lao động huyện Tiên Lãng",
        defaults={
            "short_name": "LĐLĐ huyện Tiên Lãng",
            "parent": city,
            "area": areas["district"],
            "place_name": "Tiên Lãng",
            "document_code": "LĐLĐ",
            "signer_name": "Trần Văn Khải",
            "signer_title": "CHỦ TỊCH",
        },
    )
    return district


def seed_party_organizations(areas) -> dict[str, PartyOrganization]:
    K = PartyOrganization.Kind
    city_committee, _ = PartyOrganization.objects.get_or_create(
        name="Thành ủy Hải Phòng", defaults={"kind": K.PROVINCIAL_COMMITTEE, "area": areas["city"]}
    )
    district_committee, _ = PartyOrganization.objects.get_or_create(
        name="Huyện ủy Tiên Lãng",
        defaults={"kind": K.DISTRICT_COMMITTEE, "parent": city_committee, "area": areas["district"]},
    )
    PartyOrganization.objects.get_or_create(
        name="Ban Tổ chức Huyện ủy Tiên Lãng",
        defaults={"kind": K.DISTRICT_BOARD, "parent": district_committee, "area": areas["district"]},
    )
    orgs = {"district": district_committee}
    for commune, committee_name in TIEN_LANG_COMMUNES:
        name = committee_name or f"Đảng ủy {commune[0].lower()}{commune[1:]}"
        orgs[commune], _ = PartyOrganization.objects.get_or_create(
            name=name, defaults={"kind": K.COMMUNE_COMMITTEE, "parent": district_committee, "area": areas[commune]}
        )
    return orgs


def _tax_code(index: int) -> str:
    # Invented 10-digit codes in Hải Phòng's "02" range; never a real registration.
    return f"02099{index:05d}"


def seed_enterprises(federation, areas, party_orgs) -> list[GrassrootsUnion]:
    rng = random.Random(2022)
    commune_names = [name for name, _ in TIEN_LANG_COMMUNES]
    unions = []
    for index, pilot in enumerate(PILOTS, start=1):
        enterprise, _ = Enterprise.objects.get_or_create(
            tax_code=_tax_code(index),
            defaults={
                "federation": federation,
                "name": pilot["name"],
                "ownership": pilot["ownership"],
                "industry": pilot["industry"],
                "commune": areas[pilot["commune"]],
                "address": f"Khu công nghiệp, {_lower_first(pilot['commune'])}, huyện Tiên Lãng",
                "workers": pilot["workers"],
                "is_pilot": True,
            },
        )
        union, _ = GrassrootsUnion.objects.get_or_create(
            code=pilot["code"],
            defaults={
                "federation": federation,
                "enterprise": enterprise,
                "name": f"Công đoàn {pilot['name']}",
                "members": pilot["members"],
                "founded_on": datetime.date(2016 + index, 3, 1),
            },
        )
        unions.append(union)

    ownership_choices = [o for o, _ in OWNERSHIP_WEIGHTS]
    ownership_weights = [w for _, w in OWNERSHIP_WEIGHTS]
    for index in range(len(PILOTS) + 1, ENTERPRISE_COUNT + 1):
        ownership = rng.choices(ownership_choices, ownership_weights)[0]
        industry, short = rng.choice(INDUSTRIES)
        trade = f"{NAME_PARTS_A[index % len(NAME_PARTS_A)]} {NAME_PARTS_B[(index * 7) % len(NAME_PARTS_B)]}"
        name = f"{OWNERSHIP_PREFIX[ownership]} {short} {trade} {index:03d}"
        commune = commune_names[rng.randrange(len(commune_names))]
        workers = rng.choice([12, 25, 40, 60, 90, 120, 180, 250, 320, 450])
        has_union = index <= UNION_COUNT
        has_party = has_union and index > UNION_COUNT - WITH_PARTY_COUNT
        enterprise, created = Enterprise.objects.get_or_create(
            tax_code=_tax_code(index),
            defaults={
                "federation": federation,
                "name": name,
                "ownership": ownership,
                "industry": industry,
                "commune": areas[commune],
                "address": f"Thôn {rng.randint(1, 9)}, {_lower_first(commune)}, huyện Tiên Lãng",
                "workers": workers,
                "party_org_since": datetime.date(2005 + index % 15, 1 + index % 12, 1) if has_party else None,
            },
        )
        if has_party:
            PartyOrganization.objects.get_or_create(
                name=f"Chi bộ {enterprise.name}",
                defaults={
                    "kind": PartyOrganization.Kind.ENTERPRISE_CELL,
                    "parent": party_orgs[commune],
                    "area": enterprise.commune,
                    "enterprise": enterprise,
                    "established_on": enterprise.party_org_since,
                },
            )
        if has_union:
            union, _ = GrassrootsUnion.objects.get_or_create(
                code=f"CD-{index:03d}",
                defaults={
                    "federation": federation,
                    "enterprise": enterprise,
                    "name": f"Công đoàn {enterprise.name}",
                    "members": int(enterprise.workers * 0.9),
                    "founded_on": datetime.date(2010 + index % 12, 1 + index % 12, 15),
                },
            )
            unions.append(union)
    return unions


def seed_users(federation, party_orgs) -> None:
    User = get_user_model()
    pilot_unions = {u.code: u for u in GrassrootsUnion.objects.filter(code__in=[p["code"] for p in PILOTS])}
    city = federation.parent
    city_committee = party_orgs["district"].parent
    accounts = [
        ("canbo", "Nguyễn Thị", "Thu Trang", Role.STAFF, None, None, federation),
        ("lanhdao", "Trần Văn", "Khải", Role.LEADERSHIP, None, None, federation),
        ("huyenuy", "Phạm Quốc", "Bảo", Role.PARTY_VIEWER, None, party_orgs["district"], federation),
        # The city level: its federation sees every federation below it, its Party committee's
        # reader what was addressed to any organisation below it.
        ("canbo.thanhpho", "Lê Thị", "Hồng Nhung", Role.STAFF, None, None, city),
        ("lanhdao.thanhpho", "Vũ Đức", "Thành", Role.LEADERSHIP, None, None, city),
        ("thanhuy", "Đỗ Minh", "Châu", Role.PARTY_VIEWER, None, city_committee, city),
    ] + [
        (p["chair"][0], p["chair"][1], p["chair"][2], Role.CHAIR, pilot_unions[p["code"]], None, federation)
        for p in PILOTS
    ]
    for username, last_name, first_name, role, union, party_org, home in accounts:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first_name, "last_name": last_name}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        UserProfile.objects.get_or_create(
            user=user,
            defaults={"role": role, "federation": home, "union": union, "party_organization": party_org},
        )
    admin, created = User.objects.get_or_create(
        username="admin", defaults={"is_staff": True, "is_superuser": True, "first_name": "Quản trị"}
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save(update_fields=["password"])


# ---------------------------------------------------------------------------------------
# Executive committees of the three pilots (SPEC §5)
# ---------------------------------------------------------------------------------------

# Invented names, assembled from common Vietnamese name parts.
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Dương", "Lý", "Mai", "Trịnh"]
MIDDLE = {Sex.FEMALE: ["Thị", "Thị Thu", "Thị Minh", "Thị Thanh", "Ngọc"], Sex.MALE: ["Văn", "Đức", "Quang", "Hữu"]}
GIVEN = {
    Sex.FEMALE: ["Hoa", "Lan", "Hương", "Linh", "Thảo", "Trang", "Yến", "Nhung", "Phương", "Hằng", "Loan", "Vân"],
    Sex.MALE: ["Hùng", "Dũng", "Tuấn", "Long", "Nam", "Thắng", "Cường", "Hải", "Sơn", "Trung", "Tài", "Bình"],
}

COMMITTEE_TERM = (datetime.date(2020, 7, 1), datetime.date(2025, 6, 30))

# The article: the Phúc Thuận chair and two vice-chairs (SunVigo, M2) volunteered for the
# class with other committee members, 8 of the 17 in all; the chairs of SunVigo and M2 are
# already Party members (which is why their vice-chairs went instead).
# Each entry: (position, is_party_member, volunteered); the first is the chair account's person.
P = CommitteeMember.Position
COMMITTEES = {
    "CD-SUNVIGO": {
        "chair_sex": Sex.FEMALE,
        "members": [
            (P.CHAIR, True, False),
            (P.VICE_CHAIR, False, True),
            (P.VICE_CHAIR, False, False),
            (P.MEMBER, False, True),
            (P.MEMBER, False, True),
            (P.MEMBER, False, False),
            (P.MEMBER, False, False),
        ],
    },
    "CD-PHUCTHUAN": {
        "chair_sex": Sex.MALE,
        "members": [
            (P.CHAIR, False, True),
            (P.VICE_CHAIR, False, False),
            (P.MEMBER, False, True),
            (P.MEMBER, False, True),
            (P.MEMBER, False, False),
            (P.MEMBER, False, False),
        ],
    },
    "CD-M2": {
        "chair_sex": Sex.FEMALE,
        "members": [
            (P.CHAIR, True, False),
            (P.VICE_CHAIR, False, True),
            (P.MEMBER, False, True),
            (P.MEMBER, False, False),
        ],
    },
}


def _invented_name(rng: random.Random, sex: str) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}"


def seed_committees() -> list[CommitteeMember]:
    """17 committee members across the three pilot unions; found again by (union, name, term)."""
    term_start, term_end = COMMITTEE_TERM
    chairs = {p["code"]: f"{p['chair'][1]} {p['chair'][2]}" for p in PILOTS}
    created = []
    for code, plan in COMMITTEES.items():
        union = GrassrootsUnion.objects.get(code=code)
        rng = random.Random(f"committee-{code}")
        used = {chairs[code]}
        for index, (position, is_party_member, volunteered) in enumerate(plan["members"]):
            if index == 0:
                name, sex = chairs[code], plan["chair_sex"]
            else:
                sex = rng.choice([Sex.FEMALE, Sex.FEMALE, Sex.MALE])  # mostly women on the shop floor
                name = _invented_name(rng, sex)
                while name in used:
                    name = _invented_name(rng, sex)
                used.add(name)
            member, _ = CommitteeMember.objects.get_or_create(
                union=union,
                full_name=name,
                term_start=term_start,
                defaults={
                    "sex": sex,
                    "position": position,
                    "term_end": term_end,
                    "is_party_member": is_party_member,
                    "volunteered": volunteered,
                },
            )
            created.append(member)
    return created


# ---------------------------------------------------------------------------------------
# Yearly workforce figures (2021, 2022) of every enterprise with a union
# ---------------------------------------------------------------------------------------

PILOT_PARTY_MEMBERS = {"CD-SUNVIGO": 4, "CD-PHUCTHUAN": 2, "CD-M2": 1}


def seed_figures(unions: list[GrassrootsUnion]) -> None:
    for union in unions:
        enterprise = union.enterprise
        rng = random.Random(f"figures-{enterprise.tax_code}")
        if union.code in PILOT_PARTY_MEMBERS:
            party = PILOT_PARTY_MEMBERS[union.code]
        elif enterprise.has_party_organization:
            party = rng.randint(5, 15)
        else:
            party = rng.randint(0, 2)
        workers_2022 = enterprise.workers
        members_2022 = min(union.members, workers_2022)
        workers_2021 = round(workers_2022 * rng.uniform(0.88, 0.98))
        members_2021 = min(round(members_2022 * rng.uniform(0.88, 0.98)), workers_2021)
        figures = {
            2021: (workers_2021, members_2021, min(max(party - rng.randint(0, 1), 0), members_2021)),
            2022: (workers_2022, members_2022, min(party, members_2022)),
        }
        for year, (workers, members, party_members) in figures.items():
            WorkforceFigure.objects.get_or_create(
                enterprise=enterprise,
                year=year,
                defaults={"workers": workers, "union_members": members, "party_members": party_members},
            )


def seed() -> dict:
    areas = seed_areas()
    federation = seed_federations(areas)
    party_orgs = seed_party_organizations(areas)
    unions = seed_enterprises(federation, areas, party_orgs)
    seed_users(federation, party_orgs)
    seed_committees()
    seed_figures(unions)
    seed_other_district(federation.parent)
    seed_successors(federation.parent)
    return {"federation": federation, "areas": areas, "party_orgs": party_orgs, "unions": unions}


# ---------------------------------------------------------------------------------------
# The world since 2025 (SPEC §8): a second district, the reform of 01/07/2025
# ---------------------------------------------------------------------------------------

# Until 30/06/2025 the city federation had district federations below it: Tiên Lãng and this
# one (invented unions). On 01/07/2025 both ended; commune-level unions under the city federation
# took over their grassroots unions (SPEC §8). Names of the new bodies and groupings are invented.
REFORM_DAY = datetime.date(2025, 7, 1)
REFORM_BASIS = "Hướng dẫn 31-HD/BTCTW ngày 23/4/2025; sắp xếp đơn vị hành chính cấp xã năm 2025 (trình diễn)"
OTHER_DISTRICT = "Huyện Vĩnh Bảo"
OTHER_FEDERATION = "Liên đoàn Lao động huyện Vĩnh Bảo"
OTHER_UNIONS = [
    # code, enterprise, ownership, industry, commune, workers
    ("CD-VB-01", "Công ty TNHH May Hiệp Thành Vĩnh Bảo", Enterprise.Ownership.LIMITED, "May mặc", "Xã Tân Hưng", 420),
    (
        "CD-VB-02",
        "Công ty Cổ phần Gốm Cao Minh",
        Enterprise.Ownership.JOINT_STOCK,
        "Vật liệu xây dựng",
        "Xã Cao Minh",
        160,
    ),
    ("CD-VB-03", "Hợp tác xã Nông sản sạch Hiệp Hòa", Enterprise.Ownership.COOPERATIVE, "Thực phẩm", "Xã Hiệp Hòa", 45),
]
# The commune-level unions after the reform, and the old communes each took over.
SUCCESSORS = {
    "Công đoàn xã Tiên Lãng": [
        "Thị trấn Tiên Lãng",
        "Xã Tiên Cường",
        "Xã Cấp Tiến",
        "Xã Tự Cường",
        "Xã Tiên Thanh",
        "Xã Quyết Tiến",
        "Xã Khởi Nghĩa",
    ],
    "Công đoàn xã Tiên Minh": [
        "Xã Tiên Minh",
        "Xã Đoàn Lập",
        "Xã Bắc Hưng",
        "Xã Đông Hưng",
        "Xã Tây Hưng",
        "Xã Nam Hưng",
        "Xã Bạch Đằng",
    ],
    "Công đoàn xã Hùng Thắng": [
        "Xã Hùng Thắng",
        "Xã Vinh Quang",
        "Xã Toàn Thắng",
        "Xã Tiên Thắng",
        "Xã Đại Thắng",
        "Xã Kiến Thiết",
        "Xã Quang Phục",
    ],
    "Công đoàn xã Vĩnh Bảo": ["Xã Tân Hưng", "Xã Cao Minh", "Xã Hiệp Hòa"],
}


def seed_other_district(city: Federation) -> list[GrassrootsUnion]:
    """The second district federation below the city until 30/06/2025, with a few invented unions."""
    area = AdministrativeUnit.objects.get(name=OTHER_DISTRICT, level=AdministrativeUnit.Level.DISTRICT)
    federation, _ = Federation.objects.get_or_create(
        name=OTHER_FEDERATION,
        defaults={
            "short_name": "LĐLĐ huyện Vĩnh Bảo",
            "parent": city,
            "area": area,
            "place_name": "Vĩnh Bảo",
            "document_code": "LĐLĐ",
            "signer_title": "CHỦ TỊCH",
        },
    )
    unions = []
    for index, (code, name, ownership, industry, commune, workers) in enumerate(OTHER_UNIONS, start=1):
        enterprise, _ = Enterprise.objects.get_or_create(
            tax_code=f"02098{index:05d}",  # invented, like the others
            defaults={
                "federation": federation,
                "name": name,
                "ownership": ownership,
                "industry": industry,
                "commune": AdministrativeUnit.objects.get(name=commune, parent=area),
                "address": f"Thôn {index + 2}, {_lower_first(commune)}, huyện Vĩnh Bảo",
                "workers": workers,
            },
        )
        union, _ = GrassrootsUnion.objects.get_or_create(
            code=code,
            defaults={
                "federation": federation,
                "enterprise": enterprise,
                "name": f"Công đoàn {name}",
                "members": int(workers * 0.9),
                "founded_on": datetime.date(2015 + index, 5, 1),
            },
        )
        unions.append(union)
    return unions


def seed_successors(city: Federation) -> dict[str, Federation]:
    """The commune-level unions under the city federation that exist from 01/07/2025."""
    province = city.area
    successors = {}
    for name in SUCCESSORS:
        commune = name.removeprefix("Công đoàn ")
        area = _area(commune[:1].upper() + commune[1:], AdministrativeUnit.Level.COMMUNE, province)
        successors[name], _ = Federation.objects.get_or_create(
            name=name,
            defaults={
                "short_name": name.replace("Công đoàn", "CĐ"),
                "parent": city,
                "area": area,
                "place_name": commune.removeprefix("xã ").strip(),
                "document_code": "CĐ",
                "signer_title": "CHỦ TỊCH",
            },
        )
    return successors


def _reform(source: Federation, user) -> Reorganisation:
    """Record and apply one district's reform, each union mapped by its enterprise's old commune."""
    targets = {name: Federation.objects.get(name=name) for name in SUCCESSORS}
    taking = {commune: targets[name] for name, communes in SUCCESSORS.items() for commune in communes}
    used = sorted({taking[e.commune.name] for e in source.enterprises.select_related("commune")}, key=str)
    reorganisation = reorganisations.create(
        user, source=source, effective_on=REFORM_DAY, targets=used, legal_basis=REFORM_BASIS
    )
    mapping = {}
    for item in reorganisation.items.select_related("union__enterprise__commune", "enterprise__commune"):
        enterprise = item.union.enterprise if item.union_id else item.enterprise
        mapping[item.pk] = taking[enterprise.commune.name].pk
    reorganisations.set_mapping(reorganisation, mapping, reorganisation.version)
    return reorganisations.apply(reorganisation, user)


def seed_reform(context: dict | None = None) -> None:
    """The reform of 01/07/2025 as applied operations, recorded by the city federation's staff.

    Run after the 2022 story and the second district's nominations: nominations keep the district
    federation of their date. `canbo` and `lanhdao` stay the Tiên Lãng federation's users: they keep
    its history (2022 as it was) and see the unions it handed over under the new commune-level unions.
    """
    city = Federation.objects.get(name="Liên đoàn Lao động thành phố Hải Phòng")
    user = get_user_model().objects.get(username="canbo.thanhpho")
    for name in ("Liên đoàn Lao động huyện Tiên Lãng", OTHER_FEDERATION):
        source = Federation.objects.get(name=name)
        if source.is_active:
            _reform(source, user)
    # The district Party committee ended too: its lower organisations went to the city committee.
    district_committee = PartyOrganization.objects.get(name="Huyện ủy Tiên Lãng")
    if district_committee.is_active:
        city_committee = PartyOrganization.objects.get(name="Thành ủy Hải Phòng")
        reorganisation = reorganisations.create(
            user,
            source=district_committee,
            effective_on=REFORM_DAY,
            targets=[city_committee],
            legal_basis=REFORM_BASIS,
            recorded_for=city,
        )
        reorganisations.apply(reorganisation, user)
