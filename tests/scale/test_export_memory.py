"""The six report exports at two data sizes: the peak memory does not grow with the rows, and
the number of queries does not either.

The same generated data is read at two scopes: one federation's staff (about a quarter of the
rows) and an administrator (every federation). The writers keep at most a fixed number of
bytes of rows in memory before moving them to a temporary file; those limits are lowered
here so that both sizes pass them and the test sees what is held beyond them.
"""

from __future__ import annotations

import tracemalloc

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
TIER = Tier("memory", federations=4, enterprises=1_200, people=2_400, nominations=1_200, communes_per_district=6)
# What an export may hold beyond its fixed costs when its rows grow fourfold: a few hundred
# bytes a row for the largest list (1,100 more unions), where holding rows as objects costs 2 kB a row.
GROWTH_BYTES = 400_000
# The most queries an export makes, at either size.
QUERY_LIMITS = {"quota": 8, "roster": 8, "stipends": 16, "introductions": 4, "coverage": 4, "history": 4}


def peak_and_queries(kind: str, scope: Scope, year: int) -> tuple[int, int, int]:
    build_report(kind, scope, year)  # caches (fonts, styles, text widths) warm, as in a running server
    with CaptureQueriesContext(connection) as queries:
        tracemalloc.start()
        try:
            data = build_report(kind, scope, year)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    return peak, len(data), len(queries.captured_queries)


@pytest.mark.django_db(transaction=False)
def test_exports_keep_flat_memory_and_fixed_queries_as_the_rows_grow(monkeypatch):
    monkeypatch.setattr(sheetxml, "SPOOL_BYTES", 32 << 10)
    monkeypatch.setattr(document, "PACKAGE_SPOOL_BYTES", 32 << 10)
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
    for kind in KINDS:
        small, small_size, small_queries = peak_and_queries(kind, Scope(user=small_user), year)
        large, large_size, large_queries = peak_and_queries(kind, Scope(user=admin), year)
        # The workbook itself is returned as bytes (and copied once on the way): that grows with
        # the rows by nature; what the writer holds besides must not.
        held = large - small - 2 * max(0, large_size - small_size)
        assert held < GROWTH_BYTES, f"{kind}: {small} → {large} bytes at the peak ({small_size} → {large_size} B file)"
        assert small_queries <= QUERY_LIMITS[kind] and large_queries <= QUERY_LIMITS[kind], (
            kind,
            small_queries,
            large_queries,
        )
