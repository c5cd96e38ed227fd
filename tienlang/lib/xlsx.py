"""Excel in and out, for every import and export of the product.

Reading (`read_upload`) is strict *before* openpyxl parses anything: the file must be a
real .xlsx by content (not by name), without macros or external links, and its zip
container is measured (number of parts, total unpacked size, compression ratio) so a
zip bomb is refused without being inflated; then its XML tags are counted against a
budget that grows with the rows allowed, so no file costs more to parse than a full
legitimate one. openpyxl parses XML through defusedxml (a system check makes sure it is
installed), so entity-expansion attacks fail too, and the worksheet is streamed row by
row at flat memory (see `_sheet_rows`).

Writing goes through `text_cell` / `cell_value`: any text a user typed is stored as a
string with Excel's quote prefix, so a value such as "=HYPERLINK(...)" can never run as a
formula.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import logging
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import openpyxl
from defusedxml import DefusedXmlException
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import coordinate_to_tuple
from openpyxl.worksheet._reader import DATA_TAG, ROW_TAG, WorkSheetParser
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse  # defusedxml's (the start-up check tienlang.lib.checks insists on it)

from tienlang.lib.text import clean_text, strip_invisible

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------
# Limits
# ---------------------------------------------------------------------------------------

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # the file as uploaded
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # all parts once inflated
MAX_PARTS = 500
MAX_RATIO = 200  # inflated/compressed, per part larger than 1 MiB
MAX_DATA_ROWS = 20_000
# XML tags ("<") allowed in the whole package per data row allowed, plus the fixed parts
# (styles, theme). A row of 15 text cells takes about 62; the parsers' time and memory
# grow with the number of tags, so this bounds what any file can cost to read.
TAGS_PER_ROW = 100
FIXED_PART_TAGS = 100_000
HEADER_SEARCH_ROWS = 10

XLSX_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_MAIN_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadError(Exception):
    """The file as a whole cannot be read; the message is for the user (Vietnamese)."""


class CellError(UploadError):
    """One cell makes the file unreadable (a formula): where it is, and why without the place."""

    def __init__(self, message: str, *, row: int, key: str, header: str, reason: str):
        super().__init__(message)
        self.row, self.key, self.header, self.reason = row, key, header, reason


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    aliases: tuple[str, ...] = ()


@dataclass
class SheetRow:
    number: int  # the row number Excel shows
    values: dict[str, object]


@dataclass
class Sheet:
    sha256: str
    header_row: int
    headers: dict[str, str]  # key -> header text as found in the file
    rows: list[SheetRow] = field(default_factory=list)


def header_key(text: object) -> str:
    """Compare headers without case, spaces or accents: "Số CCCD" == "so cccd" == "SOCCCD"."""
    text = unicodedata.normalize("NFD", strip_invisible(text or "").lower())
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn").replace("đ", "d")
    return re.sub(r"[\s_.:*]+", "", text)


# ---------------------------------------------------------------------------------------
# Container checks
# ---------------------------------------------------------------------------------------


def _read_bytes(upload) -> bytes:
    if isinstance(upload, bytes):
        data = upload
    elif hasattr(upload, "read"):
        size = getattr(upload, "size", None)
        if size is not None and size > MAX_UPLOAD_BYTES:
            raise UploadError(_too_big())
        if hasattr(upload, "seek"):
            upload.seek(0)
        data = upload.read(MAX_UPLOAD_BYTES + 1)
    else:
        with open(upload, "rb") as handle:
            data = handle.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadError(_too_big())
    if not data:
        raise UploadError(_("Tệp rỗng, không có dữ liệu."))
    return data


def _too_big() -> str:
    return _("Tệp quá lớn: tối đa %(mb)s MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}


def check_container(data: bytes, max_rows: int = MAX_DATA_ROWS) -> None:
    """Refuse anything that is not a plain .xlsx workbook, before any XML is parsed."""
    _check_signature(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise UploadError(_("Tệp Excel bị hỏng hoặc không đọc được.")) from exc
    with archive:
        infos = archive.infolist()
        _check_parts(infos)
        _count_tags(archive, infos, max_rows)
        content_types = archive.read("[Content_Types].xml")
        if XLSM_MAIN_TYPE.encode() in content_types:
            raise UploadError(_("Tệp là Excel có macro (.xlsm); hãy lưu lại dạng .xlsx."))
        if XLSX_MAIN_TYPE.encode() not in content_types:
            raise UploadError(_("Tệp không phải bảng tính Excel .xlsx thông thường."))


def _check_signature(data: bytes) -> None:
    """The first bytes: a zip archive, not an old .xls, a web page, a PDF or a CSV."""
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UploadError(
            _(
                "Tệp là định dạng Excel 97-2003 (.xls) hoặc tệp Excel có đặt mật khẩu, không được hỗ trợ. "
                "Hãy mở tệp, bỏ mật khẩu (nếu có) và lưu lại dạng .xlsx."
            )
        )
    if data.startswith(b"PK\x03\x04"):
        return
    head = data[:512].lstrip()
    if head[:5].lower() in (b"<html", b"<!doc") or head[:5] == b"<?xml":
        kind = "HTML/XML"
    elif head.startswith(b"%PDF"):
        kind = "PDF"
    elif b"," in head or b";" in head or b"\t" in head:
        kind = "CSV"
    else:
        kind = None
    if kind:
        raise UploadError(
            _("Tệp là %(kind)s, không phải Excel .xlsx. Hãy dùng tệp mẫu và lưu dạng .xlsx.") % {"kind": kind}
        )
    raise UploadError(_("Tệp không phải Excel .xlsx. Hãy dùng tệp mẫu và lưu dạng .xlsx."))


def _check_parts(infos: list[zipfile.ZipInfo]) -> None:
    """The archive's table of contents: sizes, compression, and the parts a plain workbook has."""
    if len(infos) > MAX_PARTS:
        raise UploadError(_("Tệp có quá nhiều thành phần bên trong; không thể là bảng tính thông thường."))
    total = 0
    names = set()
    for info in infos:
        total += info.file_size
        names.add(info.filename)
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and ratio > MAX_RATIO:
            raise UploadError(_("Tệp bị nén bất thường (nghi ngờ “bom nén”); đã từ chối."))
    if total > MAX_UNPACKED_BYTES:
        raise UploadError(_("Tệp khi giải nén quá lớn; hãy chia nhỏ danh sách."))
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise UploadError(_("Tệp không phải Excel .xlsx (có thể là tài liệu Word hoặc tệp nén khác)."))
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise UploadError(_("Tệp có chứa macro (VBA); hãy lưu lại dạng .xlsx không có macro."))
    if any(name.startswith("xl/externalLinks/") for name in names):
        raise UploadError(_("Tệp có liên kết tới tệp khác (external links); hãy sao chép giá trị rồi lưu lại."))


