"""The benchmark: main pages through the test client, report exports, one upload.

Pages are requested as a federation's staff member (the federation with the most
nominations, so the worst case), after two warm-up requests; each page's median and
95th percentile over `requests` requests, and its query count, are reported. Exports are
built at national scope (an administrator sees every federation), timed (the best of a few
builds, alternating with the writer floor's) and once under tracemalloc for the peak memory,
and compared with the time of one raw SQL query that fetches the same figures or rows (the
floor no Python code can beat) and with a minimal writer of the same rows (`writer_floor`).
"""

from __future__ import annotations

import datetime
import io
import operator
import random
import statistics
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from candidates.models import Nomination, Person, Status
from classes.models import Enrollment
from reports.exports import KINDS, build_report
from reports.queries import Scope
from unions.models import Enterprise, GrassrootsUnion, Role, UserProfile


class QueryCounter:
    """Counts a request's queries and adds up the time spent in them (the page's SQL floor)."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


@dataclass
class PageResult:
    name: str
    url: str
    times_ms: list[float] = field(default_factory=list)
    sql_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    queries: int = 0
    status: int = 0
    size: int = 0

    @property
    def p50(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times_ms)
        return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]

    @property
    def sql_p50(self) -> float:
        """Median time of the request's own queries: what no Python code of the page can beat."""
        return statistics.median(self.sql_ms)

    @property
    def cpu_p50(self) -> float:
        """Median CPU time of this process per request: the page's own Python work, which other
        programs on the machine slow down less than the wall-clock time."""
        return statistics.median(self.cpu_ms)

    @property
    def ratio(self) -> float:
        return self.p50 / self.sql_p50 if self.sql_p50 else 0.0


@dataclass
class ExportResult:
    name: str
    seconds: float
    peak_mb: float
    floor_seconds: float  # the raw SQL alone
    size_kb: float
    floor_rows: int
    cpu_seconds: float = 0.0
    writer_seconds: float = 0.0  # the writer floor: the same SQL rows written by a minimal writer
    writer_cpu_seconds: float = 0.0
    writer_peak_mb: float = 0.0

    @property
    def ratio(self) -> float:
        """The export's time against the SQL alone."""
        return self.seconds / self.floor_seconds if self.floor_seconds else 0.0

    @property
    def writer_ratio(self) -> float:
        """The export's time against the writer floor (target: at most 1.5)."""
        return self.seconds / self.writer_seconds if self.writer_seconds else 0.0

    @property
    def writer_cpu_ratio(self) -> float:
        """The same in CPU time of this process, which the machine's other work moves less."""
        return self.cpu_seconds / self.writer_cpu_seconds if self.writer_cpu_seconds else 0.0


def busiest_federation_id() -> int | None:
    busiest = Nomination.objects.values("federation").annotate(n=Count("pk")).order_by("-n", "federation").first()
    return busiest["federation"] if busiest else None


def staff_of_busiest_federation():
    """Staff of the federation with the most nominations: the lowest level (a district or
    commune-level federation), seeing one federation."""
    busiest = busiest_federation_id()
    profiles = UserProfile.objects.filter(role=Role.STAFF).select_related("user")
    if busiest:
        profiles = profiles.filter(federation=busiest)
    profile = profiles.order_by("pk").first()
    if profile is None:
        raise RuntimeError("No staff account: run generate_scale_data first.")
    return profile.user


def _staff_of(federation, username: str):
    """A staff member of `federation`; added on first use (older generated data) with the
    same invented-data password."""
    from scale.generate import BENCH_PASSWORD

    profile = UserProfile.objects.filter(role=Role.STAFF, federation=federation).select_related("user")
    profile = profile.order_by("pk").first()
    if profile:
        return profile.user
    user = get_user_model().objects.create_user(username, password=BENCH_PASSWORD, last_name="Đo hiệu năng")
    UserProfile.objects.create(user=user, role=Role.STAFF, federation=federation)
    return user


