"""The six Excel reports of the report centre (SPEC §4), built from `reports.queries`."""

from __future__ import annotations

import dataclasses
import datetime
import itertools
import operator

from django.utils.translation import gettext as _

from candidates.models import Sex, Status
from classes import exports
from tienlang.lib import disclosure, document, glossary
from tienlang.lib.document import Column, Issuer, ReportSheet, ReportWorkbook, workbook_bytes

from .queries import (
    COUNT_FIELDS,
    Scope,
    coverage,
    coverage_by_federation,
    history,
    history_by_federation,
    introductions,
    quota_report,
)

KINDS = ["quota", "roster", "stipends", "introductions", "coverage", "history"]
TITLES = glossary.REPORT_TITLES
ARCHIVE = "Lưu VP"

QUOTA_COLUMNS = [
    Column("STT", 5, "int"),
    Column("Công đoàn cơ sở", 40),
    Column("Chỉ tiêu", 8, "int", "sum"),
    Column("Được giới thiệu học", 9, "int", "sum"),
    Column("Đủ điều kiện", 9, "int", "sum"),
    Column("Đã vào học", 8, "int", "sum"),  # everyone who ever enrolled (CONTRACTS.md)
    Column("Hoàn thành lớp học", 9, "int", "sum"),
    Column("Đã giới thiệu cho Đảng", 9.5, "int", "sum"),
    Column("Đã kết nạp", 8, "int", "sum"),
    Column("Tỷ lệ so với chỉ tiêu (%)", 9.5, "percent", '=IF(C{row}=0,"",ROUND(H{row}/C{row}*100,1))'),
    Column("Trong huyện", 8.5, "int", "sum"),
    Column("Ngoài huyện", 8.5, "int", "sum"),
]
QUOTA_FIELDS = [
    "quota",
    "nominated",
    "approved",
    "enrolled",
    "completed",
    "introduced",
    "admitted",
    "percent",
    "in_district",
    "out_district",
]
# The breakdown of admitted members (Party statistics), a second table in the same row order.
BREAKDOWN_TITLE = "Cơ cấu đoàn viên ưu tú được kết nạp vào Đảng"
BREAKDOWN_COLUMNS = [
    Column("STT", 5, "int"),
    Column("Công đoàn cơ sở", 40),
    Column("Đã kết nạp", 9, "int", "sum"),
    Column("Nữ", 9, "int", "sum"),
    Column("Dân tộc thiểu số", 9, "int", "sum"),
    Column("Có tôn giáo", 9, "int", "sum"),
    Column("Công nhân trực tiếp sản xuất", 11, "int", "sum"),
    Column("18–30 tuổi", 9, "int", "sum"),
    Column("31–40 tuổi", 9, "int", "sum"),
    Column("41–50 tuổi", 9, "int", "sum"),
    Column("51–60 tuổi", 9, "int", "sum"),
]
BREAKDOWN_FIELDS = [
    "admitted",
    "women",
    "minorities",
    "religious",
    "direct_production",
    "age_18_30",
    "age_31_40",
    "age_41_50",
    "age_51_60",
]


def _local(name: str, federation) -> str:
    """A body's name as its own locality writes it: without the place name ("Huyện ủy Tiên Lãng"
    in a document of Tiên Lãng is "Huyện ủy"; the city federation above it, "LĐLĐ thành phố")."""
    place = (getattr(federation, "place_name", "") or "").strip()
    if place and name.endswith(f" {place}"):
        return name[: -len(place) - 1]
    return name


def recipients(federation, year: int | None = None, addressed: str = "", bodies=None) -> list[str]:
    """ "Nơi nhận" of a report, from the organisation tree as it was in `year`: the standing
    committee of the Party committee of the issuer's area and that committee's organisation board,
    the federation above the issuer, the archive. With `addressed` (a list sent to one Party
    organisation): that organisation, the board (or the committee), the archive. `bodies`: the
    committee and board (`party_bodies`) when read already."""
    committee, board = bodies if bodies is not None else exports.party_bodies(federation, year)
    standing = f"Thường trực {_local(committee.name, federation)}" if committee is not None else None
    board_name = _local(board.name, federation) if board is not None else None
    if addressed:
        return [f"{addressed} (để xem xét)", *[n for n in [board_name or standing] if n], ARCHIVE]
    names = [n for n in (standing, board_name) if n]
    parent = getattr(federation, "parent", None)
    if parent is not None:
        names.append(_local(parent.short_name or parent.name, parent))
    return [*names, ARCHIVE]


