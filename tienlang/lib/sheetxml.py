"""A streaming writer of worksheet XML, for the report workbooks openpyxl would write slowly.

openpyxl spends about 12 µs on each cell it writes and about 5 ms on each worksheet it opens
and saves (a temporary file, an XML writer, the sheet's objects kept until the workbook is
saved). A `ReportWorkbook` (`tienlang.lib.document`) writes its sheets here instead:
`RawRows` serialises the rows, data rows from their values and the layout's rows (header,
totals, closing block) from openpyxl's write-only cells and their styles, in order, into a
temporary file; `SheetPart` holds a sheet's settings (column widths, frozen rows, merged
ranges, page setup, page breaks) and writes the worksheet part around the rows when the sheet
is finished; `Package` writes the finished parts into the workbook's zip package as they come
and the workbook's own parts (styles, sheet list, print titles and areas) when it is saved.
openpyxl's workbook stays the register of the cell styles. What is written is what openpyxl's
write-only mode writes (`tests/reports/test_export_snapshot.py` compares every cell, style and
print setting). It knows nothing of the document layout (see `tienlang.lib.document`).
"""

from __future__ import annotations

import datetime
import re
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import SimpleNamespace

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.compat import safe_string
from openpyxl.packaging.extended import ExtendedProperties
from openpyxl.styles.stylesheet import write_stylesheet
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import absolute_coordinate, quote_sheetname
from openpyxl.utils.datetime import to_excel
from openpyxl.writer.theme import theme_xml
from openpyxl.xml.functions import tostring

from tienlang.lib.xlsx import cell_value


@dataclass(frozen=True)
class Formula:
    """A live formula written by the program itself (never from user text), with its value."""

    text: str  # "=SUM(D7:D20)"
    cached: object = None


# Bytes of rows kept in memory before they go to a temporary file: the most a sheet's rows
# hold in memory, however long the sheet.
SPOOL_BYTES = 1 << 20
# Pieces of XML gathered before they are written out together.
FLUSH_PARTS = 2000
# A finished sheet's rows above this size go to disk until the workbook is saved.
PARK_BYTES = 64 << 10


