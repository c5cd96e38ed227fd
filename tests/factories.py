"""Plain factory functions for tests: invented data only."""

from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model

from unions.models import AdministrativeUnit, Enterprise, Federation, GrassrootsUnion, PartyOrganization, UserProfile

_seq = itertools.count(1)
PASSWORD = "Mat-khau-thu-nghiem-2022"


def make_area(**kwargs) -> AdministrativeUnit:
    n = next(_seq)
    if "parent" not in kwargs and kwargs.get("level", "commune") == "commune":
        province = AdministrativeUnit.objects.get_or_create(name="Tỉnh Thử Nghiệm", level="province")[0]
        kwargs["parent"] = AdministrativeUnit.objects.get_or_create(
            name="Huyện Thử Nghiệm", level="district", parent=province
        )[0]
    kwargs.setdefault("name", f"Xã Thử Nghiệm {n}")
    kwargs.setdefault("level", AdministrativeUnit.Level.COMMUNE)
    return AdministrativeUnit.objects.create(**kwargs)


def make_federation(**kwargs) -> Federation:
    if "area" not in kwargs:
        city = AdministrativeUnit.objects.get_or_create(name="Thành phố Hải Phòng", level="province")[0]
        kwargs["area"] = AdministrativeUnit.objects.get_or_create(
            name="Huyện Tiên Lãng", level="district", parent=city
        )[0]
    kwargs.setdefault("name", f"Liên đoàn Lao động huyện Thử Nghiệm {next(_seq)}")
    kwargs.setdefault("place_name", "Thử Nghiệm")
    return Federation.objects.create(**kwargs)


def make_enterprise(**kwargs) -> Enterprise:
    n = next(_seq)
    if "federation" not in kwargs:
        kwargs["federation"] = make_federation()
    if "commune" not in kwargs:
        kwargs["commune"] = make_area()
    kwargs.setdefault("name", f"Công ty TNHH Thử Nghiệm {n}")
    kwargs.setdefault("tax_code", f"09{n:08d}")
    kwargs.setdefault("ownership", Enterprise.Ownership.LIMITED)
    kwargs.setdefault("workers", 100)
    return Enterprise.objects.create(**kwargs)


def make_union(**kwargs) -> GrassrootsUnion:
    n = next(_seq)
    if "enterprise" not in kwargs:
        enterprise_kwargs = {"federation": kwargs["federation"]} if "federation" in kwargs else {}
        kwargs["enterprise"] = make_enterprise(**enterprise_kwargs)
    kwargs.setdefault("federation", kwargs["enterprise"].federation)
    kwargs.setdefault("code", f"CD-T{n:04d}")
    kwargs.setdefault("name", f"Công đoàn {kwargs['enterprise'].name}")
    kwargs.setdefault("members", 80)
    return GrassrootsUnion.objects.create(**kwargs)


def make_party_organization(**kwargs) -> PartyOrganization:
    kwargs.setdefault("name", f"Đảng ủy xã Thử Nghiệm {next(_seq)}")
    kwargs.setdefault("kind", PartyOrganization.Kind.COMMUNE_COMMITTEE)
    return PartyOrganization.objects.create(**kwargs)


def make_user(role: str | None = None, federation=None, union=None, party_organization=None, **kwargs):
    User = get_user_model()
    n = next(_seq)
    kwargs.setdefault("username", f"user{n}")
    password = kwargs.pop("password", PASSWORD)
    user = User.objects.create_user(password=password, **kwargs)
    if role:
        if federation is None:
            federation = union.federation if union else make_federation()
        UserProfile.objects.create(
            user=user, role=role, federation=federation, union=union, party_organization=party_organization
        )
    return user


# --- people and nominations -------------------------------------------------------------

_citizen = itertools.count(1)


def person_data(**kwargs) -> dict:
    """Person fields as a nomination form or upload row provides them (invented values)."""
    import datetime

    data = {
        "full_name": f"Nguyễn Thị Thử {next(_seq)}",
        "sex": "F",
        "date_of_birth": datetime.date(1995, 5, 5),
        "ethnicity": "Kinh",
        "religion": "Không",
        "citizen_id": f"098{next(_citizen):09d}",
        "education": "12/12",
        "profession": "",
        "job_title": "Công nhân",
        "union_joined_on": datetime.date(2018, 1, 1),
        "phone": "",
        "residence_province": "Thành phố Hải Phòng",
        "residence_district": "Huyện Tiên Lãng",
        "residence_commune": "Xã Tiên Cường",
        "current_address": "",
        "is_party_member": False,
        "discipline_until": None,
        "note": "",
    }
    data.update(kwargs)
    return data


