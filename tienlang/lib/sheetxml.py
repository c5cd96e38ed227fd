"""A streaming writer of worksheet XML, for long sheets openpyxl would write slowly.

openpyxl spends about 12 µs on each cell it writes; `RawRows` serialises data rows as plain
sheet XML (inline strings) into a temporary file instead, and `finish_package` splices them
into the saved workbook package at their place (`RowsAsideSheet` numbers the rows openpyxl
writes as if they were there),
writing the cached results of formula cells on the way. It knows nothing of the document
layout around the rows (see `tienlang.lib.document`).
"""

from __future__ import annotations

import datetime
import re
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from tienlang.lib.xlsx import cell_value


class Skip(tuple):
    """Sent to a `RowsAsideSheet` in place of a row: `count` rows are written elsewhere (raw)."""

    def __new__(cls, count: int):
        return super().__new__(cls, (count,))


class RowsAsideSheet(WriteOnlyWorksheet):
    """openpyxl's write-only sheet, whose row numbering can skip the rows written as raw XML
    (`append(Skip(n))`): no placeholder row is written for them.

    Its row loop is openpyxl 3.1's `WriteOnlyWorksheet._write_rows` with that one addition.
    """

    def _write_rows(self):
        try:
            xf = self._writer.xf.send(True)
        except StopIteration:
            self._already_saved()
        with xf.element("sheetData"):
            row_idx = 1
            try:
                while True:
                    row = yield
                    if isinstance(row, Skip):
                        row_idx += row[0]
                        continue
                    row = self._values_to_row(row, row_idx)
                    self._writer.write_row(xf, row, row_idx)
                    row_idx += 1
            except GeneratorExit:
                pass
        self._writer.xf.send(None)


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
        letters = self.letters
        for index in range(self.n):
            value = values[index] if index < len(values) else None
            if not isinstance(value, Formula):  # a formula keeps its text and cached value
                value = cell_value(value)
            ref = f"{letters[index]}{row}"
            if value is None:
                parts.append(f'<c r="{ref}" s="{self.style_id(index, bold, False)}"/>')
            elif isinstance(value, Formula):
                cached = "" if value.cached is None else f"<v>{number(value.cached)}</v>"
                formula = xml_text(value.text.removeprefix("="))
                parts.append(f'<c r="{ref}" s="{self.style_id(index, bold, False)}"><f>{formula}</f>{cached}</c>')
            elif isinstance(value, bool):
                parts.append(f'<c r="{ref}" s="{self.style_id(index, bold, False)}" t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, (int, float)):
                parts.append(f'<c r="{ref}" s="{self.style_id(index, bold, False)}"><v>{number(value)}</v></c>')
            elif isinstance(value, (datetime.date, datetime.datetime)):
                serial = number(to_excel(value))
                parts.append(f'<c r="{ref}" s="{self.style_id(index, bold, False)}"><v>{serial}</v></c>')
            else:
                text = ILLEGAL_CHARACTERS_RE.sub("", value)
                # Text that a spreadsheet could read as a formula gets the quote prefix, as set_text does.
                style = self.style_id(index, bold, text[:1] in ("=", "+", "-", "@", "\t", "\r"))
                space = ' xml:space="preserve"' if text != text.strip() else ""
                parts.append(f'<c r="{ref}" s="{style}" t="inlineStr"><is><t{space}>{xml_text(text)}</t></is></c>')
        parts.append("</row>")
        self.last = row
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
