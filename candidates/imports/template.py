"""The blank upload template handed to chairs: the contract's headers, widths, lists and the example row."""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from tienlang.lib.xlsx import set_text
from unions.models import GrassrootsUnion

from .contract import (
    COLUMNS,
    EDUCATION_CHOICES,
    EXAMPLE_ROW,
)

WIDTHS = {
    "number": 6,
    "full_name": 26,
    "date_of_birth": 13,
    "sex": 10,
    "citizen_id": 16,
    "ethnicity": 10,
    "religion": 11,
    "education": 16,
    "residence_province": 22,
    "residence_district": 20,
    "residence_commune": 20,
    "union_joined_on": 14,
    "job_title": 24,
    "phone": 14,
    "note": 30,
}
TEXT_FORMATTED = ("citizen_id", "date_of_birth", "union_joined_on", "phone", "education")
HEADER_ROW = 4
TEMPLATE_ROWS = 500


def build_template(union: GrassrootsUnion | None = None, year: int | None = None) -> Workbook:
    """The upload template: a title block, the contract's header row, one invented example row."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách"
    last = get_column_letter(len(COLUMNS))
    title = _("DANH SÁCH ĐOÀN VIÊN ƯU TÚ GIỚI THIỆU HỌC LỚP BỒI DƯỠNG NHẬN THỨC VỀ ĐẢNG")
    if year:
        title = f"{title} {_('NĂM')} {year}"
    set_text(sheet["A1"], title)
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.merge_cells(f"A1:{last}1")
    subtitle = _("Công đoàn cơ sở: %(u)s") % {"u": union.name} if union else _("Công đoàn cơ sở: ……………………")
    set_text(sheet["A2"], subtitle)
    sheet.merge_cells(f"A2:{last}2")
    set_text(
        sheet["A3"],
        _(
            "Cột in đậm màu đỏ là bắt buộc. Ngày ghi dạng dd/mm/yyyy; Số CCCD đủ 12 chữ số; "
            "Giới tính: Nam/Nữ; không dùng công thức. Xóa dòng ví dụ trước khi tải lên."
        ),
    )
    sheet["A3"].font = Font(italic=True, size=10)
    sheet.merge_cells(f"A3:{last}3")

    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=index)
        set_text(cell, column.header)
        cell.font = Font(bold=True, color="B00000" if column.required else "000000")
        cell.fill = PatternFill("solid", fgColor="FDE9D9" if column.required else "F2F2F2")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = WIDTHS.get(column.key, 14)
        if column.key in TEXT_FORMATTED:
            # Text, so Excel keeps leading zeros and does not turn 9/12 or dates into numbers.
            sheet.column_dimensions[letter].number_format = "@"
        example = sheet.cell(row=HEADER_ROW + 1, column=index)
        set_text(example, EXAMPLE_ROW.get(column.key, ""))
        example.font = Font(italic=True, color="7F7F7F")
        example.border = border
        if column.key in TEXT_FORMATTED:
            example.number_format = "@"
    sheet.row_dimensions[HEADER_ROW].height = 32
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)

    first, end = HEADER_ROW + 1, HEADER_ROW + TEMPLATE_ROWS
    letters = {column.key: get_column_letter(i) for i, column in enumerate(COLUMNS, start=1)}
    sex = DataValidation(type="list", formula1='"Nam,Nữ"', allow_blank=True)
    sex.error, sex.errorTitle = _("Chọn Nam hoặc Nữ."), _("Giới tính")
    sex.showErrorMessage = True
    sex.add(f"{letters['sex']}{first}:{letters['sex']}{end}")
    education = DataValidation(type="list", formula1=f'"{",".join(EDUCATION_CHOICES)}"', allow_blank=True)
    # A warning, not a stop: lower grades (e.g. 8/12) are accepted and flagged for review.
    education.errorStyle = "warning"
    education.error = _("Nên chọn trong danh sách (9/12 … 12/12, THCS, THPT, Trung cấp, Cao đẳng, Đại học…).")
    education.errorTitle = _("Trình độ học vấn")
    education.showErrorMessage = True
    education.add(f"{letters['education']}{first}:{letters['education']}{end}")
    sheet.add_data_validation(sex)
    sheet.add_data_validation(education)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    return workbook
