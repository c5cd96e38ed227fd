"""The union's document layout for Excel reports and exports (Quyết định 933/QĐ-TLĐ, Nghị định 30/2020/NĐ-CP).

Every report workbook is built with `ReportSheet`: Times New Roman; A4 landscape; margins
top/bottom 20 mm, left 30 mm, right 15 mm; at top left the superior body (regular capitals)
above the issuing body (bold capitals) and the document number; at top right the national
name and motto with a rule beneath; place and date in italics; the title and period; a table
whose columns are numbered (1), (2), …; a totals row with live formulas; "Nơi nhận" at
bottom left and the signature block at bottom right. The header is frozen and repeated on
every printed page, the print area set, the page fitted to its width (never below 9 pt: see
`fit_columns`), each row as tall as its wrapped text, the pages numbered "Trang x/y" and the
closing block kept on one page with the table's last rows. Issuer, superior body, place and signer come from the
organisation tree (`Federation` rows), never from code.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import io
import itertools
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from copy import copy
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from tienlang.lib import progress, sheetxml, textmetrics
from tienlang.lib.sheetxml import Formula, Package, RawRows, SheetPart, finish_package
from tienlang.lib.textmetrics import line_height, wrapped_lines
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


@functools.lru_cache(maxsize=64)
def _font(size=13, bold=False, italic=False) -> Font:
    """The document's font in a size and style: one object per look (never changed once made)."""
    return Font(name=FONT, size=size, bold=bold, italic=italic)


@functools.lru_cache(maxsize=64)
def _alignment(horizontal=None, vertical=None, wrap_text=None) -> Alignment:
    return Alignment(horizontal=horizontal, vertical=vertical, wrap_text=wrap_text)


def _workbook_styles(workbook) -> dict:
    """The workbook's cell styles built so far, by look: openpyxl hashes every font, border and
    alignment set on a cell to find it in the workbook's lists (about 90 µs a cell), so each
    look is built once per workbook and copied onto the cells that wear it."""
    styles = getattr(workbook, "_document_styles", None)
    if styles is None:
        styles = workbook._document_styles = {}
    return styles


# Blocks of rows (header, titles, column titles) a workbook keeps to write again (`ReportSheet._block`).
BLOCKS_KEPT = 64
# Rows a streamed export reads from the database at a time.
ROWS_PER_READ = 500
# Texts of a column whose line count a sheet keeps (`ReportSheet._data_height`).
MEASURED_KEPT = 512
# How far a column's texts may wrap more often than not before they are no longer measured in
# one pass first (`ReportSheet._lines`).
ONE_LINE_PATIENCE = 32
# Types of the values a column sums as they are (`ReportSheet.data_rows`).
NUMBER_TYPES = {int, float}
# Bytes of a workbook's zip package kept in memory before it goes to a temporary file (a package
# in memory is held twice at the end: itself and the bytes returned).
PACKAGE_SPOOL_BYTES = 1 << 20


class ReportWorkbook(Workbook):
    """A workbook for long reports, its sheets written by the program as sheet XML.

    openpyxl spends about 12 µs on each cell it writes (11 s for the national quota report's
    900,000 cells) and about 5 ms on each worksheet it opens and saves (a report of one sheet
    per Party organisation has 1,500). Its `ReportSheet`s write every row — data rows from
    their values, the layout's rows from openpyxl's write-only cells — into a temporary file
    in order (`sheetxml.RawRows`), keep their settings in a `sheetxml.SheetPart`, and each
    finished sheet goes into the zip package when the next one starts; `save()` adds the
    workbook's parts. openpyxl's workbook stays the register of fonts, borders and cell styles.
    """

    def __init__(self):
        super().__init__(write_only=True)
        use_document_font(self)
        self.finished: list[ReportSheet] = []
        self.parts: list[SheetPart] = []  # sheets not in the package yet
        self.sheet_names: set[str] = set()  # taken, in lower case
        self.package = Package(PACKAGE_SPOOL_BYTES)
        self.sheet_count = 0

    def create_sheet(self, title=None, index=None):
        """A sheet part written by the program (`sheetxml.SheetPart`), numbered in order."""
        part = SheetPart(self, title or "")
        part.index = self.sheet_count
        self.sheet_count += 1
        self.parts.append(part)
        return part

    def close_finished(self) -> None:
        """Write the sheets finished so far into the package. Called when the next sheet starts,
        so a builder may still adjust a sheet between its `finish()` and the next one."""
        for sheet in self.finished:
            if not sheet.sheet.closed:
                self.package.add_sheet(sheet.sheet)
        self.finished.clear()
        self.parts = [part for part in self.parts if not part.closed]

    def save(self, filename) -> None:
        self._close_all()
        if hasattr(filename, "write"):
            self.package.finish(self, filename)
        else:
            with open(filename, "wb") as target:
                self.package.finish(self, target)

    def to_bytes(self) -> bytes:
        """The saved workbook's bytes."""
        self._close_all()
        return self.package.finish(self, None)

    def _close_all(self) -> None:
        self.close_finished()
        for part in self.parts:  # a sheet never finished: what it has written
            self.package.add_sheet(part)
        self.parts = []