def upper_staff():
    """Staff of the federation directly above the busiest one: the province/city federation at
    the nation tier (its districts below it), the city federation at the city tier."""
    from unions.models import Federation

    busiest = busiest_federation_id()
    parent = Federation.objects.filter(pk=busiest).values_list("parent", flat=True).first() if busiest else None
    if parent is None:
        return top_staff()
    return _staff_of(Federation.objects.get(pk=parent), f"bench.staff.upper.{parent}")


def top_staff():
    """Staff of the federation at the top of the tree (every federation below it): the
    national federation at the nation tier."""
    from unions.models import Federation

    top = Federation.objects.filter(parent__isnull=True).order_by("pk").first()
    if top is None:
        return None
    return _staff_of(top, "bench.staff.top")


def page_urls(user) -> list[tuple[str, str]]:
    federation = user.profile.federation_id
    nominations = Nomination.objects.filter(federation=federation)
    year = nominations.order_by("-year").values_list("year", flat=True).first() or datetime.date.today().year
    person = (
        Person.objects.filter(federation=federation, nominations__isnull=False)
        .annotate(n=Count("nominations"))
        .order_by("-n", "pk")
        .first()
    )
    enrollment = (
        Enrollment.objects.filter(training_class__federation=federation, training_class__year=year)
        .values("training_class")
        .annotate(n=Count("pk"))
        .order_by("-n", "training_class")
        .first()
    ) or Enrollment.objects.filter(training_class__federation=federation).values("training_class").first()
    commonest = (
        Person.objects.filter(federation=federation)
        .values("name_folded")
        .annotate(n=Count("pk"))
        .order_by("-n", "name_folded")
        .first()
    )
    # A nomination after its introduction: its page holds the admission steps and the Party
    # organisations to choose from (the heaviest of a nomination's pages).
    introduced = (
        nominations.filter(status=Status.INTRODUCED).order_by("pk").values_list("pk", flat=True).first()
        or nominations.order_by("pk").values_list("pk", flat=True).first()
    )
    last_page = max(1, (nominations.count() + 49) // 50)
    words = (commonest["name_folded"] if commonest else "nguyen van an").split()
    search = " ".join(words[:2])
    # The people search by one word (the commonest name's given name, as people are looked
    # for: tens of thousands of matches at the nation tier) and by three (a whole name).
    one_word, three_words = words[-1], " ".join(words[:3])
    pages = [
        ("dashboard", "/"),
        ("enterprise_list", "/unions/enterprises/?ownership=llc&has_party=0"),
        ("union_list", "/unions/"),
        ("nomination_list", f"/candidates/?year={year}&status=enrolled&q={search.replace(' ', '+')}"),
        ("person_detail", f"/candidates/people/{person.pk}/" if person else "/candidates/people/"),
        ("review_queue", "/candidates/review/"),
        ("class_detail", f"/classes/{enrollment['training_class']}/" if enrollment else "/classes/"),
        ("nomination_detail", f"/candidates/{introduced}/" if introduced else "/candidates/"),
        # Not in the target list, measured to see how lists behave far from the first page.
        ("nomination_list_deep", f"/candidates/?page={last_page}"),
        ("person_search", f"/candidates/people/?q={search.replace(' ', '+')}"),
        ("person_search_one_word", f"/candidates/people/?q={one_word}"),
        ("person_search_three_words", f"/candidates/people/?q={three_words.replace(' ', '+')}"),
    ]
    return pages


def measure_pages(user, requests: int, log=print, only=None, urls=None) -> list[PageResult]:
    client = Client()
    client.force_login(user)
    results = []
    for name, url in urls or page_urls(user):
        if only and name not in only:
            continue
        result = PageResult(name, url)
        for _ in range(2):  # warm-up: caches, first compiled templates
            client.get(url, secure=True)
        for index in range(requests):
            counter = QueryCounter()
            with connection.execute_wrapper(counter):
                started, cpu_started = time.perf_counter(), time.process_time()
                response = client.get(url, secure=True)
                elapsed = (time.perf_counter() - started) * 1000
                cpu = (time.process_time() - cpu_started) * 1000
            result.times_ms.append(elapsed)
            result.cpu_ms.append(cpu)
            result.sql_ms.append(counter.seconds * 1000)
            if index == 0:
                result.queries = counter.count
                result.status = response.status_code
                result.size = len(response.content)
        log(
            f"  {name:22} p50 {result.p50:8.1f} ms  p95 {result.p95:8.1f} ms  SQL {result.sql_p50:7.1f} ms "
            f"({result.ratio:4.1f}×)  CPU {result.cpu_p50:6.1f} ms  {result.queries:3} queries  {url}"
        )
        results.append(result)
    return results


# ---------------------------------------------------------------------------------------
# Exports and their SQL floors
# ---------------------------------------------------------------------------------------

# Each query returns its rows in the report's own order: names in their columns' Vietnamese
# collation (`tienlang.lib.collation`), as the reports sort them, not the folded search text.
FLOOR_SQL = {
    # Report 1: counts per union (every union, with its quota), as quota_report computes them
    # (the four age groups of the breakdown sheet among them), in the report's columns: the
    # union's name, its quota, the six stages, the rate against the quota, in and out of the area,
    # then the breakdown of the admitted (see FLOOR_TABLES).
    "quota": """
        SELECT u.name, COALESCE(q.introduce, 0), c.nominated, c.approved, c.enrolled, c.completed,
               c.introduced, c.admitted, ROUND(100.0 * c.introduced / NULLIF(q.introduce, 0), 1)::float,
               c.in_district, c.out_district, c.women, c.minorities, c.religious, c.direct_production,
               c.age_18_30, c.age_31_40, c.age_41_50, c.age_51_60
        FROM unions_grassrootsunion u
        LEFT JOIN reports_unionquota q ON q.union_id = u.id AND q.year = %(year)s
        LEFT JOIN (
            SELECT n.union_id,
                   COUNT(*) FILTER (WHERE n.stage >= 1) AS nominated, COUNT(*) FILTER (WHERE n.stage >= 2) AS approved,
                   COUNT(*) FILTER (WHERE n.stage >= 3) AS enrolled, COUNT(*) FILTER (WHERE n.stage >= 4) AS completed,
                   COUNT(*) FILTER (WHERE n.stage >= 5) AS introduced, COUNT(*) FILTER (WHERE n.stage >= 6) AS admitted,
                   COUNT(*) FILTER (WHERE n.in_district) AS in_district,
                   COUNT(*) FILTER (WHERE NOT n.in_district) AS out_district,
                   COUNT(*) FILTER (WHERE n.stage >= 6 AND p.sex = 'F') AS women,
                   COUNT(*) FILTER (WHERE n.stage >= 6 AND p.ethnicity <> 'Kinh') AS minorities,
                   COUNT(*) FILTER (WHERE n.stage >= 6 AND p.religion NOT IN ('Không', '')) AS religious,
                   COUNT(*) FILTER (WHERE n.stage >= 6 AND p.is_direct_production) AS direct_production,
                   COUNT(*) FILTER (WHERE n.stage >= 6 AND %(year)s - EXTRACT(YEAR FROM p.date_of_birth)
                                    BETWEEN 18 AND 30) AS age_18_30,
                   COUNT(*) FILTER (WHERE n.stage >= 6 AND %(year)s - EXTRACT(YEAR FROM p.date_of_birth)
                                    BETWEEN 31 AND 40) AS age_31_40,
                   COUNT(*) FILTER (WHERE n.stage >= 6 AND %(year)s - EXTRACT(YEAR FROM p.date_of_birth)
                                    BETWEEN 41 AND 50) AS age_41_50,
                   COUNT(*) FILTER (WHERE n.stage >= 6 AND %(year)s - EXTRACT(YEAR FROM p.date_of_birth)
                                    BETWEEN 51 AND 60) AS age_51_60
            FROM candidates_nomination n JOIN candidates_person p ON p.id = n.person_id
            WHERE n.year = %(year)s GROUP BY n.union_id
        ) c ON c.union_id = u.id
        ORDER BY u.name, u.id
    """,
    "roster": """
        SELECT p.full_name, p.date_of_birth, p.sex, u.name, c.name, e.result, e.certificate_number,
               e.certificate_date, e.result_note, n.status
        FROM classes_enrollment e
        JOIN classes_trainingclass c ON c.id = e.training_class_id
        JOIN candidates_nomination n ON n.id = e.nomination_id
        JOIN candidates_person p ON p.id = n.person_id
        JOIN unions_grassrootsunion u ON u.id = n.union_id
        WHERE c.year = %(year)s
        ORDER BY c.opens_on, c.id, n.sort_name, e.id
    """,
    # The signing list: what was paid out, to people whose data is not restricted (the list's rows).
    "stipends": """
        SELECT p.full_name, u.name, s.amount, s.voucher_number, s.paid_on, c.name
        FROM classes_stipendpayment s
        JOIN classes_enrollment e ON e.id = s.enrollment_id
        JOIN classes_trainingclass c ON c.id = e.training_class_id
        JOIN candidates_nomination n ON n.id = e.nomination_id
        JOIN candidates_person p ON p.id = n.person_id
        JOIN unions_grassrootsunion u ON u.id = n.union_id
        WHERE c.year = %(year)s AND s.status = 'paid' AND NOT p.processing_restricted
        ORDER BY c.opens_on, c.id, n.sort_name, s.id
    """,
    # The budget summary's three sections (its own sheet in the export).
    "stipends_budget": """
        SELECT c.name, COUNT(DISTINCT s.enrollment_id) FILTER (WHERE s.status <> 'cancelled'),
               COALESCE(SUM(s.amount) FILTER (WHERE s.status <> 'cancelled'), 0),
               COALESCE(SUM(s.amount) FILTER (WHERE s.status = 'paid'), 0)
        FROM classes_stipendpayment s
        JOIN classes_enrollment e ON e.id = s.enrollment_id
        JOIN classes_trainingclass c ON c.id = e.training_class_id
        WHERE c.year = %(year)s GROUP BY c.id, c.name
        UNION ALL
        SELECT u.name, COUNT(DISTINCT s.enrollment_id) FILTER (WHERE s.status <> 'cancelled'),
               COALESCE(SUM(s.amount) FILTER (WHERE s.status <> 'cancelled'), 0),
               COALESCE(SUM(s.amount) FILTER (WHERE s.status = 'paid'), 0)
        FROM classes_stipendpayment s
        JOIN classes_enrollment e ON e.id = s.enrollment_id
        JOIN classes_trainingclass c ON c.id = e.training_class_id
        JOIN candidates_nomination n ON n.id = e.nomination_id
        JOIN unions_grassrootsunion u ON u.id = n.union_id
        WHERE c.year = %(year)s GROUP BY u.id, u.name
        UNION ALL
        SELECT p.funding_source, COUNT(DISTINCT s.enrollment_id) FILTER (WHERE s.status <> 'cancelled'),
               COALESCE(SUM(s.amount) FILTER (WHERE s.status <> 'cancelled'), 0),
               COALESCE(SUM(s.amount) FILTER (WHERE s.status = 'paid'), 0)
        FROM classes_stipendpayment s
        JOIN classes_enrollment e ON e.id = s.enrollment_id
        JOIN classes_trainingclass c ON c.id = e.training_class_id
        LEFT JOIN classes_stipendpolicy p ON p.id = s.policy_id
        WHERE c.year = %(year)s GROUP BY p.funding_source
    """,
    "introductions": """
        SELECT o.id, p.full_name, p.date_of_birth, p.sex, u.name, p.residence_commune, p.residence_district,
               p.residence_province, i.resolution_number, i.resolution_date, i.co_introducer_name, n.status
        FROM candidates_nomination n
        JOIN candidates_introduction i ON i.nomination_id = n.id
        JOIN unions_partyorganization o ON o.id = i.receiving_organization_id
        JOIN candidates_person p ON p.id = n.person_id
        JOIN unions_grassrootsunion u ON u.id = n.union_id
        WHERE n.year = %(year)s AND n.stage >= 5
        ORDER BY o.name, o.id, n.sort_name, n.id
    """,
    "coverage": """
        SELECT e.ownership, COUNT(*), COUNT(u.id), SUM(COALESCE(f.workers, e.workers)),
               SUM(COALESCE(f.union_members, u.members, 0)), SUM(COALESCE(f.party_members, 0)),
               COUNT(e.party_org_since)
        FROM unions_enterprise e
        LEFT JOIN unions_grassrootsunion u ON u.enterprise_id = e.id
        LEFT JOIN unions_workforcefigure f ON f.enterprise_id = e.id AND f.year = %(year)s
        GROUP BY e.ownership ORDER BY e.ownership
    """,
    # The coverage report's second sheet: the same figures by commune.
    "coverage_commune": """
        SELECT a.name, COUNT(*), COUNT(u.id), SUM(COALESCE(f.workers, e.workers)),
               SUM(COALESCE(f.union_members, u.members, 0)), SUM(COALESCE(f.party_members, 0)),
               COUNT(e.party_org_since)
        FROM unions_enterprise e
        LEFT JOIN unions_administrativeunit a ON a.id = e.commune_id
        LEFT JOIN unions_grassrootsunion u ON u.enterprise_id = e.id
        LEFT JOIN unions_workforcefigure f ON f.enterprise_id = e.id AND f.year = %(year)s
        GROUP BY a.name ORDER BY a.name
    """,
    # Report 6: the year's fourteen counts, as the multi-year report's query computes them.
    "history": """
        SELECT n.year, COUNT(*) FILTER (WHERE n.stage >= 1), COUNT(*) FILTER (WHERE n.stage >= 2),
               COUNT(*) FILTER (WHERE n.stage >= 3), COUNT(*) FILTER (WHERE n.stage >= 4),
               COUNT(*) FILTER (WHERE n.stage >= 5), COUNT(*) FILTER (WHERE n.stage >= 6),
               COUNT(*) FILTER (WHERE n.stage >= 6 AND p.sex = 'F'),
               COUNT(*) FILTER (WHERE n.stage >= 6 AND p.ethnicity <> 'Kinh'),
               COUNT(*) FILTER (WHERE n.stage >= 6 AND p.religion NOT IN ('Không', '')),
               COUNT(*) FILTER (WHERE n.stage >= 6 AND p.is_direct_production),
               COUNT(*) FILTER (WHERE n.stage >= 6 AND n.year - EXTRACT(YEAR FROM p.date_of_birth) BETWEEN 18 AND 30),
               COUNT(*) FILTER (WHERE n.stage >= 6 AND n.year - EXTRACT(YEAR FROM p.date_of_birth) BETWEEN 31 AND 40),
               COUNT(*) FILTER (WHERE n.stage >= 6 AND n.year - EXTRACT(YEAR FROM p.date_of_birth) BETWEEN 41 AND 50),
               COUNT(*) FILTER (WHERE n.stage >= 6 AND n.year - EXTRACT(YEAR FROM p.date_of_birth) BETWEEN 51 AND 60)
        FROM candidates_nomination n JOIN candidates_person p ON p.id = n.person_id
        WHERE n.year BETWEEN 2015 AND %(year)s GROUP BY n.year ORDER BY n.year
    """,
}


# The SQL of each export's sheets: the report's own, then its second sheet's where it has one.
FLOOR_SHEETS = {
    "stipends": ["stipends", "stipends_budget"],
    "coverage": ["coverage", "coverage_commune"],
}


# Exports whose one query fills several tables, each on its own sheet: the columns of each, by
# their place in the query's rows. The quota report's second table is the breakdown of the
# admitted, for the same unions in the same order (the union's name again, then the admitted).
FLOOR_TABLES = {"quota": [tuple(range(0, 11)), (0, 7, *range(11, 19))]}


def floor_queries(kind: str) -> list[str]:
    return [FLOOR_SQL[name] for name in FLOOR_SHEETS.get(kind, [kind])]


def sql_floor(kind: str, year: int) -> tuple[float, int]:
    """The time of the export's raw SQL alone (every sheet's query), and the rows it returns."""
    if connection.vendor != "postgresql":
        return 0.0, 0  # the floors are written for PostgreSQL, where the figures are recorded
    started = time.perf_counter()
    count = 0
    with connection.cursor() as cursor:
        for sql in floor_queries(kind):
            cursor.execute(sql, {"year": year})
            count += len(cursor.fetchall())
    return time.perf_counter() - started, count


# Exports with a sheet per value of a column of their SQL (the introductions list: one sheet per
# receiving Party organisation, its key the query's first column): the floor writes as many
# sheets, and that column, which names the sheet rather than filling a cell, in none of them.
FLOOR_SHEET_PER_VALUE = {"introductions": 0}


def writer_floor(kind: str, year: int, target) -> int:
    """The writer floor: the same SQL rows, read through a server-side cursor in chunks and
    written as they come by a minimal writer — the project's own sheet-XML rows
    (`tienlang.lib.sheetxml.RawRows`, one style, no layout: no heights, no page breaks, no
    header or closing blocks) in a bare workbook package, one sheet per query, per table of a
    query that fills several (`FLOOR_TABLES`), or per value of the column that gives the export
    a sheet per value (`FLOOR_SHEET_PER_VALUE`). Each row starts with its number, as every
    report's (STT). What no export of the same rows, columns and sheets can do in less; returns
    the rows written."""
    import zipfile

    from tienlang.lib.sheetxml import RawRows

    split = FLOOR_SHEET_PER_VALUE.get(kind)
    count = sheets = 0
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as package:
        for sql in floor_queries(kind):
            raws, current, tables = None, None, None
            with connection.chunked_cursor() as cursor:
                cursor.execute(sql, {"year": year})
                while chunk := cursor.fetchmany(2000):
                    for values in chunk:
                        if split is not None and raws is not None and values[split] != current:
                            sheets = _floor_sheets(package, raws, sheets)
                            raws = None
                        if raws is None:
                            tables = tables or _floor_tables(kind, len(values))
                            raws = [RawRows(width + 1, lambda index, bold, quote: 0) for width, _ in tables]
                            for raw in raws:
                                raw.first = 1
                            current, row = (values[split] if split is not None else None), 0
                        count += 1
                        row += 1
                        for raw, (_, cells) in zip(raws, tables, strict=True):
                            raw.write(row, (row, *cells(values)), False, None)
            sheets = _floor_sheets(package, raws or [None], sheets)
        _floor_package(package, sheets)
    return count


def _floor_sheets(package, raws, sheets: int) -> int:
    """Write each of `raws` (a table's rows, or None for an empty sheet) as the package's next
    sheet after the `sheets` written before; returns how many are written now."""
    for raw in raws:
        sheets += 1
        with package.open(f"xl/worksheets/sheet{sheets}.xml", "w") as sheet:
            sheet.write(FLOOR_SHEET_START)
            if raw is not None:
                raw.flush()
                raw.file.seek(0)
                while block := raw.file.read(1 << 20):
                    sheet.write(block)
                raw.file.close()
            sheet.write(b"</sheetData></worksheet>")
    return sheets


def _floor_tables(kind: str, width: int) -> list:
    """What each of the export's tables takes from a row of `width` values (`FLOOR_TABLES`; else
    one table of every value but the one that picks the sheet): its number of columns, and a
    function giving its cells."""
    split = FLOOR_SHEET_PER_VALUE.get(kind)
    tables = FLOOR_TABLES.get(kind) or [tuple(index for index in range(width) if index != split)]
    return [(len(columns), operator.itemgetter(*columns)) for columns in tables]


FLOOR_SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)


