"""The union's document layout for Excel reports (Quyết định 933/QĐ-TLĐ, Nghị định 30/2020/NĐ-CP).

Every report workbook is built with `ReportSheet`: Times New Roman; A4 landscape; margins
top/bottom 20 mm, left 30 mm, right 15 mm; at top left the superior body (regular capitals)
above the issuing body (bold capitals) and the document number; at top right the national
name and motto with a rule beneath; place and date in italics; the title and period; a table
whose columns are numbered (1), (2), …; a totals row with live formulas; "Nơi nhận" at
bottom left and the signature block at bottom right. The header is frozen, the print area
set and the page fitted to its width. Issuer, superior body, place and signer come from the
organisation tree (`Federation` rows), never from code.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from tienlang.lib.xlsx import set_text

FONT = "Times New Roman"
MM_PER_INCH = 25.4
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
NUMBER_FORMAT = "#,##0"
PERCENT_FORMAT = "0.0"
DATE_FORMAT = "DD/MM/YYYY"


@dataclass
class Issuer:
    """Who issues the report and who signs it, read from the federation's row."""

    superior: str
    name: str
    place: str
    document_code: str
    signer_title: str
    signer_name: str
    recipients: list[str] = field(default_factory=list)

    @classmethod
    def for_federation(cls, federation, recipients: Sequence[str] = ()) -> Issuer:
        parent = federation.parent if federation is not None else None
        return cls(
            superior=(parent.name if parent else "").upper(),
            name=(federation.name if federation else "").upper(),
            place=(federation.place_name if federation else "") or "",
            document_code=(federation.document_code if federation else "") or "LĐLĐ",
            signer_title=(federation.signer_title if federation else "") or "CHỦ TỊCH",
            signer_name=(federation.signer_name if federation else "") or "",
            recipients=list(recipients),
        )


@dataclass
class Column:
    title: str
    width: float = 14
    kind: str = "text"  # text | int | percent | date | money
    # None, "sum", or a formula template with {row}, {first}, {last}: "=IF(B{row}=0,0,H{row}/B{row}*100)"
    total: str | None = None


def _font(size=13, bold=False, italic=False) -> Font:
    return Font(name=FONT, size=size, bold=bold, italic=italic)