class RawRows:
    """Data rows of one sheet, serialised as sheet XML (inline strings) into a temporary file.

    `style` gives the workbook's style id of a column's data cell: (column index, bold,
    quote prefix) -> id. It is asked once per distinct key.
    """

    def __init__(self, n: int, style: Callable[[int, bool, bool], int]):
        self.n = n
        self.make_style = style
        self.file = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
        self.first = None
        self.last = None
        self.letters = [get_column_letter(i) for i in range(1, n + 1)]
        self.styles: dict[tuple, int] = {}
        self.plain: dict[bool, list[int | None]] = {False: [None] * n, True: [None] * n}
        self.buffer: list[str] = []

    def style_id(self, index: int, bold: bool, quote: bool) -> int:
        key = (index, bold, quote)
        found = self.styles.get(key)
        if found is None:
            found = self.styles[key] = self.make_style(index, bold, quote)
        return found

    def write(self, row: int, values: Sequence[object], bold: bool, height: float | None) -> None:
        parts = self.buffer
        parts.append(f'<row r="{row}" ht="{height}" customHeight="1">' if height else f'<row r="{row}">')
        plain = self.plain[bold]  # the style ids of the row's cells without a quote prefix, as met
        count = len(values)
        for index, letter in enumerate(self.letters):
            value = values[index] if index < count else None
            kind = type(value)
            # Whole numbers and empty cells, most of a report, straight; the rest by `_cell`.
            if kind is int or value is None:
                style = plain[index]
                if style is None:
                    style = plain[index] = self.style_id(index, bold, False)
                if value is None:
                    parts.append(f'<c r="{letter}{row}" s="{style}"/>')
                else:
                    parts.append(f'<c r="{letter}{row}" s="{style}"><v>{value}</v></c>')
            elif kind is str:
                parts.append(self._text(f"{letter}{row}", index, value, bold))
            elif kind is float:
                style = plain[index]
                if style is None:
                    style = plain[index] = self.style_id(index, bold, False)
                parts.append(f'<c r="{letter}{row}" s="{style}"><v>{number(value)}</v></c>')
            else:
                parts.append(self._cell(f"{letter}{row}", index, value, bold))
        parts.append("</row>")
        self.last = row
        if len(parts) > FLUSH_PARTS:
            self.flush()

    def _cell(self, ref: str, index: int, value: object, bold: bool) -> str:
        if not isinstance(value, Formula):  # a formula keeps its text and cached value
            value = cell_value(value)
        if value is None:
            return f'<c r="{ref}" s="{self.style_id(index, bold, False)}"/>'
        if isinstance(value, Formula):
            cached = "" if value.cached is None else f"<v>{number(value.cached)}</v>"
            formula = xml_text(value.text.removeprefix("="))
            return f'<c r="{ref}" s="{self.style_id(index, bold, False)}"><f>{formula}</f>{cached}</c>'
        if isinstance(value, bool):
            return f'<c r="{ref}" s="{self.style_id(index, bold, False)}" t="b"><v>{int(value)}</v></c>'
        if isinstance(value, (int, float)):
            return f'<c r="{ref}" s="{self.style_id(index, bold, False)}"><v>{number(value)}</v></c>'
        if isinstance(value, (datetime.date, datetime.datetime)):
            serial = number(to_excel(value))
            return f'<c r="{ref}" s="{self.style_id(index, bold, False)}"><v>{serial}</v></c>'
        return self._text(ref, index, value, bold)

    def _text(self, ref: str, index: int, value: str, bold: bool) -> str:
        text = ILLEGAL_CHARACTERS_RE.sub("", value)
        # Text that a spreadsheet could read as a formula gets the quote prefix, as set_text does.
        style = self.style_id(index, bold, text[:1] in ("=", "+", "-", "@", "\t", "\r"))
        space = ' xml:space="preserve"' if text != text.strip() else ""
        return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t{space}>{xml_text(text)}</t></is></c>'

    def write_cells(self, row: int, cells: dict | None, height: float | None, workbook, cached: dict) -> None:
        """Row `row` of the layout (header, titles, totals, closing block): openpyxl's write-only
        cells by column, written as openpyxl writes them (`cell_xml`); `cached` gives the values
        of formula cells by reference."""
        parts = self.buffer
        parts.append(f'<row r="{row}" ht="{safe_string(height)}" customHeight="1">' if height else f'<row r="{row}">')
        if isinstance(cells, str):  # written before (a kept block of the layout, see `ReportSheet._block`)
            parts.append(cells)
        else:
            for column in sorted(cells or ()):
                parts.append(cell_xml(f"{get_column_letter(column)}{row}", cells[column], workbook, cached))
        parts.append("</row>")
        if len(parts) > FLUSH_PARTS:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            self.file.write("".join(self.buffer).encode("utf-8"))
            self.buffer = []

    def park(self) -> None:
        """The sheet is complete: its rows wait on disk for the workbook to be saved (a workbook of
        many sheets would otherwise hold every sheet's last megabyte)."""
        self.flush()
        if self.file.tell() > PARK_BYTES:  # a few rows cost less in memory than an open file's buffer
            self.file.rollover()

    def divert(self):
        """Write the rows that follow aside (a section whose heading row is written after them,
        see `put_back`); returns what `put_back` needs."""
        self.flush()
        kept, self.file = self.file, tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
        return kept

    def put_back(self, kept, row: int, values: Sequence[object], bold: bool, height: float | None) -> None:
        """Write row `row` (above the diverted rows) and then the diverted rows, in order."""
        self.flush()
        aside, self.file = self.file, kept
        last = self.last
        self.write(row, values, bold, height)
        self.flush()
        aside.seek(0)
        while block := aside.read(COPY_BLOCK):
            self.file.write(block)
        aside.close()
        self.last = max(last or row, row)


def xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def xml_attribute(text: str) -> str:
    return xml_text(text).replace('"', "&quot;")