def _floor_package(package, sheets: int) -> None:
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package_relationships = "http://schemas.openxmlformats.org/package/2006/relationships"
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{sheet_type}"/>' for n in range(1, sheets + 1)
    )
    package.writestr(
        "[Content_Types].xml",
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f"{overrides}</Types>",
    )
    package.writestr(
        "_rels/.rels",
        f'<Relationships xmlns="{package_relationships}"><Relationship Id="rId1" '
        f'Type="{relationships}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    )
    names = "".join(f'<sheet name="{n}" sheetId="{n}" r:id="rId{n}"/>' for n in range(1, sheets + 1))
    package.writestr(
        "xl/workbook.xml", f'<workbook xmlns="{main}" xmlns:r="{relationships}"><sheets>{names}</sheets></workbook>'
    )
    links = "".join(
        f'<Relationship Id="rId{n}" Type="{relationships}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, sheets + 1)
    )
    package.writestr(
        "xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{package_relationships}">{links}</Relationships>'
    )


def _timed(build) -> tuple[float, float, object]:
    started, cpu_started = time.perf_counter(), time.process_time()
    value = build()
    return time.perf_counter() - started, time.process_time() - cpu_started, value


def _peak_mb(build) -> float:
    tracemalloc.start()
    try:
        build()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def measure_quota(user, year: int) -> dict:
    """Report 1 (the quota report's workbook) as `user`: at the user's own depth of the tree."""
    scope = Scope(user=user)
    with CaptureQueriesContext(connection) as queries:
        seconds, cpu, data = _timed(lambda: build_report("quota", scope, year))
    peak = _peak_mb(lambda: build_report("quota", scope, year))
    unions = GrassrootsUnion.objects.for_user(user).count()
    return {
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3),
        "peak_mb": round(peak, 1),
        "queries": len(queries),
        "unions": unions,
    }


