"""The union's document layout for Excel reports and exports (Quyết định 933/QĐ-TLĐ, Nghị định 30/2020/NĐ-CP).

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
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from copy import copy
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from tienlang.lib import progress
from tienlang.lib.sheetxml import RawRows, finish_package
from tienlang.lib.xlsx import set_text

FONT = "Times New Roman"
MM_PER_INCH = 25.4
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
NUMBER_FORMAT = "#,##0"
PERCENT_FORMAT = "0.0"
DATE_FORMAT = "DD/MM/YYYY"


@dataclass(frozen=True)
class Issue:
    """The register's number, date and signer of a report being issued (`reports.register`)."""

    number: str  # the whole line, "Số: 12/BC-LĐLĐ"
    on: datetime.date
    signer_title: str = ""
    signer_name: str = ""
    recipients: tuple[str, ...] = ()


_issue: ContextVar[Issue | None] = ContextVar("document_issue", default=None)


@contextmanager
def issuing(issue: Issue) -> Iterator[None]:
    """Reports built inside the block print `issue`'s number, date, signer and recipients."""
    token = _issue.set(issue)
    try:
        yield
    finally:
        _issue.reset(token)


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
        )._issued()

    def _issued(self) -> Issuer:
        issue = _issue.get()
        if issue is not None:
            self.signer_title = issue.signer_title or self.signer_title
            self.signer_name = issue.signer_name or self.signer_name
            self.recipients = list(issue.recipients) or self.recipients
        return self


@dataclass
class Column:
    title: str
    width: float = 14
    kind: str = "text"  # text | int | percent | date | money
    # None, "sum", or a formula template with {row}, {first}, {last}: "=IF(B{row}=0,0,H{row}/B{row}*100)"
    total: str | None = None


def _font(size=13, bold=False, italic=False) -> Font:
    return Font(name=FONT, size=size, bold=bold, italic=italic)


class ReportWorkbook(Workbook):
    """A write-only workbook for long reports, finished when saved.

    Its `ReportSheet`s write their data rows as plain sheet XML into a temporary file
    (openpyxl spends about 12 µs on each cell it writes: 11 s for the national quota
    report's 900,000 cells; this takes about 1 s), and `save()` splices them into the
    sheets openpyxl wrote, together with the cached values of the formulas. Everything
    else — header, titles, totals, footer, styles, page setup — is openpyxl's.
    """

    def __init__(self):
        super().__init__(write_only=True)
        self.report_sheets: list[ReportSheet] = []

    def save(self, filename) -> None:
        package = tempfile.SpooledTemporaryFile(max_size=16 << 20)
        super().save(package)
        package.seek(0)
        parts = {}
        for sheet in self.report_sheets:
            index = self.worksheets.index(sheet.sheet) + 1
            parts[f"xl/worksheets/sheet{index}.xml"] = sheet
        if hasattr(filename, "write"):
            finish_package(package, filename, parts)
        else:
            with open(filename, "wb") as target:
                finish_package(package, target, parts)