def make_nomination(union, year: int = 2022, nominated_on=None, user=None, **person_kwargs):
    """A nomination created through the real service (as the district staff would)."""
    import datetime

    from candidates import services

    if user is None:
        user = make_user("staff", federation=union.federation)
    return services.create_nomination(
        services.NominationRequest(
            person=person_data(**person_kwargs),
            union=union,
            year=year,
            nominated_on=nominated_on or datetime.date(year, 2, 1),
            voluntary_application=True,
            chair_assessment="Gương mẫu, tích cực.",
            qualities_confirmed=True,
        ),
        user,
    )


def make_committee_member(**kwargs):
    import datetime

    from unions.models import CommitteeMember

    n = next(_seq)
    if "union" not in kwargs:
        kwargs["union"] = make_union()
    kwargs.setdefault("full_name", f"Ủy Viên Thử Nghiệm {n}")
    kwargs.setdefault("sex", "F")
    kwargs.setdefault("position", CommitteeMember.Position.MEMBER)
    kwargs.setdefault("term_start", datetime.date(2020, 7, 1))
    kwargs.setdefault("term_end", datetime.date(2025, 6, 30))
    return CommitteeMember.objects.create(**kwargs)


def make_figure(**kwargs):
    from unions.models import WorkforceFigure

    if "enterprise" not in kwargs:
        kwargs["enterprise"] = make_enterprise()
    kwargs.setdefault("year", 2022)
    kwargs.setdefault("workers", 100)
    kwargs.setdefault("union_members", 90)
    kwargs.setdefault("party_members", 3)
    return WorkforceFigure.objects.create(**kwargs)


def make_commune_for(federation) -> AdministrativeUnit:
    """A commune inside the federation's own district (where its forms and imports look)."""
    if federation.area_id:
        return make_area(parent=federation.area)
    return make_area()


def get_user(username: str):
    return get_user_model().objects.get(username=username)


# --- classes, learners and stipends -------------------------------------------------------


def make_class(federation, **kwargs):
    """A Party-awareness class of `federation` (2022, 60 places, six days from 20/03)."""
    import datetime

    from classes.models import TrainingClass

    kwargs.setdefault("name", f"Lớp bồi dưỡng nhận thức về Đảng thử nghiệm {next(_seq)}")
    kwargs.setdefault("year", 2022)
    kwargs.setdefault("opens_on", datetime.date(kwargs["year"], 3, 20))
    kwargs.setdefault("closes_on", kwargs["opens_on"] + datetime.timedelta(days=5))
    kwargs.setdefault("venue", "Trung tâm Chính trị huyện Thử Nghiệm")
    kwargs.setdefault("capacity", 60)
    return TrainingClass.objects.create(federation=federation, **kwargs)


def make_session(training_class, day: int = 0, **kwargs):
    import datetime

    from classes.models import ClassSession

    kwargs.setdefault("date", training_class.opens_on + datetime.timedelta(days=day))
    kwargs.setdefault("topic", f"Chuyên đề thử nghiệm {next(_seq)}")
    return ClassSession.objects.create(training_class=training_class, **kwargs)


def make_policy(federation, **kwargs):
    """The City Federation's 3,000,000 VND per learner, 2021–2023, unless told otherwise."""
    from classes.models import StipendPolicy

    kwargs.setdefault("name", f"Hỗ trợ học viên thử nghiệm {next(_seq)}")
    kwargs.setdefault("amount", 3_000_000)
    kwargs.setdefault("funding_source", "LĐLĐ thành phố Hải Phòng")
    kwargs.setdefault("from_year", 2021)
    kwargs.setdefault("to_year", 2023)
    return StipendPolicy.objects.create(federation=federation, **kwargs)


def make_approved_nomination(union, staff, year: int = 2022, **person_kwargs):
    """A nomination nominated and approved through the real services."""
    from candidates import services
    from candidates.models import Status

    nomination = make_nomination(union=union, year=year, user=staff, **person_kwargs)
    return services.move(nomination, Status.APPROVED, staff)


def make_learner(training_class, union, staff, **person_kwargs):
    """An approved nomination of `union` enrolled in `training_class` (an Enrollment)."""
    from classes import services

    nomination = make_approved_nomination(union, staff, year=training_class.year, **person_kwargs)
    return services.enrol(training_class, [nomination], staff, on=training_class.opens_on)[0]