def _issuer(scope: Scope, year: int | None = None, addressed: str = "", bodies=None) -> Issuer:
    federation = scope.issuing_federation()
    return Issuer.for_federation(federation, recipients(federation, year, addressed, bodies))


def _subtotal_values(grouped, per_federation: dict, fields) -> list[tuple[str, dict]]:
    """(label, figures) per federation below the issuer that has any, in the tree's order, adding
    up what each federation below it had (the issuer's own rows last, if there are any)."""
    sums: dict[int, dict] = {}
    for federation_id, figures in per_federation.items():
        target = sums.setdefault(grouped.position(federation_id), dict.fromkeys(fields, 0))
        for name in fields:
            target[name] += figures.get(name) or 0
    return [(grouped.label(position), sums[position]) for position in sorted(sums)]


def area_labels(federation) -> tuple[str, str]:
    """The in/out-of-area column titles: "huyện" for a district federation, "địa bàn" otherwise."""
    area = getattr(federation, "area", None)
    if area is not None and area.level == "district":
        return "Trong huyện", "Ngoài huyện"
    return "Trong địa bàn", "Ngoài địa bàn"


def _period(year: int) -> str:
    return f"Năm {year} (số liệu đến ngày {datetime.date.today():%d/%m/%Y})"


def build_quota(scope: Scope, year: int) -> bytes:
    """Report 1: quota fulfilment per union, and on a second sheet the breakdown of the admitted.

    The breakdown (women, minorities, believers, direct-production workers, age groups) is
    its own table with the same rows in the same order: twenty columns on one A4 page would
    print at 6 pt. The per-union chart stays on the report's screen, where every union is
    named beside its own bar (a spreadsheet viewer lays a native chart's labels out itself).
    """
    report = quota_report(scope, year)
    workbook = ReportWorkbook()
    inside, outside = area_labels(scope.issuing_federation())
    columns = [
        dataclasses.replace(c, title={"Trong huyện": inside, "Ngoài huyện": outside}.get(c.title, c.title))
        for c in QUOTA_COLUMNS
    ]
    issuer = _issuer(scope, year)
    sheet = ReportSheet(workbook, TITLES["quota"], columns, issuer, sheet_title=f"Chỉ tiêu {year}")
    sheet.header()
    sheet.titles(TITLES["quota"], _period(year))
    breakdown = ReportSheet(workbook, BREAKDOWN_TITLE, BREAKDOWN_COLUMNS, issuer, sheet_title=f"Cơ cấu kết nạp {year}")
    breakdown.header()
    breakdown.titles(BREAKDOWN_TITLE, _period(year))
    _quota_rows(sheet, breakdown, report)

    totals = report.totals
    sheet.totals_row(label="Tổng cộng", label_column=2, cached={10: totals.percent})
    sheet.note(
        f"Mỗi cột trạng thái đếm số hồ sơ của năm đã từng đạt tới bước đó (“Đã vào học”: mọi người đã vào lớp); "
        f"“{inside}”, “{outside}” chia cột “Được giới thiệu học” theo nơi thường trú. "
        "Tỷ lệ = Đã giới thiệu cho Đảng / Chỉ tiêu. Cơ cấu người được kết nạp: trang “Cơ cấu kết nạp”."
    )
    sheet.footer()
    sheet.finish()

    breakdown.totals_row(label="Tổng cộng", label_column=2)
    breakdown.note("Tuổi tính tại ngày kết nạp; các công đoàn theo cùng thứ tự với bảng kết quả thực hiện chỉ tiêu.")
    breakdown.footer()
    breakdown.finish()
    return workbook_bytes(workbook, [sheet, breakdown])


def _quota_rows(sheet: ReportSheet, breakdown: ReportSheet, report) -> None:
    """The unions' rows of both tables from one pass over the rows (streamed, never held), then
    the subtotals of each."""
    sheet.table_header()
    breakdown.table_header()
    # A row's height is its union's name wrapped in its column: measured once for both tables
    # when the name is the only text of either and its column is as wide in both.
    shared = sheet.text_columns == breakdown.text_columns == [1] and sheet.widths[1] == breakdown.widths[1]
    quota_values, breakdown_values = operator.attrgetter(*QUOTA_FIELDS), operator.attrgetter(*BREAKDOWN_FIELDS)
    rows = iter(report.iter_rows())
    number = 0
    while chunk := list(itertools.islice(rows, document.ROWS_PER_READ)):
        names = [row.name for row in chunk]
        numbers = range(number + 1, number + len(chunk) + 1)
        number += len(chunk)
        values = [(n, name, *quota_values(row)) for n, name, row in zip(numbers, names, chunk, strict=True)]
        heights = [sheet.data_height(row) for row in values]
        sheet.data_rows(values, heights)
        values = [(n, name, *breakdown_values(row)) for n, name, row in zip(numbers, names, chunk, strict=True)]
        breakdown.data_rows(values, heights if shared else [breakdown.data_height(row) for row in values])
    # A report for a federation with federations below it: a subtotal per federation directly
    # below, after the unions, outside the range the grand total sums.
    for target, fields in ((sheet, QUOTA_FIELDS), (breakdown, BREAKDOWN_FIELDS)):
        for subtotal in report.subtotals:
            values = [getattr(subtotal, name) for name in fields]
            target.summary_row([None, subtotal.name] + ["" if value is None else value for value in values])