def _count_tags(archive: zipfile.ZipFile, infos, max_rows: int) -> None:
    """Inflate every part once, in small pieces, counting XML tags against a budget.

    The declared sizes were checked above; a part that inflates to more than it declares
    fails its CRC check here. Parsing costs time and memory per element, so counting the
    "<" bytes first (at C speed, flat memory) bounds what reading the workbook can cost.
    """
    budget = (max_rows + HEADER_SEARCH_ROWS) * TAGS_PER_ROW + FIXED_PART_TAGS
    tags = 0
    try:
        for info in infos:
            with archive.open(info) as part:
                while chunk := part.read(256 * 1024):
                    tags += chunk.count(b"<")
                    if tags > budget:
                        message = _(
                            "Bảng tính quá lớn (kể cả các dòng, ô trống đã định dạng): tối đa %(n)s dòng dữ liệu. "
                            "Hãy xóa các dòng, cột thừa hoặc chia nhỏ tệp."
                        )
                        raise UploadError(message % {"n": max_rows})
    except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, EOFError, OSError) as exc:
        # Bad CRC, a part larger than declared, encryption, an unknown compression method.
        raise UploadError(_("Tệp Excel bị hỏng hoặc không đọc được.")) from exc


# ---------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------


def read_upload(upload, columns: Sequence[Column], max_rows: int = MAX_DATA_ROWS) -> Sheet:
    """Read the first worksheet of an uploaded .xlsx into rows keyed by column.

    The header row is found within the first rows by its texts (compared without case,
    spaces or accents), so a title block above it is allowed; columns may come in any
    order. Blank rows are skipped. A cell holding a formula is refused. Anything that goes
    wrong while reading the file is an `UploadError` with a message for the user.
    """

    data = _read_bytes(upload)
    check_container(data, max_rows)
    digest = hashlib.sha256(data).hexdigest()
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many types for broken parts
        raise _unreadable(exc) from exc
    try:
        return _read_sheet(workbook, columns, max_rows, digest)
    except UploadError:
        raise
    except Exception as exc:  # the worksheet XML is parsed lazily, while rows are read
        raise _unreadable(exc) from exc
    finally:
        workbook.close()