class ReportSheet:
    """Builds one report worksheet in the administrative layout, top to bottom."""

    def __init__(self, workbook: Workbook, title: str, columns: Sequence[Column], issuer: Issuer, *, sheet_title=None):
        self.workbook = workbook
        blank = workbook.active
        fresh = blank is not None and blank.max_row == 1 and blank.max_column == 1 and blank["A1"].value is None
        self.sheet = blank if fresh else workbook.create_sheet()
        self.sheet.title = (sheet_title or title)[:31]
        self.columns = list(columns)
        self.issuer = issuer
        self.title = title
        self.row = 1
        self.header_row = None
        self.first_data_row = None
        self.last_data_row = None
        self.n = len(self.columns)
        # Values of formula cells, written into the file as cached results (see workbook_bytes).
        self.cached: dict[str, float] = {}
        self._sums = [0.0] * self.n
        for index, column in enumerate(self.columns, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = column.width

    # --- blocks ---------------------------------------------------------------------

    def _merged(self, row, first, last, value, font, align="center", height=None):
        sheet = self.sheet
        if last > first:
            sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
        cell = sheet.cell(row=row, column=first)
        set_text(cell, value)
        cell.font = font
        cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
        if height:
            sheet.row_dimensions[row].height = height
        return cell

    def header(self, number: str | None = None, on: datetime.date | None = None) -> None:
        """Issuer at top left, national name and motto at top right, place and date."""
        on = on or datetime.date.today()
        split = max(2, self.n // 2)
        left_last, right_first = split, split + 1
        self._merged(1, 1, left_last, self.issuer.superior, _font(12))
        self._merged(2, 1, left_last, self.issuer.name, _font(12, bold=True))
        self._merged(
            3, 1, left_last, f"Số:      /BC-{self.issuer.document_code}" if number is None else number, _font(12)
        )
        self._merged(1, right_first, self.n, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", _font(12, bold=True))
        motto = self._merged(2, right_first, self.n, "Độc lập - Tự do - Hạnh phúc", _font(13, bold=True))
        # The rule beneath the motto.
        for col in range(right_first, self.n + 1):
            self.sheet.cell(row=2, column=col).border = Border(bottom=THIN)
        motto.border = Border(bottom=THIN)
        place = self.issuer.place or ""
        self._merged(
            3,
            right_first,
            self.n,
            f"{place}, ngày {on.day:02d} tháng {on.month:02d} năm {on.year}",
            _font(13, italic=True),
        )
        self.row = 5

    def titles(self, title: str, period: str = "") -> None:
        self._merged(self.row, 1, self.n, title.upper(), _font(14, bold=True), height=36)
        self.row += 1
        if period:
            self._merged(self.row, 1, self.n, period, _font(13, italic=True))
            self.row += 1
        self.row += 1

    def table_header(self) -> None:
        sheet = self.sheet
        for index, column in enumerate(self.columns, start=1):
            cell = sheet.cell(row=self.row, column=index)
            set_text(cell, column.title)
            cell.font = _font(12, bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = BOX
            number = sheet.cell(row=self.row + 1, column=index)
            set_text(number, f"({index})")
            number.font = _font(11, italic=True)
            number.alignment = Alignment(horizontal="center")
            number.border = BOX
        sheet.row_dimensions[self.row].height = 48
        self.header_row = self.row
        self.row += 2
        self.first_data_row = self.row
        # Freeze everything above the first data row.
        sheet.freeze_panes = sheet.cell(row=self.row, column=1)
        sheet.print_title_rows = f"{self.header_row}:{self.header_row + 1}"

    def data_row(self, values: Sequence[object], bold: bool = False) -> int:
        sheet = self.sheet
        for index, (column, value) in enumerate(zip(self.columns, values, strict=False), start=1):
            cell = sheet.cell(row=self.row, column=index)
            set_text(cell, value)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                self._sums[index - 1] += value
            cell.font = _font(12, bold=bold)
            cell.border = BOX
            if column.kind in ("int", "money"):
                cell.number_format = NUMBER_FORMAT
                cell.alignment = Alignment(horizontal="right")
            elif column.kind == "percent":
                cell.number_format = PERCENT_FORMAT
                cell.alignment = Alignment(horizontal="right")
            elif column.kind == "date":
                cell.number_format = DATE_FORMAT
                cell.alignment = Alignment(horizontal="center")
            else:
                cell.alignment = Alignment(vertical="center", wrap_text=True)
        self.last_data_row = self.row
        self.row += 1
        return self.row - 1

    def formula_cell(self, row: int, column_index: int, formula: str, cached=None, kind: str = "int") -> None:
        """A live formula written by the program itself (never from user text), with its current value."""
        cell = self.sheet.cell(row=row, column=column_index, value=formula)
        if cached is not None:
            self.cached[cell.coordinate] = cached
        cell.font = _font(12)
        cell.border = BOX
        cell.number_format = PERCENT_FORMAT if kind == "percent" else NUMBER_FORMAT
        cell.alignment = Alignment(horizontal="right")

    def totals_row(self, label: str = "Tổng cộng", label_column: int = 1, cached: dict | None = None) -> int:
        """The table's last row: `label` as its first text, live SUM (or given) formulas below numbers.

        `cached` gives the value of non-SUM formula columns by column index (1-based).
        """
        sheet = self.sheet
        row = self.row
        first, last = self.first_data_row, self.last_data_row
        for index, column in enumerate(self.columns, start=1):
            cell = sheet.cell(row=row, column=index)
            cell.border = BOX
            cell.font = _font(12, bold=True)
            if index == label_column:
                set_text(cell, label)
                cell.alignment = Alignment(horizontal="center")
            elif column.total == "sum":
                letter = get_column_letter(index)
                cell.value = f"=SUM({letter}{first}:{letter}{last})" if last and last >= first else 0
                self.cached[cell.coordinate] = self._sums[index - 1]
                cell.number_format = NUMBER_FORMAT
                cell.alignment = Alignment(horizontal="right")
            elif column.total:
                cell.value = column.total.format(row=row, first=first, last=last)
                if cached and index in cached and cached[index] is not None:
                    self.cached[cell.coordinate] = cached[index]
                cell.number_format = PERCENT_FORMAT if column.kind == "percent" else NUMBER_FORMAT
                cell.alignment = Alignment(horizontal="right")
        self.row += 1
        return row

    def note(self, text: str, italic: bool = True) -> None:
        self._merged(self.row, 1, self.n, text, _font(12, italic=italic), align="left")
        self.row += 1

    def footer(self, recipients: Sequence[str] | None = None, extra_signers: Sequence[str] = ()) -> None:
        """'Nơi nhận' at bottom left, the signature block at bottom right."""
        self.row += 1
        start = self.row
        split = max(2, self.n // 2)
        right_first = split + 1
        sheet = self.sheet
        self._merged(start, 1, split, "Nơi nhận:", _font(12, bold=True, italic=True), align="left")
        for offset, recipient in enumerate(recipients if recipients is not None else self.issuer.recipients, start=1):
            self._merged(start + offset, 1, split, f"- {recipient};", _font(11), align="left")
        if extra_signers:
            # Several signatures side by side (preparer, accountant, head), head on the right.
            width = max(1, (self.n - 0) // (len(extra_signers) + 1))
            for i, title in enumerate(extra_signers):
                first = 1 + i * width
                self._merged(start + 6, first, first + width - 1, title, _font(12, bold=True))
        self._merged(start, right_first, self.n, "TM. BAN THƯỜNG VỤ", _font(13, bold=True))
        self._merged(start + 1, right_first, self.n, self.issuer.signer_title.upper(), _font(13, bold=True))
        self._merged(start + 5, right_first, self.n, self.issuer.signer_name, _font(13, bold=True))
        self.row = max(start + len(recipients or self.issuer.recipients) + 1, start + 7)
        sheet.row_dimensions[start + 2].height = 20

    def finish(self) -> None:
        """Page setup: A4 landscape, union margins, fit to width, print area."""
        sheet = self.sheet
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_margins = PageMargins(
            left=30 / MM_PER_INCH, right=15 / MM_PER_INCH, top=20 / MM_PER_INCH, bottom=20 / MM_PER_INCH
        )
        sheet.print_options.horizontalCentered = True
        sheet.print_area = f"A1:{get_column_letter(self.n)}{max(self.row - 1, 1)}"


def workbook_bytes(workbook: Workbook, sheets: Sequence[ReportSheet] = ()) -> bytes:
    """Save `workbook`, writing each formula's current value into the file as its cached result.

    openpyxl writes formulas without results, so a program reading the file without a
    spreadsheet engine would see no totals; Excel and LibreOffice recalculate on opening
    either way, and the formulas stay live.
    """
    buffer = io.BytesIO()
    workbook.save(buffer)
    cached_by_part = {}
    for sheet in sheets:
        if sheet.cached:
            index = workbook.worksheets.index(sheet.sheet) + 1
            cached_by_part[f"xl/worksheets/sheet{index}.xml"] = sheet.cached
    if not cached_by_part:
        return buffer.getvalue()
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            cached = cached_by_part.get(item.filename)
            if cached:
                text = data.decode("utf-8")
                for ref, value in cached.items():
                    pattern = re.compile(rf'(<c r="{ref}"[^>]*>)<f>(.*?)</f><v\s*/>')
                    text = pattern.sub(
                        lambda m, v=value: f"{m.group(1)}<f>{m.group(2)}</f><v>{_number(v)}</v>", text, 1
                    )
                data = text.encode("utf-8")
            target.writestr(item, data)
    return output.getvalue()


def _number(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(float(value)) if isinstance(value, float) else str(int(value))