def cell_xml(ref: str, cell, workbook, cached: dict) -> str:
    """An openpyxl write-only cell as openpyxl 3.1's write-only sheet writes it (inline strings,
    dates as serial numbers, a formula with its cached value from `cached`)."""
    style = cell._style
    styled = style is not None and any(style)
    value, kind = cell._value, cell.data_type
    if value is None and not styled:
        return ""
    attributes = f' s="{workbook._cell_styles.add(style)}"' if styled else ""
    if kind == "s":
        attributes += ' t="inlineStr"'
    elif kind == "d":
        attributes += ' t="n"'
        value = to_excel(value, workbook.epoch)
    elif kind != "f":
        attributes += f' t="{kind}"'
    if value is None or value == "":
        return f'<c r="{ref}"{attributes}/>'
    if kind == "f":
        result = cached.get(ref)
        result = "<v/>" if result is None else f"<v>{number(result)}</v>"
        return f'<c r="{ref}"{attributes}><f>{xml_text(value[1:])}</f>{result}</c>'
    if kind == "s":
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f'<c r="{ref}"{attributes}><is><t{space}>{xml_text(value)}</t></is></c>'
    return f'<c r="{ref}"{attributes}><v>{safe_string(value)}</v></c>'


MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


class _Width:
    width = None


class _Height:
    height = None


