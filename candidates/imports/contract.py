"""The upload contract (columns, defaults, the example row) and what reading a file gives: rows, problems, a result."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.utils import timezone

from tienlang.lib.xlsx import Column, parse_text
from unions.models import GrassrootsUnion

from .. import eligibility
from ..models import (
    Education,
    Nomination,
    NominationImport,
    Person,
    Sex,
    mask_citizen_id,
)

ERROR = "error"
WARNING = "warning"

# The upload contract (CONTRACTS.md, "The nomination upload file"): headers, in any order.
COLUMNS: tuple[Column, ...] = (
    Column("number", "STT"),
    Column("full_name", "Họ và tên", required=True),
    Column("date_of_birth", "Ngày sinh", required=True),
    Column("sex", "Giới tính", required=True),
    Column("citizen_id", "Số CCCD", required=True),
    Column("ethnicity", "Dân tộc"),
    Column("religion", "Tôn giáo"),
    Column("education", "Trình độ học vấn", required=True),
    Column("residence_province", "Tỉnh/Thành phố thường trú", required=True),
    Column("residence_district", "Quận/Huyện thường trú", required=True),
    Column("residence_commune", "Xã/Phường thường trú", required=True),
    Column("union_joined_on", "Ngày vào Công đoàn", required=True),
    Column("job_title", "Chức vụ, công việc"),
    Column("phone", "Số điện thoại"),
    Column("note", "Ghi chú"),
    # The chair's duties of the form (optional; blank: saved as incomplete, not approvable yet).
    Column("voluntary_application", "Đơn tự nguyện"),
    Column("chair_assessment", "Nhận xét của Chủ tịch CĐCS"),
)
# Columns about the nomination, not the person.
NOMINATION_COLUMNS = ("voluntary_application", "chair_assessment")
HEADERS = {column.key: column.header for column in COLUMNS}
REQUIRED = [column.key for column in COLUMNS if column.required]
TEXT_FIELDS = (
    "full_name",
    "ethnicity",
    "religion",
    "residence_province",
    "residence_district",
    "residence_commune",
    "job_title",
    "note",
)
DEFAULTS = {"ethnicity": "Kinh", "religion": "Không"}
# Optional values that, left blank, keep what an already registered person has.
KEEP_WHEN_BLANK = ("ethnicity", "religion", "job_title", "phone", "note")

# Which column an eligibility finding is about.
FINDING_COLUMN = {
    "union_member": "full_name",
    "membership": "union_joined_on",
    "age": "date_of_birth",
    "education": "education",
    "party_member": "citizen_id",
    "open_nomination": "citizen_id",
    "discipline": "citizen_id",
    "possible_duplicate": "full_name",
    "held_elsewhere": "citizen_id",
}

EDUCATION_CHOICES = ["9/12", "10/12", "11/12", "12/12", "THCS", "THPT", "Trung cấp", "Cao đẳng", "Đại học"]
EDUCATION_CHOICES += ["Thạc sĩ", "Tiến sĩ"]
# The template's example row: invented, and refused if it is uploaded unchanged.
EXAMPLE_CITIZEN_ID = "099000000000"
EXAMPLE_ROW = {
    "number": 1,
    "full_name": "Nguyễn Văn Mẫu",
    "date_of_birth": "15/03/1996",
    "sex": "Nam",
    "citizen_id": EXAMPLE_CITIZEN_ID,
    "ethnicity": "Kinh",
    "religion": "Không",
    "education": "12/12",
    "residence_province": "Thành phố Hải Phòng",
    "residence_district": "Huyện Tiên Lãng",
    "residence_commune": "Xã Tiên Cường",
    "union_joined_on": "01/06/2019",
    "job_title": "Tổ trưởng tổ may",
    "phone": "0912345678",
    "note": "Dòng ví dụ — hãy xóa trước khi tải lên",
    "voluntary_application": "Có",
    "chair_assessment": "Lập trường vững vàng, gương mẫu trong lao động, nhiệt tình hoạt động công đoàn.",
}


# ---------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------


@dataclass
class Problem:
    """One thing wrong (or to look at) in one cell: Excel's row number, the contract's header."""

    row: int
    column: str
    message: str
    level: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.level == ERROR

    def __str__(self) -> str:
        return f'row {self.row}, column "{self.column}": {self.message}'


@dataclass
class ImportRow:
    number: int  # the row number Excel shows
    raw: dict  # the cells as read (cleaned text, numbers, dates)
    data: dict = field(default_factory=dict)  # person fields ready to save
    problems: list[Problem] = field(default_factory=list)
    findings: list[eligibility.Finding] = field(default_factory=list)
    existing: Person | None = None  # the person on record, in the user's scope
    held_elsewhere: Person | None = None  # the holder of this citizen ID, outside the user's scope
    changes: list[dict] = field(default_factory=list)  # what saving would change on `existing`
    voluntary_application: bool | None = None  # "Đơn tự nguyện": Có / Không / blank (not received yet)
    chair_assessment: str = ""

    @property
    def is_incomplete(self) -> bool:
        """Saved without the application or the chair's assessment: not approvable until completed."""
        return not self.voluntary_application or not self.chair_assessment.strip()

    def add(self, key: str, message: str, level: str = ERROR) -> None:
        self.problems.append(Problem(self.number, HEADERS[key], message, level))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)

    @property
    def masked_citizen_id(self) -> str:
        value = self.data.get("citizen_id")
        return mask_citizen_id(value) if value else ""

    @cached_property
    def cells(self) -> dict[str, str]:
        """Every column's value for display (the CCCD masked)."""
        cells = {column.key: self.display(column.key) for column in COLUMNS if column.key not in NOMINATION_COLUMNS}
        cells["voluntary_application"] = {True: "Có", False: "Không"}.get(self.voluntary_application, "—")
        cells["chair_assessment"] = self.chair_assessment or "—"
        return cells

    def display(self, key: str) -> str:
        """The value as it will be saved (or as it was typed, when it could not be read)."""
        value = self.data.get(key)
        if value is None or value == "":
            value = self.raw.get(key)
        if key == "citizen_id":
            return self.masked_citizen_id or mask_citizen_id(parse_text(value) if value is not None else "")
        if key == "sex" and value in Sex.values:
            return Sex(value).label
        if key == "education" and value in Education.values:
            return Education(value).label
        if isinstance(value, (datetime.date, datetime.datetime)):
            return value.strftime("%d/%m/%Y")
        return "" if value is None else parse_text(value)


