"""The six Excel reports of the report centre (SPEC §4), built from `reports.queries`."""

from __future__ import annotations

import dataclasses
import datetime

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.series import SeriesLabel

from classes import exports
from tienlang.lib import glossary
from tienlang.lib.document import Column, Issuer, ReportSheet, ReportWorkbook, workbook_bytes

from .queries import Scope, coverage, history, introductions, quota_report

KINDS = ["quota", "roster", "stipends", "introductions", "coverage", "history"]
TITLES = glossary.REPORT_TITLES
RECIPIENTS = ["Thường trực Huyện ủy", "Ban Tổ chức Huyện ủy", "LĐLĐ thành phố", "Lưu VP"]

QUOTA_COLUMNS = [
    Column("STT", 6, "int"),
    Column("Công đoàn cơ sở", 56),  # wide enough for a full enterprise union name on one line
    Column("Chỉ tiêu", 9, "int", "sum"),
    Column("Được giới thiệu học", 11, "int", "sum"),
    Column("Đủ điều kiện", 10, "int", "sum"),
    Column("Đã vào học", 9, "int", "sum"),  # everyone who ever enrolled (CONTRACTS.md)
    Column("Hoàn thành lớp học", 11, "int", "sum"),
    Column("Đã giới thiệu cho Đảng", 12, "int", "sum"),
    Column("Đã kết nạp", 9, "int", "sum"),
    Column("Tỷ lệ so với chỉ tiêu (%)", 11, "percent", '=IF(C{row}=0,"",ROUND(H{row}/C{row}*100,1))'),
    Column("Trong huyện", 9, "int", "sum"),
    Column("Ngoài huyện", 9, "int", "sum"),
    Column("Kết nạp: Nữ", 9, "int", "sum"),
    Column("Kết nạp: Dân tộc thiểu số", 10, "int", "sum"),
    Column("Kết nạp: Có tôn giáo", 10, "int", "sum"),
    Column("Kết nạp: Công nhân trực tiếp sản xuất", 12, "int", "sum"),
    Column("Kết nạp: 18–30 tuổi", 9, "int", "sum"),
    Column("Kết nạp: 31–40 tuổi", 9, "int", "sum"),
    Column("Kết nạp: 41–50 tuổi", 9, "int", "sum"),
    Column("Kết nạp: 51–60 tuổi", 9, "int", "sum"),
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
    "women",
    "minorities",
    "religious",
    "direct_production",
    "age_18_30",
    "age_31_40",
    "age_41_50",
    "age_51_60",
]


def _issuer(scope: Scope) -> Issuer:
    return Issuer.for_federation(scope.issuing_federation(), RECIPIENTS)


def area_labels(federation) -> tuple[str, str]:
    """The in/out-of-area column titles: "huyện" for a district federation, "địa bàn" otherwise."""
    area = getattr(federation, "area", None)
    if area is not None and area.level == "district":
        return "Trong huyện", "Ngoài huyện"
    return "Trong địa bàn", "Ngoài địa bàn"


def _period(year: int) -> str:
    return f"Năm {year} (số liệu đến ngày {datetime.date.today():%d/%m/%Y})"


def build_quota(scope: Scope, year: int) -> bytes:
    report = quota_report(scope, year)
    workbook = ReportWorkbook()
    inside, outside = area_labels(scope.issuing_federation())
    columns = [
        dataclasses.replace(c, title={"Trong huyện": inside, "Ngoài huyện": outside}.get(c.title, c.title))
        for c in QUOTA_COLUMNS
    ]
    sheet = ReportSheet(workbook, TITLES["quota"], columns, _issuer(scope), sheet_title=f"Chỉ tiêu {year}")
    sheet.header()
    sheet.titles(TITLES["quota"], _period(year))
    sheet.table_header()
    for number, row in enumerate(report.rows, start=1):
        sheet.data_row([number, row.name] + [getattr(row, name) for name in QUOTA_FIELDS])
    # A report for a federation with federations below it: a subtotal per federation directly
    # below, after the unions, outside the range the grand total sums.
    for subtotal in report.subtotals:
        values = [getattr(subtotal, name) for name in QUOTA_FIELDS]
        sheet.summary_row([None, subtotal.name] + ["" if value is None else value for value in values])
    totals = report.totals
    sheet.totals_row(label="Tổng cộng", label_column=2, cached={10: totals.percent})
    sheet.note(
        f"Mỗi cột trạng thái đếm số hồ sơ của năm đã từng đạt tới bước đó (“Đã vào học”: mọi người đã vào lớp); "
        f"“{inside}”, “{outside}” chia cột “Được giới thiệu học” theo nơi thường trú. "
        "Tỷ lệ = Đã giới thiệu cho Đảng / Chỉ tiêu."
    )
    sheet.footer()
    sheet.finish()
    _quota_chart(workbook, sheet, len(report.rows))
    return workbook_bytes(workbook, [sheet])


CHART_MAX_ROWS = 300


