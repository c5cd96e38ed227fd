"""The scale tooling on a tiny tier: generated data is consistent, the bench runs, and the
main pages keep a fixed number of queries whatever the data size."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from candidates.imports import prepare_person
from candidates.models import STAGE, Nomination, Person
from scale import bench
from scale.generate import Generator, Tier
from tests import factories
from unions.models import Enterprise, Federation, GrassrootsUnion
from unions.views.common import CappedPaginator
from unions.views.register import UnionListView

SMALL = Tier("small", federations=1, enterprises=6, people=120, nominations=40, communes_per_district=3)
LARGER = Tier("larger", federations=2, enterprises=30, people=900, nominations=400, communes_per_district=5)

# Pages of the benchmark and the most queries each may make, whatever the size (the
# counts measured at both sizes, plus two for small additions such as an access-log row).
PAGE_QUERY_LIMITS = {
    "dashboard": 34,  # + what is due after the introduction (admission.due: 8 queries at any size)
    "enterprise_list": 14,
    "union_list": 13,
    "nomination_list": 12,
    "person_detail": 17,
    "review_queue": 10,
    "class_detail": 16,
    "nomination_detail": 23,
    "nomination_list_deep": 13,
    "person_search": 13,
    "person_search_one_word": 13,
    "person_search_three_words": 13,
}


@pytest.mark.django_db
def test_generate_refuses_a_database_with_data(staff):
    with pytest.raises(CommandError, match="đã có dữ liệu"):
        call_command("generate_scale_data", tier="tiny", verbosity=0)
    out = io.StringIO()
    call_command("generate_scale_data", tier="tiny", if_empty=True, stdout=out)
    assert "không sinh thêm" in out.getvalue()


@pytest.mark.django_db
def test_generated_rows_match_what_save_computes():
    call_command("generate_scale_data", tier="tiny", verbosity=0)
    assert Person.objects.count() == 300 and Nomination.objects.count() == 80
    for person in Person.objects.select_related("federation__area"):
        stored = (person.name_folded, person.search_folded, person.lives_in_district)
        prepare_person(person)  # what Person.save() derives
        assert stored == (person.name_folded, person.search_folded, person.lives_in_district)
        assert person.citizen_id.startswith("099") and len(person.citizen_id) == 12
    for nomination in Nomination.objects.select_related("person__federation__area", "union").prefetch_related("events"):
        stored = (nomination.search_folded, nomination.in_district)
        nomination.refresh_search()
        assert stored == (nomination.search_folded, nomination.in_district)
        reached = max(STAGE.get(event.to_status, 0) for event in nomination.events.all())
        assert nomination.stage == reached
        assert nomination.events.last().to_status == nomination.status
    for enterprise in Enterprise.objects.all()[:5]:
        enterprise.save()  # derived columns unchanged by a save
    # New rows after generated ones get fresh ids (the sequences were moved on).
    union = GrassrootsUnion.objects.first()
    assert (
        Enterprise.objects.create(
            federation=union.federation,
            name="Công ty Mới",
            tax_code="9899999999",
            ownership="llc",
            commune=union.enterprise.commune,
        ).pk
        > union.enterprise.pk
    )


@pytest.mark.django_db
def test_the_tiny_tier_has_three_levels_and_each_level_sees_what_lies_below_it():
    call_command("generate_scale_data", tier="tiny", verbosity=0)
    top = Federation.objects.get(parent__isnull=True)
    assert top.name == "Tổng Liên đoàn Lao động Việt Nam"
    provinces = list(Federation.objects.filter(parent=top))
    assert len(provinces) == 2
    assert all(p.name.startswith(("Liên đoàn Lao động tỉnh ", "Liên đoàn Lao động thành phố ")) for p in provinces)
    districts = list(Federation.objects.filter(parent__in=provinces))
    assert len(districts) == 2 and {d.parent_id for d in districts} == {p.pk for p in provinces}
    assert not GrassrootsUnion.objects.filter(federation__in=[top, *provinces]).exists()

    def seen(user):
        return set(GrassrootsUnion.objects.for_user(user).values_list("federation", flat=True))

    lowest = bench.staff_of_busiest_federation()
    upper, national = bench.upper_staff(), bench.top_staff()
    assert seen(lowest) == {lowest.profile.federation_id}
    assert upper.profile.federation.parent_id == top.pk
    assert seen(upper) == {lowest.profile.federation_id}  # its province's district, not the other one
    assert seen(national) == {d.pk for d in districts}
    assert national.username == "bench.staff.top" and upper.username.startswith("bench.staff.p")


@pytest.mark.django_db
def test_bench_prints_every_figure_as_its_last_line():
    call_command("generate_scale_data", tier="tiny", verbosity=0)
    out = io.StringIO()
    call_command("bench", tier="tiny", requests=2, upload_rows=30, stdout=out)
    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    assert summary["tier"] == "tiny"
    # Three depths of the tree, each measured: district level, province above it, the nation.
    assert set(summary["personas"]) == {"staff", "upper", "top", "admin"}
    text = out.getvalue()
    assert "Pages as bench.staff.1 (staff" in text and "(upper, Liên đoàn Lao động " in text
    assert "Pages as bench.staff.top (top, Tổng Liên đoàn Lao động Việt Nam)" in text
    assert {"dashboard", "enterprise_list", "union_list", "nomination_list", "person_detail", "review_queue"} <= set(
        summary["pages"]
    )
    assert "class_detail" in summary["pages"] and "nomination_detail" in summary["pages"]
    assert {"person_search", "person_search_one_word", "person_search_three_words"} <= set(summary["pages"])
    # Each page against its target, and one line counting what is met (no time is asserted).
    assert "≤ 80 ms" in text and "≤ 50 ms" in text
    assert re.search(r"^Targets met: pages \d+ of 48, exports \d of 6$", text, re.M)  # 12 pages, 4 personas
    for figures in summary["pages"].values():
        assert figures["p50_ms"] > 0 and figures["p95_ms"] >= figures["p50_ms"] and figures["queries"] > 0
    assert set(summary["exports"]) == {"quota", "roster", "stipends", "introductions", "coverage", "history"}
    for figures in summary["exports"].values():
        assert figures["seconds"] > 0 and figures["peak_mb"] > 0 and figures["sql_floor_seconds"] >= 0
    assert summary["upload"]["saved"] == 30
    assert not Nomination.objects.filter(source_import__isnull=False).exists()  # the upload was rolled back


@pytest.mark.django_db
@pytest.mark.parametrize("tier", [SMALL, LARGER], ids=lambda t: t.name)
def test_page_query_counts_do_not_grow_with_the_data(tier, django_assert_max_num_queries):
    Generator(tier, log=lambda message: None).run()
    staff = bench.staff_of_busiest_federation()
    client = Client()
    client.force_login(staff)
    for name, url in bench.page_urls(staff):
        client.get(url, secure=True)  # first request: session, caches
        with django_assert_max_num_queries(PAGE_QUERY_LIMITS[name], info=name):
            response = client.get(url, secure=True)
        assert response.status_code == 200, name


def test_list_pages_stop_at_the_row_cap_and_clamp_deeper_page_numbers(client, staff, union_a, monkeypatch):
    for _ in range(3):
        factories.make_union(federation=staff.profile.federation)
    monkeypatch.setattr(CappedPaginator, "max_rows", 2)
    monkeypatch.setattr(UnionListView, "table_pagination", {"per_page": 1, "paginator_class": CappedPaginator})
    client.force_login(staff)
    page = client.get("/unions/?page=99")
    assert page.status_code == 200
    assert page.context["table"].page.number == 2  # the last page allowed, not a 404
    assert b'data-testid="pages-capped"' in page.content
    assert page.context["table"].paginator.count == 4  # the count shown stays the real one