class SheetPart:
    """One worksheet of a `ReportWorkbook`, written by the program: the settings a `ReportSheet`
    gives a sheet, under the names openpyxl's worksheet gives them, and its rows (`rows`, a
    `RawRows` the sheet writes into in order). `part_xml` writes the worksheet part, in the
    order and form of openpyxl 3.1's worksheet writer."""

    def __init__(self, workbook, title: str = ""):
        self.parent = workbook  # openpyxl's cells find the workbook's style lists through it
        self.title = title
        self.rows: RawRows | None = None
        self.column_dimensions = defaultdict(_Width)  # letter -> width
        self.row_dimensions = defaultdict(_Height)  # row -> height, until the row is written
        self.sheet_properties = SimpleNamespace(pageSetUpPr=SimpleNamespace(fitToPage=None))
        self.sheet_format = SimpleNamespace(defaultRowHeight=None, customHeight=None)
        self.freeze_panes: str | None = None  # "A12": the rows above 12 frozen
        self.print_title_rows: str | None = None  # "9:10"
        self.print_area: str | None = None  # "A1:I27"
        self.page_setup = SimpleNamespace(
            orientation=None, paperSize=None, scale=None, fitToHeight=None, fitToWidth=None
        )
        self.page_margins = None
        self.oddFooter = SimpleNamespace(center=SimpleNamespace(text=None, font=None, size=None))
        self.print_options = SimpleNamespace(horizontalCentered=None)
        self.row_breaks: list = []  # openpyxl `Break`s
        self.merged: list[str] = []
        self.closed = False
        self.index = 0  # its place in the workbook (from 0)

    def write_row(self, row: int, cells: dict | None, cached: dict) -> None:
        """Write a layout row (after the rows before it) with its height, if it has one."""
        dimension = self.row_dimensions.pop(row, None)
        self.rows.write_cells(row, cells, dimension.height if dimension else None, self.parent, cached)

    def head(self) -> str:
        parts = [f'<worksheet xmlns="{MAIN_NS}"><sheetPr><outlinePr summaryBelow="1" summaryRight="1"/>']
        fit = self.sheet_properties.pageSetUpPr.fitToPage
        parts.append("<pageSetUpPr/>" if fit is None else f'<pageSetUpPr fitToPage="{int(bool(fit))}"/>')
        parts.append('</sheetPr><sheetViews><sheetView workbookViewId="0">')
        frozen = int(self.freeze_panes[1:]) if self.freeze_panes else 1
        if frozen > 1:
            parts.append(
                f'<pane ySplit="{frozen - 1}" topLeftCell="A{frozen}" activePane="bottomLeft" state="frozen"/>'
                '<selection pane="bottomLeft" activeCell="A1" sqref="A1"/>'
            )
        else:
            parts.append('<selection activeCell="A1" sqref="A1"/>')
        parts.append("</sheetView></sheetViews>")
        sheet_format = self.sheet_format
        parts.append('<sheetFormatPr baseColWidth="8"')
        if sheet_format.defaultRowHeight is not None:
            parts.append(f' defaultRowHeight="{safe_string(sheet_format.defaultRowHeight)}"')
        if sheet_format.customHeight:
            parts.append(' customHeight="1"')
        parts.append("/>")
        columns = []
        for letter, dimension in self.column_dimensions.items():
            if dimension.width is not None:
                index = column_index(letter)
                width = safe_string(dimension.width)
                columns.append(f'<col width="{width}" customWidth="1" min="{index}" max="{index}"/>')
        if columns:
            parts.append(f"<cols>{''.join(columns)}</cols>")
        parts.append("<sheetData>")
        return "".join(parts)

    def tail(self) -> str:
        parts = ["</sheetData>"]
        if self.merged:
            parts.append(f'<mergeCells count="{len(self.merged)}">')
            parts.extend(f'<mergeCell ref="{ref}"/>' for ref in self.merged)
            parts.append("</mergeCells>")
        if self.print_options.horizontalCentered:
            parts.append('<printOptions horizontalCentered="1"/>')
        margins = self.page_margins
        if margins is not None:
            values = (margins.left, margins.right, margins.top, margins.bottom, margins.header, margins.footer)
            names = ("left", "right", "top", "bottom", "header", "footer")
            attributes = "".join(f' {n}="{safe_string(v)}"' for n, v in zip(names, values, strict=True))
            parts.append(f"<pageMargins{attributes}/>")
        setup = self.page_setup
        attributes = "".join(
            f' {name}="{safe_string(getattr(setup, name))}"'
            for name in ("orientation", "paperSize", "scale", "fitToHeight", "fitToWidth")
            if getattr(setup, name) is not None
        )
        if attributes:
            parts.append(f"<pageSetup{attributes}/>")
        center = self.oddFooter.center
        if center.text:
            text = "&C" + (f'&"{center.font}"' if center.font else "") + (f"&{center.size} " if center.size else "")
            parts.append(
                f"<headerFooter><oddHeader/><oddFooter>{xml_text(text + center.text)}</oddFooter>"
                "<evenHeader/><evenFooter/><firstHeader/><firstFooter/></headerFooter>"
            )
        if self.row_breaks:
            count = len(self.row_breaks)
            parts.append(f'<rowBreaks count="{count}" manualBreakCount="{count}">')
            parts.extend(f'<brk id="{brk.id}" min="0" max="16383" man="1"/>' for brk in self.row_breaks)
            parts.append("</rowBreaks>")
        parts.append("</worksheet>")
        return "".join(parts)

    def defined_names(self, index: int) -> str:
        """The sheet's repeated rows and print area, as the workbook's defined names."""
        names = []
        quoted = xml_text(quote_sheetname(self.title))
        if self.print_title_rows:
            first, last = self.print_title_rows.split(":")
            names.append(
                f'<definedName name="_xlnm.Print_Titles" localSheetId="{index}">{quoted}!${first}:${last}</definedName>'
            )
        if self.print_area:
            area = absolute_coordinate(self.print_area)
            names.append(f'<definedName name="_xlnm.Print_Area" localSheetId="{index}">{quoted}!{area}</definedName>')
        return "".join(names)


def column_index(letter: str) -> int:
    index = 0
    for char in letter:
        index = index * 26 + ord(char) - 64
    return index


