"""The six report exports at two data sizes: the peak memory does not grow with the rows, and
the number of queries does not either.

The same generated data is read at two scopes: one federation's staff (about a quarter of the
rows) and an administrator (every federation). The writers keep at most a fixed number of
bytes of rows in memory before moving them to a temporary file; those limits are lowered
here so that both sizes pass them and the test sees what is held beyond them.
"""

from __future__ import annotations

import io
import tracemalloc

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.exports import KINDS, build_report
from reports.queries import Scope
from scale import bench
from scale.generate import Generator, Tier
from tienlang.lib import document, sheetxml
from unions.models import Federation, GrassrootsUnion, Role, UserProfile

# Four federations, so that the national scope has about four times one federation's rows;
# many small enterprises, so that the quota report has hundreds of unions.
TIER = Tier("memory", federations=4, enterprises=3_000, people=8_000, nominations=4_000, communes_per_district=6)
# What an export may hold beyond its fixed costs when its rows grow about fourfold (2,000 more
# unions in the quota report, hundreds more learners and payments): the rows read at a time
# and written at a time, where holding the rows as objects costs about 2 kB a row.
GROWTH_BYTES = 600_000
# What a report of one sheet per Party organisation may hold per sheet until it is saved: its
# entry in the package's directory and in the workbook's list of sheets and print names (each
# sheet's rows and settings go into the package when the next one starts).
SHEET_BYTES = 2_000
# The most queries an export makes, at either size.
# With federations below the issuer, introductions, coverage and history add the queries that
# group their rows by federation (a fixed number: tests/reports/test_subtotals_queries.py).
QUERY_LIMITS = {"quota": 10, "roster": 8, "stipends": 16, "introductions": 6, "coverage": 8, "history": 7}


def sheets(data: bytes) -> int:
    return len(openpyxl.load_workbook(io.BytesIO(data), read_only=True).sheetnames)


def peak_and_queries(kind: str, scope: Scope, year: int) -> tuple[int, int, int, bytes]:
    with CaptureQueriesContext(connection) as queries:
        tracemalloc.start()
        try:
            data = build_report(kind, scope, year)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    return peak, len(data), len(queries.captured_queries), data


@pytest.mark.django_db(transaction=False)
def test_exports_keep_flat_memory_and_fixed_queries_as_the_rows_grow(monkeypatch):
    monkeypatch.setattr(sheetxml, "SPOOL_BYTES", 32 << 10)
    monkeypatch.setattr(document, "PACKAGE_SPOOL_BYTES", 32 << 10)
    monkeypatch.setattr(sheetxml, "FLUSH_PARTS", 200)
    monkeypatch.setattr(document, "ROWS_PER_READ", 50)
    Generator(TIER, log=lambda message: None).run()
    year = bench.latest_year()
    admin = bench.admin_user()
    busiest = bench.staff_of_busiest_federation().profile.federation
    # Staff of the federation with the fewest unions: the small scope.
    smallest = min(
        Federation.objects.filter(pk__in=UserProfile.objects.filter(role=Role.STAFF).values("federation")),
        key=lambda f: GrassrootsUnion.objects.filter(federation=f).count(),
    )
    small_user = UserProfile.objects.filter(role=Role.STAFF, federation=smallest).first().user
    unions_small = GrassrootsUnion.objects.filter(federation=smallest).count()
    assert GrassrootsUnion.objects.count() >= 3 * unions_small and busiest is not None
    problems, figures = [], {}
    for kind in KINDS:
        # Caches warm, as in a running server (fonts, styles; text widths, bounded by their size).
        build_report(kind, Scope(user=admin), year)
        small, small_size, small_queries, small_data = peak_and_queries(kind, Scope(user=small_user), year)
        large, large_size, large_queries, large_data = peak_and_queries(kind, Scope(user=admin), year)
        # The workbook itself is returned as bytes (and copied once on the way): that grows with
        # the rows by nature; what the writer holds besides must not.
        held = large - small - 2 * max(0, large_size - small_size)
        figures[kind] = (small, large, held, small_queries, large_queries)
        if kind == "introductions":
            # One sheet per receiving Party organisation: a finished sheet keeps its name and
            # its entry in the package until the workbook is saved.
            held -= SHEET_BYTES * (sheets(large_data) - sheets(small_data))
        if held >= GROWTH_BYTES:
            problems.append(f"{kind}: peak {small} → {large} B ({small_size} → {large_size} B file)")
        if max(small_queries, large_queries) > QUERY_LIMITS[kind]:
            problems.append(f"{kind}: {small_queries} and {large_queries} queries")
    assert not problems, (problems, figures)
