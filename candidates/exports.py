"""Excel exports of nomination lists (what the list shows, citizen IDs masked)."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Font

from tienlang.lib.xlsx import text_cell

HEADERS = [
    "STT",
    "Họ và tên",
    "Số CCCD",
    "Ngày sinh",
    "Giới tính",
    "Công đoàn cơ sở",
    "Năm",
    "Trạng thái",
    "Thường trú",
    "Trong huyện",
    "Ngày giới thiệu",
    "Cảnh báo",
]


def build_nominations_workbook(queryset) -> Workbook:
    """Stream rows in write-only mode so memory stays flat however long the list."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Hồ sơ nguồn")
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHIJKL", [6, 28, 16, 12, 9, 30, 7, 22, 40, 11, 14, 10], strict=True):
        sheet.column_dimensions[letter].width = width
    header = []
    for title in HEADERS:
        cell = text_cell(sheet, title)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    rows = queryset.select_related("person", "union").iterator(chunk_size=2000)
    for number, nomination in enumerate(rows, start=1):
        person = nomination.person
        date_cell = text_cell(sheet, person.date_of_birth)
        date_cell.number_format = "DD/MM/YYYY"
        nominated_cell = text_cell(sheet, nomination.nominated_on)
        nominated_cell.number_format = "DD/MM/YYYY"
        sheet.append(
            [
                text_cell(sheet, number),
                text_cell(sheet, person.full_name),
                text_cell(sheet, person.masked_citizen_id),
                date_cell,
                text_cell(sheet, person.get_sex_display()),
                text_cell(sheet, nomination.union.name),
                text_cell(sheet, nomination.year),
                text_cell(sheet, nomination.get_status_display()),
                text_cell(sheet, person.residence),
                text_cell(sheet, "Có" if nomination.in_district else "Không"),
                nominated_cell,
                text_cell(sheet, len(nomination.warnings or [])),
            ]
        )
    return workbook