class ReportSheet:
    """Builds one report worksheet in the administrative layout, top to bottom."""

    def __init__(
        self,
        workbook: Workbook,
        title: str,
        columns: Sequence[Column],
        issuer: Issuer,
        *,
        sheet_title=None,
        buffered: bool = False,
    ):
        self.workbook = workbook
        # A write-only workbook streams its rows to disk: memory stays flat however long the
        # table. Rows are then kept here only until they are complete (see `_flush`), and
        # `buffered` keeps every row until `finish()` for small sheets written out of order.
        self.streaming = bool(getattr(workbook, "write_only", False))
        self.buffered = buffered
        self.raw = None
        if self.streaming:
            self.sheet = workbook.create_sheet()
            if isinstance(workbook, ReportWorkbook):
                workbook.report_sheets.append(self)
            self._pending: dict[int, dict[int, object]] = {}
            self._written = 0
            self._hold = True  # until the table header: the frozen panes are written with the first row
        else:
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
        if self.streaming and not buffered and isinstance(workbook, ReportWorkbook):
            self.raw = RawRows(self.n, self._raw_style)
        # Values of formula cells, written into the file as cached results (see workbook_bytes).
        self.cached: dict[str, float] = {}
        self._sums = [0.0] * self.n
        self._styles: dict[tuple, object] = {}
        for index, column in enumerate(self.columns, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = column.width
        # Written with the sheet's first row in streaming mode, so set here.
        self.sheet.sheet_properties.pageSetUpPr.fitToPage = True

    # --- cells, whatever the mode -------------------------------------------------------

    def cell(self, row: int, column: int, value=None):
        """The cell at (row, column): a normal cell, or a pending write-only cell not yet written."""
        if not self.streaming:
            cell = self.sheet.cell(row=row, column=column)
        else:
            if row <= self._written:
                raise RuntimeError(f"Row {row} of a streamed sheet is already written.")
            cells = self._pending.setdefault(row, {})
            cell = cells.get(column)
            if cell is None:
                cell = cells[column] = WriteOnlyCell(self.sheet)
        if value is not None:
            cell.value = value
        return cell

    def merge(self, row: int, first: int, last: int, last_row: int | None = None) -> None:
        if self.streaming:
            self.sheet.merged_cells.add(CellRange(min_col=first, min_row=row, max_col=last, max_row=last_row or row))
        else:
            self.sheet.merge_cells(start_row=row, start_column=first, end_row=last_row or row, end_column=last)

    def row_height(self, row: int, height: float) -> None:
        self.sheet.row_dimensions[row].height = height

    def _raw_style(self, index: int, bold: bool, quote: bool) -> int:
        """The workbook's style id of a data cell of column `index` written as raw sheet XML."""
        cell = WriteOnlyCell(self.sheet)
        _data_style(cell, self.columns[index].kind, bold)
        if quote:
            cell.quotePrefix = True
        return self.workbook._cell_styles.add(cell._style)

    def _flush(self, upto: int) -> None:
        """Write out (streaming mode) every row up to `upto`; they can no longer change."""
        if not self.streaming or self._hold or self.buffered:
            return
        for number in range(self._written + 1, upto + 1):
            cells = self._pending.pop(number, None)
            if cells:
                self.sheet.append([cells.get(col) for col in range(1, max(cells) + 1)])
            else:
                self.sheet.append([])
            self._written = number

    def _styled(self, cell, key: tuple, make) -> None:
        """Give `cell` a style built once per sheet: creating fonts and borders per cell is slow."""
        style = self._styles.get(key)
        if style is None:
            make(cell)
            self._styles[key] = copy(cell._style)
        else:
            cell._style = copy(style)

    # --- blocks ---------------------------------------------------------------------

    def _merged(self, row, first, last, value, font, align="center", height=None):
        if last > first:
            self.merge(row, first, last)
        cell = self.cell(row, first)
        set_text(cell, value)
        cell.font = font
        cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
        if height:
            self.row_height(row, height)
        return cell

    def header(self, number: str | None = None, on: datetime.date | None = None) -> None:
        """Issuer at top left, national name and motto at top right, place and date."""
        issue = _issue.get()
        if issue is not None:
            number, on = number or issue.number, on or issue.on
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
            self.cell(2, col).border = Border(bottom=THIN)
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
            cell = self.cell(self.row, index)
            set_text(cell, column.title)
            cell.font = _font(12, bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = BOX
            number = self.cell(self.row + 1, index)
            set_text(number, f"({index})")
            number.font = _font(11, italic=True)
            number.alignment = Alignment(horizontal="center")
            number.border = BOX
        self.row_height(self.row, 48)
        self.header_row = self.row
        self.row += 2
        self.first_data_row = self.row
        # Freeze everything above the first data row.
        sheet.freeze_panes = f"A{self.row}"
        sheet.print_title_rows = f"{self.header_row}:{self.header_row + 1}"
        if self.streaming:
            self._hold = False
            self._flush(self.row - 1)

    def data_row(self, values: Sequence[object], bold: bool = False, height: float | None = None) -> int:
        progress.step()  # a background export's progress bar follows the rows written
        if self.raw is not None:
            return self._raw_row(values, bold, height)
        self._flush(self.row - 1)
        for index, (column, value) in enumerate(zip(self.columns, values, strict=False), start=1):
            cell = self.cell(self.row, index)
            self._styled(cell, ("data", index, bold), lambda c, k=column.kind, b=bold: _data_style(c, k, b))
            set_text(cell, value)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                self._sums[index - 1] += value
        if height:
            self.row_height(self.row, height)
        self.last_data_row = self.row
        self.row += 1
        return self.row - 1

    def _raw_row(self, values: Sequence[object], bold: bool, height: float | None) -> int:
        if self.raw.first is None:
            self._flush(self.row - 1)
            self.raw.first = self.row
        elif self.row != self.raw.last + 1:
            raise RuntimeError("Data rows of a fast sheet must follow each other.")
        # openpyxl numbers the rows it writes: an empty row keeps its count, replaced on save.
        self.sheet.append([])
        self._written = self.row
        self.raw.write(self.row, values, bold, height)
        for index, value in enumerate(values[: self.n]):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                self._sums[index] += value
        self.last_data_row = self.row
        self.row += 1
        return self.row - 1

    def formula_cell(self, row: int, column_index: int, formula: str, cached=None, kind: str = "int") -> None:
        """A live formula written by the program itself (never from user text), with its current value."""
        cell = self.cell(row, column_index, formula)
        if cached is not None:
            self.cached[f"{get_column_letter(column_index)}{row}"] = cached
        cell.font = _font(12)
        cell.border = BOX
        cell.number_format = PERCENT_FORMAT if kind == "percent" else NUMBER_FORMAT
        cell.alignment = Alignment(horizontal="right")

    def totals_row(self, label: str = "Tổng cộng", label_column: int = 1, cached: dict | None = None) -> int:
        """The table's last row: `label` as its first text, live SUM (or given) formulas below numbers.

        `cached` gives the value of non-SUM formula columns by column index (1-based).
        """
        row = self.row
        first, last = self.first_data_row, self.last_data_row
        for index, column in enumerate(self.columns, start=1):
            cell = self.cell(row, index)
            cell.border = BOX
            cell.font = _font(12, bold=True)
            if index == label_column:
                set_text(cell, label)
                cell.alignment = Alignment(horizontal="center")
            elif column.total == "sum":
                letter = get_column_letter(index)
                cell.value = f"=SUM({letter}{first}:{letter}{last})" if last and last >= first else 0
                self.cached[f"{get_column_letter(index)}{row}"] = self._sums[index - 1]
                cell.number_format = NUMBER_FORMAT
                cell.alignment = Alignment(horizontal="right")
            elif column.total:
                cell.value = column.total.format(row=row, first=first, last=last)
                if cached and index in cached and cached[index] is not None:
                    self.cached[f"{get_column_letter(index)}{row}"] = cached[index]
                cell.number_format = PERCENT_FORMAT if column.kind == "percent" else NUMBER_FORMAT
                cell.alignment = Alignment(horizontal="right")
        self.row += 1
        return row

    def summary_row(self, values: Sequence[object], label_column: int = 2) -> int:
        """A bold row after the data rows (a subtotal), outside the range the totals row sums."""
        row = self.row
        for index, (column, value) in enumerate(zip(self.columns, values, strict=False), start=1):
            cell = self.cell(row, index)
            cell.border = BOX
            cell.font = _font(12, bold=True)
            set_text(cell, value)
            if index == label_column:
                cell.alignment = Alignment(horizontal="left", wrap_text=True)
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
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
        self.row_height(start + 2, 20)

    def finish(self) -> None:
        """Page setup: A4 landscape, union margins, fit to width, print area."""
        sheet = self.sheet
        sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        sheet.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.page_margins = PageMargins(
            left=30 / MM_PER_INCH, right=15 / MM_PER_INCH, top=20 / MM_PER_INCH, bottom=20 / MM_PER_INCH
        )
        sheet.print_options.horizontalCentered = True
        sheet.print_area = f"A1:{get_column_letter(self.n)}{max(self.row - 1, 1)}"
        if self.streaming:
            self._hold = self.buffered = False
            self._flush(max([self.row - 1, *self._pending]))


def _data_style(cell, kind: str, bold: bool) -> None:
    cell.font = _font(12, bold=bold)
    cell.border = BOX
    if kind in ("int", "money"):
        cell.number_format = NUMBER_FORMAT
        cell.alignment = Alignment(horizontal="right")
    elif kind == "percent":
        cell.number_format = PERCENT_FORMAT
        cell.alignment = Alignment(horizontal="right")
    elif kind == "date":
        cell.number_format = DATE_FORMAT
        cell.alignment = Alignment(horizontal="center")
    else:
        cell.alignment = Alignment(vertical="center", wrap_text=True)


def workbook_bytes(workbook: Workbook, sheets: Sequence[ReportSheet] = ()) -> bytes:
    """Save `workbook`, writing each formula's current value into the file as its cached result.

    openpyxl writes formulas without results, so a program reading the file without a
    spreadsheet engine would see no totals; Excel and LibreOffice recalculate on opening
    either way, and the formulas stay live. The sheets are rewritten in chunks, so a long
    streamed sheet is never held in memory whole.
    """
    buffer = io.BytesIO()
    if isinstance(workbook, ReportWorkbook):
        workbook.save(buffer)  # finishes every sheet itself
        return buffer.getvalue()
    workbook.save(buffer)
    parts = {}
    for sheet in sheets:
        if sheet.cached:
            parts[f"xl/worksheets/sheet{workbook.worksheets.index(sheet.sheet) + 1}.xml"] = sheet
    if not parts:
        return buffer.getvalue()
    buffer.seek(0)
    output = io.BytesIO()
    finish_package(buffer, output, parts)
    return output.getvalue()