def _quota_chart(workbook: Workbook, sheet: ReportSheet, rows: int) -> None:
    """A native Excel bar chart of quota against people introduced, per union, on its own sheet.

    Only up to CHART_MAX_ROWS unions: a chart of thousands of bars (a city's or the
    nation's report) cannot be read, and the table carries the figures.
    """
    if rows == 0 or rows > CHART_MAX_ROWS:
        return
    chart = BarChart()
    chart.type = "bar"
    chart.style = 10
    chart.title = "Chỉ tiêu và kết quả giới thiệu cho Đảng"
    chart.y_axis.title = "Số người"
    first, last = sheet.first_data_row, sheet.last_data_row
    data = Reference(sheet.sheet, min_col=3, max_col=3, min_row=first, max_row=last)
    done = Reference(sheet.sheet, min_col=8, max_col=8, min_row=first, max_row=last)
    chart.add_data(data, titles_from_data=False)
    chart.add_data(done, titles_from_data=False)
    chart.set_categories(Reference(sheet.sheet, min_col=2, min_row=first, max_row=last))
    chart.series[0].tx = SeriesLabel(v="Chỉ tiêu")
    chart.series[1].tx = SeriesLabel(v="Đã giới thiệu cho Đảng")
    chart.height = max(8, rows * 0.6)
    chart.width = 24
    chart_sheet = workbook.create_sheet("Biểu đồ")
    chart_sheet.add_chart(chart, "A1")


INTRODUCTION_COLUMNS = [
    Column("STT", 6, "int"),
    Column("Họ và tên", 26),
    Column("Ngày sinh", 12, "date"),
    Column("Giới tính", 8),
    Column("Công đoàn cơ sở", 32),
    Column("Nơi thường trú", 34),
    Column("Nghị quyết giới thiệu", 16),
    Column("Ngày nghị quyết", 12, "date"),
    Column("Đảng viên cùng giới thiệu", 22),
    Column("Trạng thái", 18),
]


def build_introductions(scope: Scope, year: int) -> bytes:
    workbook = ReportWorkbook()
    sheet = ReportSheet(workbook, TITLES["introductions"], INTRODUCTION_COLUMNS, _issuer(scope))
    sheet.header()
    sheet.titles(TITLES["introductions"], _period(year))
    sheet.table_header()
    current, number, total = None, 0, 0
    for nomination in introductions(scope, year).iterator(chunk_size=2000):
        introduction = nomination.introduction
        organisation = introduction.receiving_organization
        if organisation.pk != current:
            current, number = organisation.pk, 0
            sheet.data_row(["", organisation.name], bold=True)
        number += 1
        total += 1
        person = nomination.person
        sheet.data_row(
            [
                number,
                person.full_name,
                person.date_of_birth,
                person.get_sex_display(),
                nomination.union.name,
                person.residence,
                introduction.resolution_number,
                introduction.resolution_date,
                introduction.co_introducer_name,
                nomination.get_status_display(),
            ]
        )
    totals_row = sheet.row
    sheet.totals_row(label="Tổng cộng", label_column=2)
    sheet.formula_cell(
        totals_row, 1, f"=COUNT(A{sheet.first_data_row}:A{max(totals_row - 1, sheet.first_data_row)})", cached=total
    )
    sheet.footer()
    sheet.finish()
    return workbook_bytes(workbook, [sheet])


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
    workbook = ReportWorkbook()
    sheets = []
    for group, heading, label in (
        ("ownership", "Theo loại hình doanh nghiệp", "Loại hình doanh nghiệp"),
        ("commune", "Theo địa bàn xã, thị trấn", "Xã, thị trấn"),
    ):
        columns = [COVERAGE_COLUMNS[0], Column(label, 36), *COVERAGE_COLUMNS[2:]]
        sheet = ReportSheet(workbook, TITLES["coverage"], columns, _issuer(scope), sheet_title=heading)
        sheet.header()
        sheet.titles(TITLES["coverage"], f"{heading} — năm {year}")
        sheet.table_header()
        for number, row in enumerate(coverage(scope, year, group), start=1):
            sheet.data_row([number, row["label"]] + [row[name] or 0 for name in COVERAGE_FIELDS])
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
    workbook = ReportWorkbook()
    sheet = ReportSheet(workbook, TITLES["history"], HISTORY_COLUMNS, _issuer(scope))
    sheet.header()
    sheet.titles(TITLES["history"], f"Từ năm 2015 đến năm {year}")
    sheet.table_header()
    for row in history(scope, until=year):
        sheet.data_row(
            [str(row.year)]
            + [getattr(row, name) for name in HISTORY_FIELDS]
            + [("Số liệu tổng hợp: " if row.is_aggregate else "") + row.source]
        )
    sheet.totals_row(label="Tổng cộng", label_column=1)
    sheet.note("Các năm ghi “Số liệu tổng hợp” là số liệu tổng hợp nhập một lần, không có hồ sơ từng người.")
    sheet.footer()
    sheet.finish()
    return workbook_bytes(workbook, [sheet])


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


def build_report(kind: str, scope: Scope, year: int) -> bytes:
    if kind not in BUILDERS:
        raise ValueError(_("Loại báo cáo không hợp lệ: %(kind)s") % {"kind": kind})
    return BUILDERS[kind](scope, year)