# Timed builds of each export and of its writer floor, alternating, after one warm-up of each:
# the best of each is kept (a shared machine slows a run now and then, never speeds one up).
EXPORT_RUNS = 3


def measure_exports(user, year: int, kinds=KINDS, log=print, runs: int = EXPORT_RUNS) -> list[ExportResult]:
    """Each export at the user's scope: time and CPU time (the best of `runs` builds), peak
    memory (a build under tracemalloc), its raw SQL alone, and the writer floor
    (`writer_floor`) timed the same way, its builds alternating with the export's."""
    scope = Scope(user=user)
    results = []
    postgres = connection.vendor == "postgresql"
    for kind in kinds:
        data = build_report(kind, scope, year)  # the warm-up: the database's pages and the caches
        export_runs = []
        floor_runs = []
        if postgres:
            writer_floor(kind, year, io.BytesIO())
        for _ in range(runs):
            export_runs.append(_timed(lambda k=kind: build_report(k, scope, year))[:2])
            if postgres:
                floor_runs.append(_timed(lambda k=kind: writer_floor(k, year, io.BytesIO()))[:2])
        seconds, cpu = min(export_runs)
        peak = _peak_mb(lambda k=kind: build_report(k, scope, year))
        floor, rows = sql_floor(kind, year)
        result = ExportResult(kind, seconds, peak, floor, len(data) / 1024, rows, cpu_seconds=cpu)
        if postgres:
            result.writer_seconds, result.writer_cpu_seconds = min(floor_runs)
            result.writer_peak_mb = _peak_mb(lambda k=kind: writer_floor(k, year, tempfile.TemporaryFile()))
        verdict = (
            "" if not result.writer_seconds else ("  ≤ 1.5× floor" if result.writer_ratio <= 1.5 else "  > 1.5× floor")
        )
        log(
            f"  {kind:14} {seconds:7.2f} s (CPU {cpu:6.2f} s)  peak {result.peak_mb:7.1f} MB  "
            f"SQL {floor:6.3f} s ({rows} rows)  writer floor {result.writer_seconds:6.2f} s "
            f"(CPU {result.writer_cpu_seconds:5.2f} s, {result.writer_peak_mb:5.1f} MB)  "
            f"{result.writer_ratio:4.1f}× floor{verdict}  {result.size_kb:8.0f} kB"
        )
        results.append(result)
    return results