def _unreadable(exc: Exception) -> UploadError:

    cause, seen = exc, 0
    while cause is not None and seen < 10:  # openpyxl wraps what the XML parser raised
        if isinstance(cause, DefusedXmlException):
            return UploadError(_("Tệp có khai báo XML không được phép (DTD, thực thể); đã từ chối vì lý do an toàn."))
        cause, seen = cause.__cause__ or cause.__context__, seen + 1
    logger.info("Unreadable workbook: %s", type(exc).__name__)
    return UploadError(_("Tệp Excel bị hỏng hoặc không đọc được."))


INLINE_STRING_TAG = f"{{{SHEET_MAIN_NS}}}is"
TEXT_TAG = f"{{{SHEET_MAIN_NS}}}t"


class _CellDecoder(WorkSheetParser):
    """openpyxl's cell decoder, with a shortcut for the plainest text cell.

    A cell of one inline string without formatting (`<c t="inlineStr"><is><t>…</t></is></c>`,
    as openpyxl and other generators write every text) is read off its one `<t>` element;
    openpyxl would build a rich-text object per cell to get the same text (a third of the
    time of reading 5,000 rows). Every other cell goes through openpyxl unchanged.
    """

    def parse_cell(self, element):
        if element.get("t") == "inlineStr" and len(element) == 1:
            inline = element[0]
            if inline.tag == INLINE_STRING_TAG and len(inline) == 1 and inline[0].tag == TEXT_TAG:
                coordinate = element.get("r")
                if coordinate:
                    row, column = coordinate_to_tuple(coordinate)
                    self.col_counter = column
                else:
                    self.col_counter += 1
                    row, column = self.row_counter, self.col_counter
                style_id = element.get("s", 0)
                return {
                    "row": row,
                    "column": column,
                    "value": inline[0].text or "",
                    "data_type": "s",
                    "style_id": int(style_id) if style_id else 0,
                }
        return super().parse_cell(element)


