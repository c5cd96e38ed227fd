"""The demo register matches the 2022 pilot of the article (SPEC §5)."""

from __future__ import annotations

import pytest
from django.db.models import F

from unions.models import CommitteeMember, Enterprise, GrassrootsUnion, WorkforceFigure

pytestmark = pytest.mark.django_db


def test_the_pilots_have_17_committee_members_8_of_whom_volunteered(demo):
    pilots = CommitteeMember.objects.filter(union__enterprise__is_pilot=True)
    assert pilots.count() == CommitteeMember.objects.count() == 17
    assert pilots.filter(volunteered=True).count() == 8
    by_union = {code: pilots.filter(union__code=code).count() for code in ("CD-SUNVIGO", "CD-PHUCTHUAN", "CD-M2")}
    assert by_union == {"CD-SUNVIGO": 7, "CD-PHUCTHUAN": 6, "CD-M2": 4}


def test_chairs_and_vice_chairs_as_in_the_article(demo):
    chairs = {m.union.code: m for m in CommitteeMember.objects.filter(position="chair").select_related("union")}
    assert set(chairs) == {"CD-SUNVIGO", "CD-PHUCTHUAN", "CD-M2"}
    # Two chairs are already Party members; the Phúc Thuận chair volunteered for the class instead.
    assert {code for code, m in chairs.items() if m.is_party_member} == {"CD-SUNVIGO", "CD-M2"}
    assert chairs["CD-PHUCTHUAN"].volunteered and not chairs["CD-PHUCTHUAN"].is_party_member
    # ... and so did a vice-chair of SunVigo and one of M2.
    for code in ("CD-SUNVIGO", "CD-M2"):
        assert CommitteeMember.objects.filter(union__code=code, position="vice_chair", volunteered=True).exists()
    # The chair on the committee is the person behind the chair's account.
    chair_user = GrassrootsUnion.objects.get(code="CD-M2").chairs.get().user
    assert chairs["CD-M2"].full_name == f"{chair_user.last_name} {chair_user.first_name}"


def test_union_enterprises_have_consistent_figures_for_2021_and_2022(demo):
    # Tiên Lãng's 34 (held by it until the reform of 01/07/2025); the second district has no figures.
    union_enterprises = Enterprise.objects.filter(
        unions__affiliations__federation__name="Liên đoàn Lao động huyện Tiên Lãng"
    )
    assert union_enterprises.count() == 34
    figures = WorkforceFigure.objects.all()
    assert figures.count() == 68
    assert set(figures.values_list("year", flat=True)) == {2021, 2022}
    assert not figures.filter(enterprise__unions__isnull=True).exists()
    assert not figures.filter(union_members__gt=F("workers")).exists()
    assert not figures.filter(party_members__gt=F("union_members")).exists()
    sunvigo = figures.get(enterprise__unions__code="CD-SUNVIGO", year=2022)
    assert sunvigo.workers == 1500


def test_demo_names_are_not_the_people_named_in_the_article(demo):
    names = set(CommitteeMember.objects.values_list("full_name", flat=True))
    assert not names & {"Đào Thị Huyền", "Ngô Ngọc Khánh"}
    assert len(names) == 17
