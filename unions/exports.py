"""Excel exports of the register lists: exactly the rows of the filtered, sorted list.

The views hand over the list's own queryset (for_user → filters → ordering); these
functions only write it. Workbooks are write-only (flat memory at any size) and every
cell goes through `text_cell`, so nothing a user typed can run as a formula.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from tienlang.lib.xlsx import text_cell

DATE_FORMAT = "DD/MM/YYYY"
NUMBER_FORMAT = "#,##0"


def _sheet(workbook: Workbook, title: str, headers: Sequence[tuple[str, int]]):
    sheet = workbook.create_sheet(title=title)
    for index, (_header, width) in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    cells = []
    for header, _width in headers:
        cell = text_cell(sheet, header)
        cell.font = Font(bold=True)
        cells.append(cell)
    sheet.append(cells)
    return sheet


def _append(sheet, values: Iterable[object]) -> None:
    cells = []
    for value in values:
        cell = text_cell(sheet, value)
        if isinstance(value, datetime.date):
            cell.number_format = DATE_FORMAT
        elif isinstance(value, int) and not isinstance(value, bool):
            cell.number_format = NUMBER_FORMAT
        cells.append(cell)
    sheet.append(cells)


def _yes_no(value: bool) -> str:
    return _("Có") if value else _("Không")


def enterprise_headers() -> list[tuple[str, int]]:
    return [
        (_("STT"), 6),
        (_("Tên doanh nghiệp"), 48),
        (_("Mã số doanh nghiệp"), 18),
        (_("Loại hình"), 28),
        (_("Ngành nghề"), 28),
        (_("Xã/thị trấn"), 20),
        (_("Địa chỉ"), 36),
        (_("Số lao động"), 12),
        (_("Có tổ chức Đảng"), 10),
        (_("Có tổ chức Đảng từ ngày"), 14),
        (_("Doanh nghiệp điểm"), 10),
        (_("Mã công đoàn"), 16),
        (_("Tên công đoàn cơ sở"), 48),
        (_("Số đoàn viên"), 12),
    ]


def build_enterprises_workbook(enterprises) -> Workbook:
    """One row per enterprise, in the queryset's order. `unions` should be prefetched."""
    workbook = Workbook(write_only=True)
    sheet = _sheet(workbook, _("Doanh nghiệp"), enterprise_headers())
    for number, enterprise in enumerate(enterprises, start=1):
        unions = list(enterprise.unions.all())
        _append(
            sheet,
            [
                number,
                enterprise.name,
                enterprise.tax_code,
                enterprise.get_ownership_display(),
                enterprise.industry,
                enterprise.commune.name,
                enterprise.address,
                enterprise.workers,
                _yes_no(enterprise.has_party_organization),
                enterprise.party_org_since,
                _yes_no(enterprise.is_pilot),
                ", ".join(u.code for u in unions),
                ", ".join(u.name for u in unions),
                sum(u.members for u in unions) if unions else None,
            ],
        )
    return workbook


def union_headers() -> list[tuple[str, int]]:
    return [
        (_("STT"), 6),
        (_("Mã công đoàn"), 16),
        (_("Tên công đoàn cơ sở"), 48),
        (_("Tên doanh nghiệp"), 48),
        (_("Mã số doanh nghiệp"), 18),
        (_("Loại hình"), 28),
        (_("Xã/thị trấn"), 20),
        (_("Số lao động"), 12),
        (_("Số đoàn viên"), 12),
        (_("Ngày thành lập"), 14),
        (_("Có tổ chức Đảng"), 10),
        (_("Doanh nghiệp điểm"), 10),
    ]


def build_unions_workbook(unions) -> Workbook:
    """One row per grassroots union, in the queryset's order (enterprise and commune selected)."""
    workbook = Workbook(write_only=True)
    sheet = _sheet(workbook, _("Công đoàn cơ sở"), union_headers())
    for number, union in enumerate(unions, start=1):
        enterprise = union.enterprise
        _append(
            sheet,
            [
                number,
                union.code,
                union.name,
                enterprise.name,
                enterprise.tax_code,
                enterprise.get_ownership_display(),
                enterprise.commune.name,
                enterprise.workers,
                union.members,
                union.founded_on,
                _yes_no(enterprise.has_party_organization),
                _yes_no(enterprise.is_pilot),
            ],
        )
    return workbook
