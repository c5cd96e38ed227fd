"""Reading an upload: every row parsed into values and problems, then judged (`judging`); nothing written."""

from __future__ import annotations

import datetime
import re

from django.utils.translation import gettext as _

from tienlang.lib import progress
from tienlang.lib.text import fold, strip_invisible
from tienlang.lib.xlsx import UploadError, parse_date, parse_text, read_upload
from unions.models import GrassrootsUnion

from .. import transfers
from ..models import (
    CITIZEN_ID_RE,
    PHONE_RE,
    Education,
    Person,
    Sex,
    mask_citizen_id,
)
from .contract import (
    COLUMNS,
    EXAMPLE_CITIZEN_ID,
    REQUIRED,
    TEXT_FIELDS,
    WARNING,
    ImportResult,
    ImportRow,
    nomination_date,
)
from .judging import check_eligibility, check_inside_file

# More rows than this and the whole file is refused.
MAX_IMPORT_ROWS = 5_000


def analyse(upload, union: GrassrootsUnion, year: int, today: datetime.date | None = None, user=None) -> ImportResult:
    """Read and judge every row of `upload` for `union` and `year`, as `user` sees the data; write nothing.

    A citizen ID held outside `user`'s scope (without a user: outside `union`) is never reused
    or overwritten: its row says only that staff must confirm it and is saved as a transfer
    request (`candidates.transfers`).

    Raises `UploadError` when the file as a whole cannot be read (not an .xlsx, a zip
    bomb, a missing required column, a formula, too many rows, …).
    """
    sheet = read_upload(upload, COLUMNS, max_rows=MAX_IMPORT_ROWS)
    on = nomination_date(year, today)
    result = ImportResult(union=union, year=year, nominated_on=on, sha256=sheet.sha256, header_row=sheet.header_row)
    # A row holding only its STT (numbered in advance, never filled in) is a blank row.
    result.rows = [_parse_row(r.number, r.values) for r in sheet.rows if set(r.values) - {"number"}]
    if not result.rows:
        raise UploadError(_("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề."))
    check_inside_file(result.rows)
    check_eligibility(result.rows, union, on, year, user)
    held = [row.held_elsewhere.pk for row in result.rows if row.held_elsewhere is not None]
    try:
        transfers.note_lookups(user, held, path="/candidates/import/")
    except transfers.TooManyLookups as exc:
        raise UploadError(exc.messages[0]) from exc
    order = {column.header: index for index, column in enumerate(COLUMNS)}
    for row in result.rows:
        row.problems.sort(key=lambda problem: order[problem.column])
    return result


def _parse_row(number: int, values: dict) -> ImportRow:
    progress.step()  # a background save's progress bar: reading is the first half
    row = ImportRow(number=number, raw=dict(values))
    for key in REQUIRED:
        if _blank(values, key):
            row.add(key, _("Thiếu giá trị (cột bắt buộc)."))
    _read_texts(row, values)
    _read_dates(row, values)
    _read_sex(row, values)
    _read_citizen_id(row, values)
    for key, parse in (("education", parse_education), ("phone", parse_phone)):
        if not _blank(values, key):
            try:
                row.data[key] = parse(values[key])
            except ValueError as exc:
                row.add(key, str(exc))
    _read_duties(row, values)
    return row


def _read_duties(row: ImportRow, values: dict) -> None:
    """The voluntary application (Có/Không) and the chair's assessment: optional, but a row
    without them is saved as incomplete and cannot be approved until the chair completes it."""
    if not _blank(values, "voluntary_application"):
        answer = fold(parse_text(values["voluntary_application"]))
        if answer in ("co", "x", "1"):
            row.voluntary_application = True
        elif answer in ("khong", "0"):
            row.voluntary_application = False
        else:
            row.add("voluntary_application", _("Ghi “Có” hoặc “Không”."))
    if not _blank(values, "chair_assessment"):
        text = strip_invisible(str(values["chair_assessment"])).strip()
        if len(text) > 2000:
            row.add("chair_assessment", _("Dài quá %(n)s ký tự.") % {"n": 2000})
        else:
            row.chair_assessment = text
    if row.is_incomplete:
        row.add(
            "voluntary_application" if not row.voluntary_application else "chair_assessment",
            _(
                "Chưa có đơn tự nguyện hoặc nhận xét của Chủ tịch CĐCS: hồ sơ được lưu ở dạng chưa đủ, "
                "chỉ được duyệt khi Chủ tịch CĐCS bổ sung."
            ),
            WARNING,
        )