# --- print geometry -------------------------------------------------------------------
# A4 landscape with the union's margins (left 30 mm, right 15 mm, top and bottom 20 mm).
USABLE_WIDTH_PT = (297 - 30 - 15) / MM_PER_INCH * 72
USABLE_HEIGHT_PT = (210 - 20 - 20) / MM_PER_INCH * 72
# A column width unit prints as the width of a digit of the workbook's default font, set to
# Times New Roman 12 (see use_document_font): 6 pt, in Excel and in LibreOffice alike.
UNIT_PT = 6.0
CELL_PADDING = 5.0  # left and right inner margins of a cell, together
ROW_PADDING = 3.0
BLANK_ROW_HEIGHT = 16.0
# The smallest print scale the layout accepts: 12 pt text prints at 9.8 pt, 11 pt at 9 pt.
MIN_SCALE = 82
PAGE_SAFETY = 0.97  # a page is filled to 97 %: the viewer's rounding never pushes a row over
KEEP_ROWS = 2  # table rows carried over with the closing block when it does not fit
RULE_SIZE = 8
RULE_ROW_HEIGHT = 9.0
MIN_NUMBER_UNITS = 6.5
SHEET_NAME_MAX = 31
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def use_document_font(workbook: Workbook) -> None:
    """Make Times New Roman 12 the workbook's default font, so that column widths (counted in
    digits of the default font) print the same everywhere."""
    if getattr(workbook, "_document_font", False):
        return
    font = Font(name=FONT, size=12)
    workbook._fonts = IndexedList([font, *list(workbook._fonts)[1:]])
    workbook._named_styles["Normal"].font = font
    workbook._document_font = True


def sheet_name(text: str, taken: Sequence[str] | set[str] = ()) -> str:
    """A worksheet name of at most 31 characters cut at a word boundary, unique among `taken`."""
    text = " ".join(SHEET_NAME_FORBIDDEN.sub(" ", text).split()).strip("'") or "Trang"

    def shorten(value: str, limit: int) -> str:
        if len(value) <= limit:
            return value
        cut = value[: limit + 1].rsplit(" ", 1)[0] if " " in value[: limit + 1] else value[:limit]
        return cut[:limit].rstrip(" ,;-–")

    name = shorten(text, SHEET_NAME_MAX)
    # A set is the names taken already in lower case (a workbook of many sheets keeps one).
    lowered = taken if isinstance(taken, set) else {t.lower() for t in taken}
    number = 2
    while name.lower() in lowered:
        suffix = f" ({number})"
        name = shorten(text, SHEET_NAME_MAX - len(suffix)) + suffix
        number += 1
    return name


def _units_needed(title: str) -> float:
    """The narrowest a number column can be: its title's longest word in bold, or six digits."""
    widest = max([textmetrics.text_width(word, 12, True) for word in title.split()] + [36.0])
    return max(MIN_NUMBER_UNITS, (widest + CELL_PADDING + 1) / UNIT_PT)


def fit_columns(columns: Sequence[Column]) -> list[Column]:
    """The columns, number columns narrowed (towards their title's longest word) and then text
    columns (to no less than 60 % of their width) until the table prints at MIN_SCALE or more."""
    columns = list(columns)
    target = USABLE_WIDTH_PT / UNIT_PT * 100 / MIN_SCALE
    total = sum(c.width for c in columns)
    if total <= target:
        return columns
    for kinds, floor in ((("int", "percent", "money"), None), (("text", "date"), 0.6)):
        slack = []
        for column in columns:
            if column.kind in kinds:
                least = _units_needed(column.title) if floor is None else column.width * floor
                slack.append(max(0.0, column.width - least))
            else:
                slack.append(0.0)
        available = sum(slack)
        if available <= 0:
            continue
        factor = min(1.0, (total - target) / available)
        columns = [
            dataclasses.replace(c, width=round(c.width - s * factor, 1)) if s else c
            for c, s in zip(columns, slack, strict=True)
        ]
        total = sum(c.width for c in columns)
        if total <= target:
            break
    return columns


_FITTED: dict[tuple, list[Column]] = {}


def _fitted(columns: Sequence[Column]) -> list[Column]:
    """`fit_columns`, once per set of columns (a report of one sheet per Party organisation
    fits the same columns 1,500 times)."""
    key = tuple((c.title, c.width, c.kind, c.total) for c in columns)
    found = _FITTED.get(key)
    if found is None:
        if len(_FITTED) > 256:
            _FITTED.clear()
        found = _FITTED[key] = fit_columns(columns)
    return list(found)