def _sheet_rows(workbook, worksheet) -> Iterator[tuple[int, list[dict]]]:
    """(row number, cells) for each row the worksheet XML really holds, cells as stored.

    openpyxl's read-only `iter_rows` pads every row to the width the file declares and
    yields a filler for every missing row number, so a tiny crafted file (a dimension of
    A1:XFD1048576, or one empty cell in column XFD on each row) costs billions of steps;
    its parser also keeps every finished element attached to the tree and reads on past
    the data (merged cells, formatting) to the end of the part. Here the XML is streamed
    through the same defused parser, each finished element is dropped at once (memory
    stays flat), reading stops at the end of the sheet data, and openpyxl only decodes
    the cells of one row at a time: dicts with "row", "column", "value" and "data_type"
    ("f" for a formula, since formulas are read, not their cached values).
    """

    source = worksheet._get_source()
    try:
        decoder = _CellDecoder(
            source,
            worksheet._shared_strings,
            data_only=False,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        path = []  # the open elements, from the root to the one being read
        row_open = False
        for event, element in iterparse(source, events=("start", "end")):
            if event == "start":
                path.append(element)
                if element.tag == ROW_TAG:
                    row_open = True
                continue
            path.pop()
            if element.tag == ROW_TAG:
                row_open = False
                yield decoder.parse_row(element)
            elif row_open:
                continue  # a cell or part of one: kept until its row is decoded
            elif element.tag == DATA_TAG:
                return
            if path:
                del path[-1][-1]  # a finished element is always its parent's last child
    finally:
        source.close()


def _read_sheet(workbook, columns: Sequence[Column], max_rows: int, digest: str) -> Sheet:
    if not workbook.worksheets:
        raise UploadError(_("Tệp không có trang tính nào."))
    rows = _sheet_rows(workbook, workbook.worksheets[0])
    header_row, positions, found = _find_header(rows, columns)
    sheet = Sheet(sha256=digest, header_row=header_row, headers=found)
    for number, cells in rows:  # the rows after the header (the same iterator)
        values = _row_values(number, cells, positions, found)
        if not values:
            continue
        if len(sheet.rows) >= max_rows:
            message = _("Tệp có quá nhiều dòng: tối đa %(n)s dòng dữ liệu mỗi lần tải lên.")
            raise UploadError(message % {"n": max_rows})
        sheet.rows.append(SheetRow(number=number, values=values))
    return sheet


def _find_header(rows: Iterator[tuple[int, list[dict]]], columns: Sequence[Column]) -> tuple[int, dict, dict]:
    """(header row number, column number -> key, key -> header text), read off the first rows."""
    wanted = {}
    for column in columns:
        for name in (column.header, *column.aliases):
            wanted[header_key(name)] = column
    required = {c.key for c in columns if c.required}
    early: list[dict[int, object]] = []  # the rows searched, for the "missing column" message
    for number, cells in rows:
        if number > HEADER_SEARCH_ROWS:
            break
        values = {cell["column"]: cell["value"] for cell in cells if cell["value"] is not None}
        early.append(values)
        matches, texts = {}, {}
        for col, value in values.items():
            column = wanted.get(header_key(value))
            if column and column.key not in texts:
                matches[col] = column.key
                texts[column.key] = clean_text(value)
        if texts and required <= set(texts):
            return number, matches, texts
    missing = _best_missing(early, columns, wanted)
    raise UploadError(
        _("Không tìm thấy dòng tiêu đề trong %(n)s dòng đầu. Thiếu cột bắt buộc: %(cols)s.")
        % {"n": HEADER_SEARCH_ROWS, "cols": ", ".join(f"“{h}”" for h in missing)}
    )


def _row_values(number: int, cells: list[dict], positions: dict, found: dict) -> dict:
    """key -> cleaned value for the cells of one data row under a known header; formulas refused."""
    values = {}
    for cell in cells:
        value = cell["value"]
        key = positions.get(cell["column"])
        if value is None or key is None:
            continue
        if cell["data_type"] == "f" or (isinstance(value, str) and value.startswith("=")):
            header = found.get(key, key)
            reason = _("ô chứa công thức; hãy dán giá trị (Paste Values) rồi tải lại.")
            raise CellError(
                _("Dòng %(row)s, cột “%(col)s”: %(reason)s") % {"row": number, "col": header, "reason": reason},
                row=number,
                key=key,
                header=header,
                reason=reason,
            )
        if isinstance(value, str):
            value = clean_text(value)
            if value == "":
                continue
        values[key] = value
    return values


def _best_missing(early: list[dict[int, object]], columns, wanted) -> list[str]:
    best: set[str] = set()
    for values in early:
        keys = {wanted[header_key(v)].key for v in values.values() if header_key(v) in wanted}
        if len(keys) > len(best):
            best = keys
    return [c.header for c in columns if c.required and c.key not in best]


# ---------------------------------------------------------------------------------------
# Cell value parsers (raise ValueError with a Vietnamese message)
# ---------------------------------------------------------------------------------------

DATE_RE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def parse_date(value: object) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        match = DATE_RE.match(value.strip())
        if match:
            day, month, year = map(int, match.groups())
            try:
                return datetime.date(year, month, day)
            except ValueError:
                pass
            raise ValueError(_("“%(v)s” không phải ngày có thật") % {"v": value})
    raise ValueError(_("“%(v)s” không phải ngày hợp lệ (dd/mm/yyyy)") % {"v": value})


def parse_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.strftime("%d/%m/%Y")
    return clean_text(value)


def parse_int(value: object) -> int:
    if isinstance(value, bool):
        raise ValueError(_("“%(v)s” không phải số") % {"v": value})
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = clean_text(value)
    # Whole numbers only, optionally grouped by thousands: "1500", "1.500", "1 500".
    if re.fullmatch(r"\d{1,3}([. ]\d{3})+|\d+", text):
        return int(text.replace(".", "").replace(" ", ""))
    raise ValueError(_("“%(v)s” không phải số nguyên") % {"v": value})


# ---------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------


def cell_value(value: object) -> object:
    """Numbers, dates and booleans as themselves; everything else as plain text."""
    if value is None or isinstance(value, (bool, int, float, datetime.date, datetime.datetime)):
        return value
    return str(value)


def text_cell(worksheet, value: object):
    """A cell whose value can never execute: strings are typed as text with a quote prefix."""

    value = cell_value(value)
    cell = WriteOnlyCell(worksheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
            cell.quotePrefix = True
    return cell


def set_text(cell, value: object) -> None:
    """Assign to a normal-mode cell with the same protection as `text_cell`."""
    value = cell_value(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
            cell.quotePrefix = True


def xlsx_response(workbook, filename: str) -> HttpResponse:
    """Serve a workbook (an openpyxl Workbook, or the bytes of one) as a download that browsers
    and proxies do not cache."""
    if isinstance(workbook, bytes | bytearray | memoryview):
        data = bytes(workbook)
    else:
        buffer = io.BytesIO()
        workbook.save(buffer)
        data = buffer.getvalue()
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "no-store, private"
    return response