INTRODUCTION_COLUMNS = [
    Column("STT", 5, "int"),
    Column("Họ và tên", 22),
    Column("Ngày sinh", 11.5, "date"),
    Column("Giới tính", 7),
    Column("Công đoàn cơ sở", 28),
    Column("Nơi thường trú", 28),
    Column("Nghị quyết giới thiệu", 13),
    Column("Ngày nghị quyết", 11.5, "date"),
    Column("Đảng viên cùng giới thiệu", 18),
    Column("Trạng thái", 14),
]


# The list's columns only, read as tuples (no model rows: 5,000 people made 25,000 of them).
INTRODUCTION_VALUES = (
    "introduction__receiving_organization_id",
    "introduction__receiving_organization__name",
    "person_id",
    "person__full_name",
    "person__date_of_birth",
    "person__sex",
    "union__name",
    "person__residence_commune",
    "person__residence_district",
    "person__residence_province",
    "introduction__resolution_number",
    "introduction__resolution_date",
    "introduction__co_introducer_name",
    "status",
)
INTRODUCTION_PERSON_FIELDS = (
    "full_name",
    "date_of_birth",
    "sex",
    "residence_commune",
    "residence_district",
    "residence_province",
)


@dataclasses.dataclass(frozen=True)
class _Receiving:
    pk: int
    name: str


def build_introductions(scope: Scope, year: int, organisation=None) -> bytes:
    """Report 4: one list per receiving Party organisation, each on its own sheet with its
    own "Kính gửi", numbering from 1, total, "Nơi nhận" naming it, and signature block.

    `organisation` (a PartyOrganization the user may see) keeps that organisation's list only.
    """
    workbook = ReportWorkbook()
    rows = introductions(scope, year)
    order = ["sort_name", "pk"]
    # An issuer with federations below it: within each list, each federation's people together
    # (by the federation of the nomination, kept through a reorganisation), a subtotal each.
    grouped = exports.branches(scope.issuing_federation())
    bodies = exports.party_bodies(scope.issuing_federation(), year)  # once, for every list's "Nơi nhận"
    if grouped:
        rows = rows.annotate(branch=grouped.order("federation"))
        order = ["branch", *order]
    receiving = ["introduction__receiving_organization__name", "introduction__receiving_organization__pk"]
    rows = rows.order_by(*receiving, *order)
    if organisation is not None:
        rows = rows.filter(introduction__receiving_organization=organisation)
    fields = (*INTRODUCTION_VALUES, "branch") if grouped else INTRODUCTION_VALUES
    sexes = {value: str(label) for value, label in Sex.choices}
    statuses = {value: str(label) for value, label in Status.choices}
    sheet, current, number, groups = None, None, 0, {}
    for values in rows.values_list(*fields).iterator(chunk_size=document.ROWS_PER_READ):
        (organisation_id, organisation_name, person, name, born, sex, union, commune, district, province) = values[:10]
        (resolution, resolved_on, co_introducer, status) = values[10:14]
        # Rows read as tuples make no model rows: the access log is told who was read (disclosure).
        disclosure.note(person, "candidates.Person", INTRODUCTION_PERSON_FIELDS)
        disclosure.note(person, "candidates.Nomination", ("status",))
        if organisation_id != current:
            if sheet is not None:
                _close_introductions(sheet, number, grouped, groups)
            current, number, groups = organisation_id, 0, {}
            sheet = _introductions_sheet(workbook, scope, year, _Receiving(organisation_id, organisation_name), bodies)
        number += 1
        if grouped:
            groups[values[14]] = groups.get(values[14], 0) + 1
        residence = ", ".join(part for part in (commune, district, province) if part)
        sheet.data_row(
            [
                number,
                name,
                born,
                sexes.get(sex, sex),
                union,
                residence,
                resolution,
                resolved_on,
                co_introducer,
                statuses.get(status, status),
            ]
        )
    if sheet is None:
        # Nobody introduced (to this organisation) this year: one list, empty, with its totals.
        sheet = _introductions_sheet(workbook, scope, year, organisation, bodies)
    _close_introductions(sheet, number, grouped, groups)
    return workbook_bytes(workbook)


