"""List rows written in Python (tienlang.lib.tables) are the HTML the table template's own loop
writes (django-tables2's loop over every cell, with the product's row block: data-label per cell)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import RequestFactory

from candidates.models import Nomination, Person
from candidates.tables import NominationTable, PersonTable
from classes.views.classes import TrainingClassTable
from tests import factories
from tests.factories import make_nomination
from tienlang.lib.tables import format_date
from unions.models import Enterprise, GrassrootsUnion
from unions.tables import EnterpriseTable, UnionTable

pytestmark = pytest.mark.django_db


def body(html: str) -> str:
    match = re.search(r"<tbody.*?</tbody>", html, re.S)
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", match.group(0))).strip()


def rendered_both_ways(table_class, data) -> tuple[str, str]:
    request = RequestFactory().get("/")
    ours = table_class(data)
    # The same table whose rows are left to the template's loop over every cell.
    library = type("TemplateRows", (table_class,), {"rows_html": lambda self: "", "Meta": table_class.Meta})(data)
    return body(ours.as_html(request)), body(library.as_html(request))


@pytest.fixture
def rows(union_a, union_b, staff):
    enterprise = union_a.enterprise
    enterprise.party_org_since = datetime.date(2019, 3, 7)
    enterprise.is_pilot = True
    enterprise.save()
    union_b.founded_on = datetime.date(2001, 12, 31)
    union_b.save()
    make_nomination(union=union_a, full_name="Đặng Thị <Ánh> & Co", citizen_id="031095001234")
    make_nomination(union=union_b, full_name="Trịnh Văn Bình", citizen_id="031095009876", sex="M")
    factories.make_class(union_a.federation)


@pytest.mark.parametrize(
    ("table_class", "model"),
    [
        (EnterpriseTable, Enterprise),
        (UnionTable, GrassrootsUnion),
        (NominationTable, Nomination),
        (PersonTable, Person),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_rows_are_the_html_of_the_library_template(rows, table_class, model):
    data = model.objects.all().order_by("pk")
    ours, library = rendered_both_ways(table_class, data)
    assert ours == library
    assert "<a href=" in ours  # links kept


def test_class_rows_are_the_html_of_the_library_template(rows):
    from django.db.models import Count

    from classes.models import TrainingClass

    data = TrainingClass.objects.annotate(learners=Count("enrollments")).order_by("pk")
    ours, library = rendered_both_ways(TrainingClassTable, data)
    assert ours == library


def test_dates_are_dd_mm_yyyy_and_text_is_escaped(rows):
    ours, _ = rendered_both_ways(NominationTable, Nomination.objects.order_by("pk"))
    assert "05/05/1995" in ours
    assert "Đặng Thị &lt;Ánh&gt; &amp; Co" in ours
    assert format_date(datetime.date(987, 1, 2)) == "02/01/0987"


def test_empty_list_keeps_the_library_body(db):
    ours, library = rendered_both_ways(UnionTable, GrassrootsUnion.objects.none())
    assert ours == library


def test_list_page_queries_do_not_grow_with_rows(client, staff, union_a, django_assert_max_num_queries):
    from django.db import connection

    client.force_login(staff)

    def queries_for(count: int) -> int:
        while Person.objects.count() < count:
            make_nomination(union=union_a)
        for url in ("/candidates/people/", "/candidates/"):
            client.get(url)
        seen = []
        with connection.execute_wrapper(lambda execute, *args: seen.append(1) or execute(*args)):
            for url in ("/candidates/people/", "/candidates/", "/unions/", "/unions/enterprises/"):
                assert client.get(url).status_code == 200
        return len(seen)

    assert queries_for(10) == queries_for(60)


def test_deep_pages_found_by_key_show_the_same_rows(client, staff, union_a, monkeypatch):
    from unions.views.common import CappedPaginator

    for n in range(120):
        make_nomination(union=union_a, full_name=f"Hà Văn Trang {n:03d}")
    client.force_login(staff)
    pages = {}
    for deferred_from in (10**9, 1):  # by OFFSET over rows, then by keys first
        monkeypatch.setattr(CappedPaginator, "deferred_from", deferred_from)
        pages[deferred_from] = [body(client.get("/candidates/", {"page": p}).content.decode()) for p in (2, 3)]
    assert pages[1] == pages[10**9]
    assert "Hà Văn Trang 050" in pages[1][0] and "Hà Văn Trang 119" in pages[1][1]