@dataclass
class ImportResult:
    union: GrassrootsUnion
    year: int
    nominated_on: datetime.date
    sha256: str = ""
    header_row: int = 0
    rows: list[ImportRow] = field(default_factory=list)
    file_problems: list[str] = field(default_factory=list)  # e.g. a conflict found while saving
    saved: list[Nomination] = field(default_factory=list)
    record: NominationImport | None = None

    @property
    def problems(self) -> list[Problem]:
        return [p for row in self.rows for p in row.problems]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def ok(self) -> bool:
        return not self.file_problems and not any(row.has_errors for row in self.rows)

    @property
    def rows_with_errors(self) -> int:
        return sum(1 for row in self.rows if row.has_errors)

    @property
    def rows_with_warnings(self) -> int:
        return sum(1 for row in self.rows if row.warnings and not row.has_errors)

    @property
    def rows_clean(self) -> int:
        return sum(1 for row in self.rows if not row.problems)


def nomination_date(year: int, today: datetime.date | None = None) -> datetime.date:
    """The nomination date of an upload: today for this year, 31/12 for a past year, 1/1 ahead."""
    today = today or timezone.localdate()
    if year == today.year:
        return today
    if year < today.year:
        return datetime.date(year, 12, 31)
    return datetime.date(year, 1, 1)