def _blank(values: dict, key: str) -> bool:
    return values.get(key) in (None, "")


def _read_texts(row: ImportRow, values: dict) -> None:
    for key in TEXT_FIELDS:
        if _blank(values, key):
            continue
        text = parse_text(values[key])
        limit = Person._meta.get_field(key).max_length
        if len(text) > limit:
            row.add(key, _("Dài quá %(n)s ký tự.") % {"n": limit})
        else:
            row.data[key] = text


def _read_dates(row: ImportRow, values: dict) -> None:
    data = row.data
    for key in ("date_of_birth", "union_joined_on"):
        if not _blank(values, key):
            try:
                data[key] = parse_date(values[key])
            except ValueError as exc:
                row.add(key, str(exc))
    if data.get("date_of_birth") and data.get("union_joined_on") and data["union_joined_on"] < data["date_of_birth"]:
        row.add("union_joined_on", _("Ngày vào Công đoàn ở trước ngày sinh."))


def _read_sex(row: ImportRow, values: dict) -> None:
    if _blank(values, "sex"):
        return
    sex = parse_sex(values["sex"])
    if sex is None:
        row.add("sex", _("“%(v)s” không hợp lệ; ghi Nam hoặc Nữ.") % {"v": parse_text(values["sex"])})
    else:
        row.data["sex"] = sex


def _read_citizen_id(row: ImportRow, values: dict) -> None:
    if _blank(values, "citizen_id"):
        return
    try:
        row.data["citizen_id"] = parse_citizen_id(values["citizen_id"])
    except ValueError as exc:
        row.add("citizen_id", str(exc))
        return
    if row.data["citizen_id"] == EXAMPLE_CITIZEN_ID:
        row.add("citizen_id", _("Đây là dòng ví dụ của tệp mẫu; hãy xóa dòng này trước khi tải lên."))


def parse_sex(value: object) -> str | None:
    return {"nam": Sex.MALE, "nu": Sex.FEMALE}.get(fold(parse_text(value)))


def parse_citizen_id(value: object) -> str:
    """12 digits, as text or as a number; a number that lost its leading zeros gets them back."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10**12:
        return f"{value:012d}"
    text = re.sub(r"[\s.\-]", "", parse_text(value)).lstrip("'")
    if not CITIZEN_ID_RE.match(text):
        shown = parse_text(value)
        if len(shown) >= 9:
            shown = mask_citizen_id(shown)  # even a mistyped number is personal data
        raise ValueError(_("“%(v)s” không phải số CCCD: cần đúng 12 chữ số.") % {"v": shown})
    return text


def parse_education(value: object) -> str:
    # "9/12" typed into a date-formatted cell becomes 9 December (or 12 September in an
    # English Excel): either way the grade is the part that is not 12.
    if isinstance(value, (datetime.date, datetime.datetime)) and 12 in (value.day, value.month):
        grade = value.day if value.month == 12 else value.month
        return Education.parse(f"{grade}/12")
    return Education.parse(parse_text(value))


def parse_phone(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
        if len(text) in (9, 10) and not text.startswith("0"):
            text = "0" + text  # a number that lost its leading zero
    else:
        text = re.sub(r"[\s.\-()]", "", parse_text(value))
    if not PHONE_RE.match(text):
        raise ValueError(
            _("“%(v)s” không phải số điện thoại Việt Nam hợp lệ (ví dụ 0912345678).") % {"v": parse_text(value)}
        )
    return text