def _split(widths: Sequence[float]) -> int:
    """The last column of the left-hand header block: about 45 % of the table's width."""
    total, used = sum(widths), 0.0
    for index, width in enumerate(widths[:-1], start=1):
        used += width
        if used >= total * 0.45:
            return max(2, index)
    return max(2, len(widths) // 2)


def print_scale(columns: Sequence[Column]) -> int:
    """The print scale (%) at which the table's width fills the page's width, at most 100."""
    width = sum(c.width for c in columns) * UNIT_PT
    return max(10, min(100, int(USABLE_WIDTH_PT / width * 100)))


class ReportSheet:
    """Builds one report worksheet in the administrative layout, top to bottom.

    Every row gets its height from its text (see `tienlang.lib.textmetrics`), the print scale
    is computed from the column widths (never below `MIN_SCALE` after the number columns are
    narrowed), and the page breaks are placed by the sheet itself, so that the totals row,
    the notes, "Nơi nhận" and the signature block stay on one page with the table's last rows.
    """

    def __init__(
        self,
        workbook: Workbook,
        title: str,
        columns: Sequence[Column],
        issuer: Issuer,
        *,
        sheet_title=None,
        buffered: bool = False,
        split: int | None = None,
    ):
        self.workbook = workbook
        use_document_font(workbook)
        # A write-only workbook streams its rows to disk: memory stays flat however long the
        # table. Rows are then kept here only until they are complete (see `_flush`), and
        # `buffered` keeps every row until `finish()` for small sheets written out of order.
        self.streaming = bool(getattr(workbook, "write_only", False))
        self.buffered = buffered
        self.raw = None
        # A sheet of a `ReportWorkbook`: written by the program (`sheetxml.SheetPart`).
        self.part = isinstance(workbook, ReportWorkbook)
        if self.streaming:
            if self.part:
                workbook.close_finished()
            self.sheet = workbook.create_sheet()
            self._pending: dict[int, dict[int, object]] = {}
            self._written = 0
            self._hold = True  # until the table header: the frozen panes are written with the first row
        else:
            blank = workbook.active
            fresh = blank is not None and blank.max_row == 1 and blank.max_column == 1 and blank["A1"].value is None
            self.sheet = blank if fresh else workbook.create_sheet()
        if self.part:
            self.sheet.title = sheet_name(sheet_title or title, workbook.sheet_names)
            workbook.sheet_names.add(self.sheet.title.lower())
        else:
            taken = [s.title for s in workbook.worksheets if s is not self.sheet]
            self.sheet.title = sheet_name(sheet_title or title, taken)
        self.columns = _fitted(columns)
        self.issuer = issuer
        self.title = title
        self.row = 1
        self.header_row = None
        self.first_data_row = None
        self.last_data_row = None
        self.n = len(self.columns)
        # Where the left-hand header block (issuer, "Nơi nhận") ends and the right-hand one starts.
        self.widths = [column.width * UNIT_PT for column in self.columns]
        self.text_columns = [index for index, column in enumerate(self.columns) if column.kind == "text"]
        # Line counts of the texts met, by boldness and column (see `_data_height`).
        self._measured: dict[bool, list[dict[str, int]]] = {bold: [{} for _ in self.columns] for bold in (False, True)}
        # Per column, the one-pass measurement's account: a text found on one line adds one, a
        # text that wraps (measured twice) takes one away (see `_lines`).
        self._one_line = [0] * len(self.columns)
        self.split = split or _split(self.widths)
        self.scale = print_scale(self.columns)
        # The height of a page's printable area, in the sheet's points (before scaling).
        self.capacity = USABLE_HEIGHT_PT * 100 / self.scale * PAGE_SAFETY
        if self.part:
            # Every row of the sheet, in order; the data rows written from their values unless buffered.
            self.sheet.rows = RawRows(self.n, self._raw_style)
            self.raw = None if buffered else self.sheet.rows
        # Values of formula cells, written into the file as cached results (see workbook_bytes).
        self.cached: dict[str, float] = {}
        self._sums = [0.0] * self.n
        self._summed = [index for index, column in enumerate(self.columns) if column.total == "sum"]
        self._styles: dict[tuple, object] = _workbook_styles(workbook)
        # Pagination: heights of rows not yet placed on a page, rows placed since the last
        # break, the height used on the current page, and where the closing block begins.
        self._heights: dict[int, float] = {}
        self._placed = 0
        self._used = 0.0
        self._recent: deque[tuple[int, float]] = deque(maxlen=KEEP_ROWS + 1)
        self._titles_height = 0.0
        self.closing_from: int | None = None
        self.breaks: list[int] = []
        for index, column in enumerate(self.columns, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = column.width
        # Written with the sheet's first row in streaming mode, so set here.
        self.sheet.sheet_properties.pageSetUpPr.fitToPage = True
        self.sheet.sheet_format.defaultRowHeight = BLANK_ROW_HEIGHT
        self.sheet.sheet_format.customHeight = True

    # --- cells, whatever the mode -------------------------------------------------------

    def cell(self, row: int, column: int, value=None):
        """The cell at (row, column): a normal cell, or a pending write-only cell not yet written."""
        if not self.streaming:
            cell = self.sheet.cell(row=row, column=column)
        else:
            if row <= self._written:
                raise RuntimeError(f"Row {row} of a streamed sheet is already written.")
            cells = self._pending.setdefault(row, {})
            if isinstance(cells, str):
                raise RuntimeError(f"Row {row} of a streamed sheet is written from a kept block (`_block`).")
            cell = cells.get(column)
            if cell is None:
                cell = cells[column] = WriteOnlyCell(self.sheet)
        if value is not None:
            cell.value = value
        return cell

    def merge(self, row: int, first: int, last: int, last_row: int | None = None) -> None:
        if self.part:
            self.sheet.merged.append(f"{get_column_letter(first)}{row}:{get_column_letter(last)}{last_row or row}")
        elif self.streaming:
            self.sheet.merged_cells.add(CellRange(min_col=first, min_row=row, max_col=last, max_row=last_row or row))
        else:
            self.sheet.merge_cells(start_row=row, start_column=first, end_row=last_row or row, end_column=last)

    def row_height(self, row: int, height: float) -> None:
        """Set a row's height (the tallest asked for wins): it is what the page breaks count."""
        height = round(max(height, self._heights.get(row, 0.0)), 2)
        self._heights[row] = height
        if row > self._placed:
            self.sheet.row_dimensions[row].height = height

    def fit_height(self, row: int, text, first: int, last: int, size: float = 12, bold=False, italic=False) -> None:
        """Make `row` tall enough for `text` wrapped across columns `first`..`last`."""
        if text is None or text == "":
            return
        width = sum(self.widths[first - 1 : last]) - CELL_PADDING
        lines = wrapped_lines(str(text), width, size, bold, italic)
        self.row_height(row, lines * line_height(size) + ROW_PADDING)

    def width_of(self, first: int, last: int) -> float:
        return sum(self.widths[first - 1 : last])

    def data_height(self, values: Sequence[object], bold: bool = False) -> float:
        """The height of a data row of `values`: its tallest text wrapped in its column."""
        return self._data_height(values, bold)

    def _data_height(self, values: Sequence[object], bold: bool) -> float:
        lines = 1
        count = len(values)
        measured = self._measured[bold]
        for index in self.text_columns:
            value = values[index] if index < count else None
            if isinstance(value, str) and value:
                # A column repeats its texts (a class, a union, a result on row after row): each
                # measured once, the last few hundred kept per column.
                known = measured[index]
                found = known.get(value)
                if found is None:
                    if len(known) >= MEASURED_KEPT:
                        known.clear()
                    found = known[value] = self._lines(index, value, bold)
                if found > lines:
                    lines = found
        return lines * line_height(12) + ROW_PADDING

    def _lines(self, index: int, text: str, bold: bool) -> int:
        """The lines of `text` in column `index`: first measured in one pass (most texts of a
        column fit on one line), unless the column's texts have been wrapping (the one pass
        then only adds to the measurement word by word)."""
        width = self.widths[index] - CELL_PADDING
        score = self._one_line[index]
        if score > -ONE_LINE_PATIENCE:
            if textmetrics.fits_on_one_line(text, width, 12, bold):
                self._one_line[index] = min(score + 1, ONE_LINE_PATIENCE)
                return 1
            self._one_line[index] = score - 1
        return textmetrics.wrapped_lines_word_by_word(text, width, 12, bold)

    def _raw_style(self, index: int, bold: bool, quote: bool) -> int:
        """The workbook's style id of a data cell of column `index` written as raw sheet XML."""
        key = ("raw", self.columns[index].kind, bold, quote)
        found = self._styles.get(key)
        if found is None:
            cell = WriteOnlyCell(self.sheet)
            _data_style(cell, self.columns[index].kind, bold)
            if quote:
                cell.quotePrefix = True
            found = self._styles[key] = self.workbook._cell_styles.add(cell._style)
        return found

    def _flush(self, upto: int) -> None:
        """Write out (streaming mode) every row up to `upto`; they can no longer change."""
        self._paginate(upto)
        if not self.streaming or self._hold or self.buffered:
            return
        if self.part:
            for number in range(self._written + 1, upto + 1):
                self.sheet.write_row(number, self._pending.pop(number, None), self.cached)
                self._written = number
            return
        for number in range(self._written + 1, upto + 1):
            cells = self._pending.pop(number, None)
            if cells:
                self.sheet.append([cells.get(col) for col in range(1, max(cells) + 1)])
            else:
                self.sheet.append([])
            self._written = number

    def _block(self, key: tuple, build: Callable[[], None]) -> None:
        """Run `build` (rows from `self.row` on: their cells, merged ranges and heights), or, in a
        sheet of a `ReportWorkbook` that built the same block at the same rows before, write what
        that one wrote: the rows as sheet XML, the ranges, the heights. A report of one sheet per
        Party organisation builds the same header and column titles 1,500 times.

        The block's rows must be new (none of them started) and hold no formula; its rows are
        written as they were when `build` returned (a later change to their cells is refused).
        """
        if not self.part or any(row >= self.row for row in self._pending):
            build()
            return
        blocks = self._styles.setdefault(("blocks",), {})
        key = (*key, self.row, self.split, tuple(self.widths))
        found = blocks.get(key)
        if found is not None:
            rows, merges, heights, after = found
            self._pending.update(rows)
            self.sheet.merged.extend(merges)
            for row, height in heights.items():
                self.row_height(row, height)
            self.row = after
            return
        start, merged = self.row, len(self.sheet.merged)
        build()
        rows = {}
        for row, cells in self._pending.items():
            if row < start:
                continue
            if isinstance(cells, str) or any(cell.data_type == "f" for cell in cells.values()):
                return
            rows[row] = "".join(
                sheetxml.cell_xml(f"{get_column_letter(column)}{row}", cells[column], self.workbook, self.cached)
                for column in sorted(cells)
            )
        end = max([self.row, *rows])
        heights = {row: self._heights[row] for row in range(start, end + 1) if row in self._heights}
        if len(blocks) < BLOCKS_KEPT:
            blocks[key] = (rows, self.sheet.merged[merged:], heights, self.row)

    def _styled(self, cell, key: tuple, make) -> None:
        """Give `cell` a style built once per workbook (see `_workbook_styles`)."""
        style = self._styles.get(key)
        if style is None:
            make(cell)
            self._styles[key] = copy(cell._style)
        else:
            cell._style = copy(style)

    # --- pages ----------------------------------------------------------------------

    def _paginate(self, upto: int) -> None:
        """Place rows up to `upto` on pages, breaking before a row that no longer fits.

        The closing block (from `closing_from`) is placed as one piece by `_paginate_closing`.
        """
        if self.header_row is None:
            return
        stop = upto if self.closing_from is None else min(upto, self.closing_from - 1)
        for row in range(self._placed + 1, stop + 1):
            height = self._heights.pop(row, BLANK_ROW_HEIGHT)
            if row > self.header_row + 1 and self._used + height > self.capacity:
                self._break_after(row - 1)
            self._used += height
            if row >= (self.first_data_row or row + 1):
                self._recent.append((row, height))
            self._placed = row

    def _break_after(self, row: int) -> None:
        self.breaks.append(row)
        self.sheet.row_breaks.append(Break(id=row))
        self._used = self._titles_height
        self._recent.clear()

    def _paginate_closing(self, last: int) -> None:
        """Keep the totals row, notes, "Nơi nhận" and signatures on one page with the last table rows."""
        if self.closing_from is None or self.header_row is None:
            self._paginate(last)
            return
        self._paginate(self.closing_from - 1)
        block = sum(self._heights.get(row, BLANK_ROW_HEIGHT) for row in range(self.closing_from, last + 1))
        if self._used + block > self.capacity and block + self._titles_height < self.capacity:
            # Carry the last rows of the table over with the closing block (as many of the last
            # KEEP_ROWS as fit, and never all the rows of the page).
            carried, height = [], 0.0
            recent = list(self._recent)
            for row, row_height in reversed(recent[1:]):
                if len(carried) == KEEP_ROWS or self._titles_height + height + row_height + block > self.capacity:
                    break
                carried.append(row)
                height += row_height
            if carried:
                self._break_after(min(carried) - 1)
                self._used += height
            else:
                self._break_after(self.closing_from - 1)
        self._used += block
        self._placed = last

    # --- blocks ---------------------------------------------------------------------

    def _merged(self, row, first, last, value, font, align="center", height=None):
        if last > first:
            self.merge(row, first, last)
        cell = self.cell(row, first)
        self._styled(
            cell,
            ("merged", font.sz, font.b, font.i, font.u, align),
            lambda c: _set_style(c, font, _alignment(align, "center", True)),
        )
        set_text(cell, value)
        self.fit_height(row, value, first, last, font.sz or 12, bool(font.b), bool(font.i))
        if height:
            self.row_height(row, height)
        return cell

    def _rule(self, row: int, first: int, last: int, text_width: float, fraction: float) -> None:
        """A short rule centred under a line of the header: underlined no-break spaces, `fraction`
        of the line above it long (Nghị định 30/2020: a third to a half under the issuer, the
        whole length under the motto)."""
        space = textmetrics.text_width("\u00a0", RULE_SIZE) or 1
        count = max(4, min(int(text_width * fraction / space), int((self.width_of(first, last) - 8) / space)))
        if last > first:
            self.merge(row, first, last)
        cell = self.cell(row, first, "\u00a0" * count)
        cell.data_type = "s"
        self._styled(
            cell,
            ("rule",),
            lambda c: _set_style(c, Font(name=FONT, size=RULE_SIZE, underline="single"), _alignment("center", "top")),
        )
        self.row_height(row, RULE_ROW_HEIGHT)

    def header(self, number: str | None = None, on: datetime.date | None = None) -> None:
        """Issuer at top left, national name and motto at top right (each with its short rule), place and date."""
        issue = _issue.get()
        if issue is not None:
            number, on = number or issue.number, on or issue.on
        on = on or datetime.date.today()
        issuer = self.issuer
        key = ("header", issuer.superior, issuer.name, issuer.document_code, issuer.place, number, on)
        self._block(key, lambda: self._header(number, on))

    def _header(self, number: str | None, on: datetime.date) -> None:
        left_last, right_first = self.split, self.split + 1
        self._merged(1, 1, left_last, self.issuer.superior, _font(12))
        self._merged(2, 1, left_last, self.issuer.name, _font(12, bold=True))
        issuer_width = min(textmetrics.text_width(self.issuer.name, 12, True), self.width_of(1, left_last))
        self._rule(3, 1, left_last, issuer_width, 0.4)
        self._merged(
            4, 1, left_last, f"Số:      /BC-{self.issuer.document_code}" if number is None else number, _font(12)
        )
        self._merged(1, right_first, self.n, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", _font(12, bold=True))
        motto = "Độc lập - Tự do - Hạnh phúc"
        self._merged(2, right_first, self.n, motto, _font(13, bold=True))
        self._rule(3, right_first, self.n, textmetrics.text_width(motto, 13, True), 1.0)
        place = self.issuer.place or ""
        self._merged(
            4,
            right_first,
            self.n,
            f"{place}, ngày {on.day:02d} tháng {on.month:02d} năm {on.year}",
            _font(13, italic=True),
        )
        self.row = 6

    def titles(self, title: str, period: str = "") -> None:
        self._block(("titles", title, period), lambda: self._titles(title, period))

    def _titles(self, title: str, period: str) -> None:
        self._merged(self.row, 1, self.n, title.upper(), _font(14, bold=True))
        self.row += 1
        if period:
            self._merged(self.row, 1, self.n, period, _font(13, italic=True))
            self.row += 1
        self.row += 1

    def addressee(self, text: str) -> None:
        """ "Kính gửi: …" under the titles, centred."""
        self._merged(self.row, 1, self.n, f"Kính gửi: {text}", _font(13))
        self.row += 2

    def table_header(self) -> None:
        sheet = self.sheet
        self._block(("table", tuple(column.title for column in self.columns)), self._column_titles)
        self.header_row = self.row
        self._titles_height = self._heights[self.row] + self._heights[self.row + 1]
        self.row += 2
        self.first_data_row = self.row
        # Freeze everything above the first data row; repeat the column titles on every page.
        sheet.freeze_panes = f"A{self.row}"
        sheet.print_title_rows = f"{self.header_row}:{self.header_row + 1}"
        self._paginate(self.row - 1)
        if self.streaming:
            self._hold = False
            self._flush(self.row - 1)

    def _column_titles(self) -> None:
        """The table's column titles, and under them their numbers (1), (2), …"""
        for index, column in enumerate(self.columns, start=1):
            cell = self.cell(self.row, index)
            self._styled(
                cell,
                ("title",),
                lambda c: _set_style(c, _font(12, bold=True), _alignment("center", "center", True), BOX),
            )
            set_text(cell, column.title)
            self.fit_height(self.row, column.title, index, index, 12, bold=True)
            number = self.cell(self.row + 1, index)
            self._styled(
                number, ("column number",), lambda c: _set_style(c, _font(12, italic=True), _alignment("center"), BOX)
            )
            set_text(number, f"({index})")
        self.row_height(self.row + 1, line_height(12) + ROW_PADDING)

    def data_row(
        self, values: Sequence[object], bold: bool = False, height: float | None = None, measured: bool = False
    ) -> int:
        """A row of the table; as tall as its tallest text (or `height`, if taller); `measured`: `height`
        is that already (`data_height` of the same texts in columns as wide)."""
        progress.step()  # a background export's progress bar follows the rows written
        if not measured:
            height = max(height or 0, self._data_height(values, bold))
        if self.raw is not None:
            return self._raw_row(values, bold, height)
        self._flush(self.row - 1)
        for index, (column, value) in enumerate(zip(self.columns, values, strict=False), start=1):
            cell = self.cell(self.row, index)
            self._styled(cell, ("data", column.kind, bold), lambda c, k=column.kind, b=bold: _data_style(c, k, b))
            set_text(cell, value)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                self._sums[index - 1] += value
        self.row_height(self.row, height)
        self.last_data_row = self.row
        self.row += 1
        return self.row - 1

    def table_rows(self, rows: Iterable[Sequence[object]], height: float | None = None) -> None:
        """Every row of `rows` as `data_row(values, height=height)` writes it, `ROWS_PER_READ` rows
        at a time (`data_rows`): the rows are read as they come, never all held."""
        rows = iter(rows)
        least = height or 0
        while chunk := list(itertools.islice(rows, ROWS_PER_READ)):
            heights = [self._data_height(values, False) for values in chunk]
            self.data_rows(chunk, [max(least, found) for found in heights] if least else heights)

    def data_rows(self, rows: Sequence[Sequence[object]], heights: Sequence[float]) -> None:
        """Rows of the table, each of `heights` tall (`data_height` of its texts, or taller): what
        `data_row(values, height=height, measured=True)` writes row by row, written in one go in a
        fast sheet (the rows are placed on pages when the next row or block comes)."""
        if self.raw is None or not rows:
            for values, height in zip(rows, heights, strict=True):
                self.data_row(values, height=height, measured=True)
            return
        progress.step(len(rows))
        raw, first = self.raw, self.row
        last = first + len(rows) - 1
        rounded = [round(height, 2) for height in heights]
        self._raw_placeholder(first, rounded[0])  # the rows before are placed; these follow them
        self._heights.update(zip(range(first, last + 1), rounded, strict=True))
        write = raw.write
        for row, values, height in zip(range(first, last + 1), rows, rounded, strict=True):
            write(row, values, False, height)
        sums, shortest = self._sums, min(map(len, rows))
        for index in self._summed:  # the columns whose total is their sum (`totals_row`)
            column = (
                [values[index] for values in rows] if index < shortest else [_cell(values, index) for values in rows]
            )
            # Numbers only (most columns), summed as they are; else what each value adds.
            sums[index] += sum(column) if set(map(type, column)) <= NUMBER_TYPES else sum(map(_number, column))
        self._written = raw.last = self.last_data_row = last
        self.row = last + 1

    def _raw_row(self, values: Sequence[object], bold: bool, height: float) -> int:
        height = round(height, 2)
        self._raw_placeholder(self.row, height)
        self.raw.write(self.row, values, bold, height)
        sums = self._sums
        for index in self._summed:  # the columns whose total is their sum (`totals_row`)
            sums[index] += _number(_cell(values, index))
        self.last_data_row = self.row
        self.row += 1
        return self.row - 1

    def section(
        self,
        heading: Sequence[object],
        rows: Iterable[Sequence[object]],
        subtotal: Callable[[int, int, list[float]], Sequence[object]],
    ) -> tuple[int, int, int, list[float]]:
        """A bold heading row and the data rows under it, the heading carrying their subtotal.

        `subtotal(first, last, sums)` gives the heading's values once its rows are written (their
        range, and each column's sum of numbers): values, or `Formula`s over the range with their
        values. In a fast sheet the rows are written aside until then (`RawRows.divert`), so a
        section of any length is never held in memory. Returns the heading's row, the first and
        last rows under it, and the sums.
        """
        heading_row = self.row
        sums = [0.0] * self.n

        def counted(values):
            for index, value in enumerate(values[: self.n]):
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    sums[index] += value
            return values

        if self.raw is None:
            if self.streaming and not self.buffered:
                raise RuntimeError("A section's heading is written after its rows: use a fast or buffered sheet.")
            self.data_row(heading, bold=True)
            for values in rows:
                self.data_row(counted(values))
            last = self.row - 1
            for index, (old, new) in enumerate(zip(heading, subtotal(heading_row + 1, last, sums), strict=False), 1):
                if isinstance(new, Formula):
                    self.formula_cell(heading_row, index, new.text, cached=new.cached)
                    self.cell(heading_row, index).font = _font(12, bold=True)
                elif new != old:
                    set_text(self.cell(heading_row, index), new)
            return heading_row, heading_row + 1, last, sums
        height = round(self._data_height(heading, True), 2)
        self._raw_placeholder(heading_row, height)
        kept = self.raw.divert()
        self.row += 1
        self.table_rows(map(counted, rows))
        last = self.row - 1
        self.raw.put_back(kept, heading_row, subtotal(heading_row + 1, last, sums), True, height)
        self.last_data_row = max(last, heading_row)
        return heading_row, heading_row + 1, last, sums

    def _raw_placeholder(self, row: int, height: float) -> None:
        """Make `row` the next raw row: its place in openpyxl's sheet and on the pages."""
        if self.raw.first is None:
            self._flush(row - 1)
            self.raw.first = row
        elif row != self.raw.last + 1:
            raise RuntimeError("Data rows of a fast sheet must follow each other.")
        else:
            self._paginate(row - 1)
        self._written = row
        self._heights[row] = height
        self.raw.last = row

    def formula_cell(self, row: int, column_index: int, formula: str, cached=None, kind: str = "int") -> None:
        """A live formula written by the program itself (never from user text), with its current value."""
        cell = self.cell(row, column_index, formula)
        if cached is not None:
            self.cached[f"{get_column_letter(column_index)}{row}"] = cached
        number_format = PERCENT_FORMAT if kind == "percent" else NUMBER_FORMAT
        self._styled(
            cell,
            ("formula", number_format),
            lambda c: _set_style(c, _font(12), _alignment("right", "center"), BOX, number_format),
        )

    def start_closing(self) -> None:
        """From this row on, the rows stay on one page with the last rows of the table."""
        self._flush(self.row - 1)
        if self.closing_from is None:
            self.closing_from = self.row

    def totals_row(
        self, label: str = "Tổng cộng", label_column: int = 1, cached: dict | None = None, label_span: int = 1
    ) -> int:
        """The table's last row: `label` as its first text, live SUM (or given) formulas below numbers.

        `cached` gives the value of non-SUM formula columns by column index (1-based);
        `label_span` merges the label's cell with the next ones (a label in a narrow column).
        """
        self.start_closing()
        row = self.row
        first, last = self.first_data_row, self.last_data_row
        bold = _font(12, bold=True)
        for index, column in enumerate(self.columns, start=1):
            cell = self.cell(row, index)
            if index == label_column:
                self._styled(
                    cell, ("totals label",), lambda c: _set_style(c, bold, _alignment("center", "center", True), BOX)
                )
                set_text(cell, label)
            elif label_column < index < label_column + label_span:
                self._styled(cell, ("totals",), lambda c: _set_style(c, bold, None, BOX))
                continue
            elif column.total == "sum":
                letter = get_column_letter(index)
                cell.value = f"=SUM({letter}{first}:{letter}{last})" if last and last >= first else 0
                self.cached[f"{get_column_letter(index)}{row}"] = self._sums[index - 1]
                self._styled(
                    cell,
                    ("totals", NUMBER_FORMAT),
                    lambda c: _set_style(c, bold, _alignment("right"), BOX, NUMBER_FORMAT),
                )
            elif column.total and last and last >= first:
                cell.value = column.total.format(row=row, first=first, last=last)
                if cached and index in cached and cached[index] is not None:
                    self.cached[f"{get_column_letter(index)}{row}"] = cached[index]
                number_format = PERCENT_FORMAT if column.kind == "percent" else NUMBER_FORMAT
                self._styled(
                    cell,
                    ("totals", number_format),
                    lambda c, f=number_format: _set_style(c, bold, _alignment("right"), BOX, f),
                )
            elif column.total and column.kind != "percent":
                cell.value = 0  # no rows: nothing to count, and no formula over the totals row itself
                self._styled(
                    cell,
                    ("totals", NUMBER_FORMAT),
                    lambda c: _set_style(c, bold, _alignment("right"), BOX, NUMBER_FORMAT),
                )
            else:
                self._styled(cell, ("totals",), lambda c: _set_style(c, bold, None, BOX))
        if label_span > 1:
            self.merge(row, label_column, label_column + label_span - 1)
        self.fit_height(row, label, label_column, label_column + label_span - 1, 12, bold=True)
        self.row += 1
        return row

    def summary_row(self, values: Sequence[object], label_column: int = 2) -> int:
        """A bold row after the data rows (a subtotal), outside the range the totals row sums."""
        self._flush(self.row - 1)
        row = self.row
        bold = _font(12, bold=True)
        for index, (column, value) in enumerate(zip(self.columns, values, strict=False), start=1):
            cell = self.cell(row, index)
            if index == label_column:
                self._styled(
                    cell, ("summary label",), lambda c: _set_style(c, bold, _alignment("left", "center", True), BOX)
                )
                self.fit_height(row, value, index, index, 12, bold=True)
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                number_format = PERCENT_FORMAT if column.kind == "percent" else NUMBER_FORMAT
                self._styled(
                    cell,
                    ("totals", number_format),
                    lambda c, f=number_format: _set_style(c, bold, _alignment("right"), BOX, f),
                )
            else:
                self._styled(cell, ("totals",), lambda c: _set_style(c, bold, None, BOX))
            set_text(cell, value)
        self.row_height(row, line_height(12) + ROW_PADDING)
        self.row += 1
        return row

    def note(self, text: str, italic: bool = True) -> None:
        self.start_closing()
        self._merged(self.row, 1, self.n, text, _font(12, italic=italic), align="left")
        self.row += 1

    def footer(self, recipients: Sequence[str] | None = None) -> None:
        """'Nơi nhận' at bottom left, the signature block at bottom right."""
        self.start_closing()
        self.row += 1
        start = self.row
        split = self.split
        right_first = split + 1
        recipients = list(recipients if recipients is not None else self.issuer.recipients)
        self._merged(start, 1, split, "Nơi nhận:", _font(12, bold=True, italic=True), align="left")
        for offset, recipient in enumerate(recipients, start=1):
            self._merged(start + offset, 1, split, f"- {recipient};", _font(11), align="left")
        self._merged(start, right_first, self.n, "TM. BAN THƯỜNG VỤ", _font(13, bold=True))
        self._merged(start + 1, right_first, self.n, self.issuer.signer_title.upper(), _font(13, bold=True))
        self._merged(start + 5, right_first, self.n, self.issuer.signer_name, _font(13, bold=True))
        self.row = max(start + len(recipients) + 1, start + 7)

    def finish(self) -> None:
        """Page setup: A4 landscape, union margins, fit to width, page numbers, print area, page breaks."""
        sheet = self.sheet
        last = max(self.row - 1, 1)
        self._paginate_closing(last)
        sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        sheet.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.page_setup.scale = self.scale
        sheet.page_margins = PageMargins(
            left=30 / MM_PER_INCH,
            right=15 / MM_PER_INCH,
            top=20 / MM_PER_INCH,
            bottom=20 / MM_PER_INCH,
            header=8 / MM_PER_INCH,
            footer=8 / MM_PER_INCH,
        )
        sheet.oddFooter.center.text = "Trang &P/&N"
        sheet.oddFooter.center.font = f"{FONT},Regular"
        sheet.oddFooter.center.size = 12
        sheet.print_options.horizontalCentered = True
        sheet.print_area = f"A1:{get_column_letter(self.n)}{last}"
        if self.streaming:
            self._hold = self.buffered = False
            self._flush(max([self.row - 1, *self._pending]))
            if self.part:
                self.workbook.finished.append(self)
                self.sheet.rows.park()


def _cell(values: Sequence[object], index: int):
    return values[index] if index < len(values) else None


def _number(value) -> int | float:
    """What a cell's value adds to its column's sum: a number (not a truth value), else nothing."""
    kind = type(value)
    if kind is int or kind is float or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return value
    return 0


def _set_style(cell, font, alignment=None, border=None, number_format=None) -> None:
    cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    if border is not None:
        cell.border = border
    if number_format is not None:
        cell.number_format = number_format


def _data_style(cell, kind: str, bold: bool) -> None:
    cell.font = _font(12, bold=bold)
    cell.border = BOX
    if kind in ("int", "money"):
        cell.number_format = NUMBER_FORMAT
        cell.alignment = _alignment("right", "center")
    elif kind == "percent":
        cell.number_format = PERCENT_FORMAT
        cell.alignment = _alignment("right", "center")
    elif kind == "date":
        cell.number_format = DATE_FORMAT
        cell.alignment = _alignment("center", "center")
    else:
        cell.alignment = _alignment(None, "center", True)


def workbook_bytes(workbook: Workbook, sheets: Sequence[ReportSheet] = ()) -> bytes:
    """Save `workbook`, writing each formula's current value into the file as its cached result.

    openpyxl writes formulas without results, so a program reading the file without a
    spreadsheet engine would see no totals; Excel and LibreOffice recalculate on opening
    either way, and the formulas stay live. The sheets are rewritten in chunks, so a long
    streamed sheet is never held in memory whole.
    """
    if isinstance(workbook, ReportWorkbook):
        return workbook.to_bytes()  # finishes every sheet itself
    buffer = io.BytesIO()
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