def _introductions_sheet(workbook, scope: Scope, year: int, receiving, bodies) -> ReportSheet:
    name = receiving.name if receiving is not None else ""
    sheet = ReportSheet(
        workbook,
        TITLES["introductions"],
        INTRODUCTION_COLUMNS,
        _issuer(scope, year, addressed=name, bodies=bodies),
        sheet_title=name or "Danh sách giới thiệu",
    )
    sheet.header()
    sheet.titles(TITLES["introductions"], _period(year))
    if name:
        sheet.addressee(name)
    sheet.table_header()
    return sheet


def _close_introductions(sheet: ReportSheet, count: int, grouped=None, groups=None) -> None:
    # A subtotal per federation below (the count under the total's count, the name beside it).
    for position, people in sorted((groups or {}).items()):
        blank = [None] * (len(INTRODUCTION_COLUMNS) - 2)  # every cell of the row boxed, as the total's
        sheet.summary_row([people, grouped.label(position), *blank], label_column=2)
    totals = sheet.totals_row(label="Tổng cộng", label_column=2)
    if count:
        formula = f"=COUNT(A{sheet.first_data_row}:A{sheet.last_data_row})"
        sheet.formula_cell(totals, 1, formula, cached=count)
    else:
        sheet.cell(totals, 1, 0).number_format = "#,##0"  # no rows: no formula (it would count itself)
    sheet.footer()
    sheet.finish()


COVERAGE_COLUMNS = [
    Column("STT", 6, "int"),
    Column("Nhóm", 36),
    Column("Số doanh nghiệp", 12, "int", "sum"),
    Column("Có công đoàn cơ sở", 12, "int", "sum"),
    Column("Số lao động", 12, "int", "sum"),
    Column("Số đoàn viên công đoàn", 13, "int", "sum"),
    Column("Số đảng viên", 11, "int", "sum"),
    Column("Có tổ chức Đảng", 11, "int", "sum"),
    Column("Chưa có tổ chức Đảng", 11, "int", "sum"),
]
COVERAGE_FIELDS = ["enterprises", "unions", "workers", "members", "party_members", "with_party", "without_party"]


def build_coverage(scope: Scope, year: int) -> bytes:
    """Report 5: enterprises by ownership type and by commune, a sheet each.

    For an issuer with federations below it, each sheet has, after its groups, a subtotal per
    federation below (the enterprises it held at the end of the year, whatever their group), and
    the total: the groups and the subtotals are two ways of adding up the same enterprises.
    """
    workbook = ReportWorkbook()
    sheets = []
    grouped = exports.branches(scope.issuing_federation())
    subtotals = _subtotal_values(grouped, coverage_by_federation(scope, year), COVERAGE_FIELDS) if grouped else []
    for group, heading, label in (
        ("ownership", "Theo loại hình doanh nghiệp", "Loại hình doanh nghiệp"),
        ("commune", "Theo địa bàn xã, thị trấn", "Xã, thị trấn"),
    ):
        columns = [COVERAGE_COLUMNS[0], Column(label, 36), *COVERAGE_COLUMNS[2:]]
        sheet = ReportSheet(workbook, TITLES["coverage"], columns, _issuer(scope, year), sheet_title=heading)
        sheet.header()
        sheet.titles(TITLES["coverage"], f"{heading} — năm {year}")
        sheet.table_header()
        for number, row in enumerate(coverage(scope, year, group), start=1):
            sheet.data_row([number, row["label"]] + [row[name] or 0 for name in COVERAGE_FIELDS])
        for name, figures in subtotals:
            sheet.summary_row([None, name] + [figures[field] for field in COVERAGE_FIELDS])
        sheet.totals_row(label="Tổng cộng", label_column=2)
        sheet.note("Số lao động, đoàn viên, đảng viên lấy theo số liệu năm của doanh nghiệp; nếu chưa có, theo hồ sơ.")
        sheet.footer()
        sheet.finish()
        sheets.append(sheet)
    return workbook_bytes(workbook, sheets)