# ---------------------------------------------------------------------------------------
# Upload
# ---------------------------------------------------------------------------------------


def upload_workbook(rows: int, seed: int = 5000) -> bytes:
    """A nomination upload of `rows` eligible, invented people (citizen IDs 0999…, never generated)."""
    from candidates.imports import COLUMNS

    rng = random.Random(seed)
    # A normal workbook, as Excel and LibreOffice save one: with the sheet's <dimension>.
    # openpyxl's write-only mode leaves it out, and its reader then parses the whole sheet
    # once more just to size it (a second or more of 5,000 rows that no user's file costs).
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách"
    sheet.append([column.header for column in COLUMNS])
    for number in range(1, rows + 1):
        sex = rng.choice(["Nam", "Nữ"])
        given = rng.choice(["An", "Bình", "Hà", "Lan", "Minh", "Tuấn", "Hương", "Dũng"])
        middle = "Thị" if sex == "Nữ" else "Văn"
        values = {
            "number": number,
            "full_name": f"{rng.choice(['Nguyễn', 'Trần', 'Lê', 'Phạm'])} {middle} {given} Tải {number}",
            "date_of_birth": f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1980, 2000)}",
            "sex": sex,
            "citizen_id": f"0999{number:08d}",
            "ethnicity": "Kinh",
            "religion": "Không",
            "education": "12/12",
            "residence_province": "Thành phố Hải Phòng",
            "residence_district": "Huyện Tiên Lãng",
            "residence_commune": "Xã Tiên Cường",
            "union_joined_on": "01/06/2019",
            "job_title": "Công nhân",
            "phone": f"09{rng.randint(0, 99_999_999):08d}",
            "note": "",
            "voluntary_application": "Có",
            "chair_assessment": "Gương mẫu, nhiệt tình.",
        }
        sheet.append([values[column.key] for column in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class _Rollback(Exception):
    pass


def measure_upload(user, rows: int, log=print, profile: str = "") -> dict:
    """Import `rows` new nominations as the staff member, then roll everything back.

    Besides the wall clock: the CPU time of this process and the time spent in SQL (the
    machine is shared, so these say more than the wall clock), and the load average.
    With `profile`, a cProfile of the upload is written to that path.
    """
    import os

    from candidates import imports

    union = GrassrootsUnion.objects.for_user(user).order_by("pk").first()
    data = upload_workbook(rows)
    year = datetime.date.today().year
    counter = QueryCounter()
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
    started, cpu_started = time.perf_counter(), time.process_time()
    saved = 0
    try:
        with transaction.atomic(), connection.execute_wrapper(counter):
            if profiler:
                profiler.enable()
            try:
                result = imports.import_file(data, union, year, user=user, file_name="bench.xlsx")
            finally:
                if profiler:
                    profiler.disable()
            saved = len(result.saved or [])
            problems = [str(p) for p in result.errors][:3] + list(result.file_problems)[:3]
            raise _Rollback
    except _Rollback:
        pass
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    if profiler:
        profiler.dump_stats(profile)
    log(
        f"  upload of {rows} rows: {seconds:.2f} s (CPU {cpu:.2f} s, SQL {counter.seconds:.2f} s in "
        f"{counter.count} queries, load {load:.2f}), {saved} saved (rolled back) {problems if not saved else ''}"
    )
    return {
        "rows": rows,
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3),
        "sql_seconds": round(counter.seconds, 3),
        "queries": counter.count,
        "load_average": round(load, 2),
        "saved": saved,
    }


def latest_year() -> int:
    year = Nomination.objects.order_by("-year").values_list("year", flat=True).first()
    return year or datetime.date.today().year


def row_counts() -> dict[str, int]:
    return {
        "enterprises": Enterprise.objects.count(),
        "unions": GrassrootsUnion.objects.count(),
        "people": Person.objects.count(),
        "nominations": Nomination.objects.count(),
    }


def admin_user():
    user = get_user_model().objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if user is None:
        raise RuntimeError("No administrator account: run generate_scale_data first.")
    return user