class Package:
    """The zip package of a `ReportWorkbook`: each sheet's part written when the sheet is done
    (what a finished sheet keeps is its title and print names), the workbook's parts at the end."""

    def __init__(self, spool_bytes: int):
        self.file = tempfile.SpooledTemporaryFile(max_size=spool_bytes)
        self.zip = zipfile.ZipFile(self.file, "w", zipfile.ZIP_DEFLATED)
        self.sheets: dict[int, tuple[str, str]] = {}  # by the sheet's place: (title, defined names)

    def add_sheet(self, part: SheetPart) -> None:
        """Write `part` (its rows are complete) into the package and let its rows go."""
        index = part.index
        rows = part.rows
        rows.flush()
        head, tail = part.head().encode("utf-8"), part.tail().encode("utf-8")
        with self.zip.open(f"xl/worksheets/sheet{index + 1}.xml", "w") as writer:
            size = rows.file.seek(0, 2)
            rows.file.seek(0)
            if size < COPY_BLOCK:
                writer.write(head + rows.file.read() + tail)  # a short sheet: compressed in one piece
            else:
                writer.write(head)
                while block := rows.file.read(COPY_BLOCK):
                    writer.write(block)
                writer.write(tail)
        rows.file.close()
        part.rows, part.closed = None, True
        self.sheets[index] = (part.title, part.defined_names(index))

    def finish(self, workbook, target) -> bytes | None:
        """Write the workbook's own parts (styles from `workbook`'s registers) and copy the
        package into `target` (a file), or return its bytes (`target` None)."""
        archive = self.zip
        archive.writestr("docProps/app.xml", tostring(ExtendedProperties().to_tree()))
        workbook.properties.modified = datetime.datetime.now(tz=datetime.UTC).replace(tzinfo=None)
        archive.writestr("docProps/core.xml", tostring(workbook.properties.to_tree()))
        archive.writestr("xl/theme/theme1.xml", theme_xml)
        archive.writestr("xl/styles.xml", tostring(write_stylesheet(workbook)))
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS_NS}">'
            f'<Relationship Type="{RELATIONSHIPS_NS}/officeDocument" Target="xl/workbook.xml" Id="rId1"/>'
            f'<Relationship Type="{PACKAGE_RELATIONSHIPS_NS}/metadata/core-properties" Target="docProps/core.xml" '
            'Id="rId2"/>'
            f'<Relationship Type="{RELATIONSHIPS_NS}/extended-properties" Target="docProps/app.xml" Id="rId3"/>'
            "</Relationships>",
        )
        archive.writestr("xl/workbook.xml", self._workbook_xml(workbook))
        count = len(self.sheets)
        links = "".join(
            f'<Relationship Type="{RELATIONSHIPS_NS}/worksheet" Target="/xl/worksheets/sheet{n}.xml" Id="rId{n}"/>'
            for n in range(1, count + 1)
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS_NS}">{links}'
            f'<Relationship Type="{RELATIONSHIPS_NS}/styles" Target="styles.xml" Id="rId{count + 1}"/>'
            f'<Relationship Type="{RELATIONSHIPS_NS}/theme" Target="theme/theme1.xml" Id="rId{count + 2}"/>'
            "</Relationships>",
        )
        office = "application/vnd.openxmlformats-officedocument"
        sheets = "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{WORKSHEET_TYPE}"/>'
            for n in range(1, count + 1)
        )
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{office}.spreadsheetml.styles+xml"/>'
            f'<Override PartName="/xl/theme/theme1.xml" ContentType="{office}.theme+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            f'<Override PartName="/docProps/app.xml" ContentType="{office}.extended-properties+xml"/>'
            f'{sheets}<Override PartName="/xl/workbook.xml" ContentType="{office}.spreadsheetml.sheet.main+xml"/>'
            "</Types>",
        )
        archive.close()
        self.file.seek(0)
        if target is None:  # the package's bytes themselves (one copy, not two)
            data = self.file.read()
            self.file.close()
            return data
        while block := self.file.read(COPY_BLOCK):
            target.write(block)
        self.file.close()
        return None

    def _workbook_xml(self, workbook) -> str:
        sheets = "".join(
            f'<sheet name="{xml_attribute(title)}" sheetId="{n}" state="visible" r:id="rId{n}"/>'
            for n, (title, _names) in enumerate((self.sheets[i] for i in sorted(self.sheets)), start=1)
        )
        names = "".join(self.sheets[i][1] for i in sorted(self.sheets))
        calculation = workbook.calculation
        return (
            f'<workbook xmlns:r="{RELATIONSHIPS_NS}" xmlns="{MAIN_NS}"><workbookPr/><workbookProtection/>'
            '<bookViews><workbookView visibility="visible" minimized="0" showHorizontalScroll="1" '
            'showVerticalScroll="1" showSheetTabs="1" tabRatio="600" firstSheet="0" activeTab="0" '
            'autoFilterDateGrouping="1"/></bookViews>'
            f"<sheets>{sheets}</sheets>"
            + (f"<definedNames>{names}</definedNames>" if names else "")
            + f'<calcPr calcId="{calculation.calcId}" fullCalcOnLoad="{int(bool(calculation.fullCalcOnLoad))}"/>'
            "</workbook>"
        )