HISTORY_COLUMNS = [
    Column("Năm", 8),
    Column("Được giới thiệu học", 11, "int", "sum"),
    Column("Đủ điều kiện", 10, "int", "sum"),
    Column("Đã vào học", 9, "int", "sum"),  # everyone who ever enrolled (CONTRACTS.md)
    Column("Hoàn thành lớp học", 11, "int", "sum"),
    Column("Đã giới thiệu cho Đảng", 12, "int", "sum"),
    Column("Đã kết nạp", 9, "int", "sum"),
    Column("Kết nạp: Nữ", 9, "int", "sum"),
    Column("Kết nạp: Dân tộc thiểu số", 10, "int", "sum"),
    Column("Kết nạp: Có tôn giáo", 10, "int", "sum"),
    Column("Kết nạp: Công nhân trực tiếp sản xuất", 12, "int", "sum"),
    Column("Kết nạp: 18–30 tuổi", 9, "int", "sum"),
    Column("Kết nạp: 31–40 tuổi", 9, "int", "sum"),
    Column("Kết nạp: 41–50 tuổi", 9, "int", "sum"),
    Column("Kết nạp: 51–60 tuổi", 9, "int", "sum"),
    Column("Nguồn số liệu", 26),
]
HISTORY_FIELDS = [
    "nominated",
    "approved",
    "enrolled",
    "completed",
    "introduced",
    "admitted",
    "women",
    "minorities",
    "religious",
    "direct_production",
    "age_18_30",
    "age_31_40",
    "age_41_50",
    "age_51_60",
]


def build_history(scope: Scope, year: int) -> bytes:
    """Report 6: every year since 2015, each counted once.

    For an issuer with federations below it, a subtotal per federation below after the years
    (the records of its nominations, each under the federation of its date), and one for the
    issuer's typed-in figures if it has any: together they add up to the total.
    """
    workbook = ReportWorkbook()
    sheet = ReportSheet(workbook, TITLES["history"], HISTORY_COLUMNS, _issuer(scope, year))
    sheet.header()
    sheet.titles(TITLES["history"], f"Từ năm 2015 đến năm {year}")
    sheet.table_header()
    rows = history(scope, until=year)
    for row in rows:
        sheet.data_row(
            [row.year if row.end_year is None else row.label]  # a year as a number; a period as "2015–2017"
            + [getattr(row, name) for name in HISTORY_FIELDS]
            + [("Số liệu tổng hợp: " if row.is_aggregate else "") + row.source]
        )
    grouped = exports.branches(scope.issuing_federation())
    if grouped:
        _history_subtotals(sheet, grouped, rows, history_by_federation(scope, until=year))
    sheet.totals_row(label="Tổng cộng", label_column=1)
    sheet.note("Các năm ghi “Số liệu tổng hợp” là số liệu tổng hợp nhập một lần, không có hồ sơ từng người.")
    for note in rows.notes:  # typed-in figures whose years are counted already: shown, never added
        sheet.note(note.text)
    sheet.footer()
    sheet.finish()
    return workbook_bytes(workbook, [sheet])


def _history_subtotals(sheet: ReportSheet, grouped, rows, per_federation: dict) -> None:
    """The subtotal rows of the multi-year report, the federation named in the source column."""
    # Every year with records is counted from the records, whole: the same nominations.
    for name, figures in _subtotal_values(grouped, per_federation, COUNT_FIELDS):
        sheet.summary_row([None] + [figures[field] for field in HISTORY_FIELDS] + [name], label_column=16)
    typed = [row for row in rows if row.is_aggregate]
    if typed:
        values = [sum(getattr(row, field) or 0 for row in typed) for field in HISTORY_FIELDS]
        label = f"Số liệu tổng hợp của {grouped.issuer.name}"
        sheet.summary_row([None] + [v if v else None for v in values] + [label], label_column=16)


def _from_classes(name: str):
    def build(scope: Scope, year: int) -> bytes:
        builder = getattr(exports, name)
        workbook = builder(year, user=scope.user, federation=scope.federation if scope.user is None else None)
        return workbook_bytes(workbook)

    return build


BUILDERS = {
    "quota": build_quota,
    "roster": _from_classes("build_roster_workbook"),
    "stipends": _from_classes("build_stipends_workbook"),
    "introductions": build_introductions,
    "coverage": build_coverage,
    "history": build_history,
}


def build_report(kind: str, scope: Scope, year: int, **options) -> bytes:
    """The workbook of report `kind`; `organisation` (introductions only) keeps one Party organisation's list."""
    if kind not in BUILDERS:
        raise ValueError(_("Loại báo cáo không hợp lệ: %(kind)s") % {"kind": kind})
    return BUILDERS[kind](scope, year, **options)