def finish_package(package, target, parts: dict) -> None:
    """Copy the saved package into `target`, finishing the sheets in `parts` on the way.

    `parts` maps a sheet's part name to an object with `cached` (formula cell -> value) and
    `raw` (its `RawRows`, or None).
    """
    source = zipfile.ZipFile(package)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as output:
        for item in source.infolist():
            sheet = parts.get(item.filename)
            if sheet is None or (not sheet.cached and (sheet.raw is None or sheet.raw.first is None)):
                output.writestr(item, source.read(item.filename))
                continue
            patterns = [
                (re.compile(rb'(<c r="' + ref.encode() + rb'"[^>]*>)<f>(.*?)</f><v\s*(?:/>|></v>)'), value)
                for ref, value in sheet.cached.items()
            ]
            with source.open(item) as reader, output.open(item.filename, "w") as writer:
                copy_sheet(reader, writer, patterns, sheet.raw if sheet.raw and sheet.raw.first else None)


CHUNK = 1 << 18
CARRY = 8192
COPY_BLOCK = 1 << 16  # raw rows copied into the package at a time


def copy_sheet(reader, writer, patterns, raw) -> None:
    """Copy a sheet's XML: cached values into the formula cells of `patterns`, and the data
    rows of `raw` where they belong — before the row that follows them (openpyxl numbered
    its rows after them as if they were there, see `RowsAsideSheet`), or at the end of the
    sheet's data.

    Text is handled in chunks; the tail of each chunk, from the last element that starts
    in it, is carried over, so nothing split across two chunks is missed.
    """
    state = "before" if raw is not None else "after"
    if raw is not None:
        raw.flush()
        markers = (f'<row r="{raw.last + 1}"'.encode(), b"</sheetData>")
    pending = b""

    def emit(text: bytes) -> None:
        for pattern, value in patterns:
            encoded = number(value).encode()
            text = pattern.sub(lambda m, v=encoded: m.group(1) + b"<f>" + m.group(2) + b"</f><v>" + v + b"</v>", text)
        writer.write(text)

    while True:
        chunk = reader.read(CHUNK)
        text = pending + chunk
        pending = b""
        if state == "before":
            rest = _insert_raw_rows(text, markers, raw, writer, emit)
            if rest is not None:
                text, state = rest, "after"
            elif not chunk:
                raise RuntimeError("The sheet ended before its data rows' place.")
        if not chunk:
            emit(text)
            return
        cut = _carry_from(text)
        emit(text[:cut])
        pending = text[cut:]


def _carry_from(text: bytes) -> int:
    """Where the tail carried to the next chunk starts: the last cell that starts near the end."""
    cut = text.rfind(b"<c ", max(0, len(text) - CARRY))
    return cut if cut != -1 else max(0, len(text) - CARRY)


def _insert_raw_rows(text: bytes, markers: tuple[bytes, bytes], raw, writer, emit) -> bytes | None:
    """Once the place of the data rows is in `text` (the row after them, else the end of the
    sheet's data, which comes later): write what precedes it, then the data rows, and return
    the rest; None while it has not come yet."""
    following, end = markers
    at = text.find(following)
    if at == -1:
        at = text.find(end)
    if at == -1:
        return None
    emit(text[:at])
    raw.file.seek(0)
    while block := raw.file.read(COPY_BLOCK):
        writer.write(block)
    return text[at:]


def number(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(float(value)) if isinstance(value, float) else str(int(value))
