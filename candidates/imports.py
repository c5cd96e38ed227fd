"""The nomination upload: one import shared by the web upload and `import_nominations`.

The file is read by the shared `read_upload` (which refuses anything that is not a plain
.xlsx, formulas included). Every row is then parsed and judged here; every problem is a
`Problem` naming the row number Excel shows, the column header of the upload contract and
a Vietnamese message. Eligibility comes from `eligibility.check` (the same rules as the
one-by-one form); the rules that look at other records are answered for the whole file
with a few queries instead of a few per row, with the same messages as
`eligibility.database_findings`.

Saving is all or nothing and re-judges everything inside the transaction, so what is
saved is what the rules say at that moment, not what a preview said earlier. Rows that
only carry warnings are saved with their warnings on the nomination, flagged for the
staff's review.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from functools import cached_property

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from tienlang.lib import progress
from tienlang.lib.text import clean_text, fold
from tienlang.lib.xlsx import Column, UploadError, parse_date, parse_text, read_upload, set_text
from unions.models import GrassrootsUnion

from . import eligibility, privacy, services, transfers
from .models import (
    CITIZEN_ID_RE,
    OPEN_STATUSES,
    PHONE_RE,
    Education,
    EligibilityRule,
    Nomination,
    NominationEvent,
    NominationImport,
    Person,
    Sex,
    Status,
    district_matches,
    mask_citizen_id,
)

MAX_IMPORT_ROWS = 5_000
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
)
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
        return {column.key: self.display(column.key) for column in COLUMNS}

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


# ---------------------------------------------------------------------------------------
# Reading and judging
# ---------------------------------------------------------------------------------------


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
    _check_inside_file(result.rows)
    _check_eligibility(result.rows, union, on, year, user)
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
    data = row.data
    for key in REQUIRED:
        if values.get(key) in (None, ""):
            row.add(key, _("Thiếu giá trị (cột bắt buộc)."))

    for key in TEXT_FIELDS:
        if values.get(key) in (None, ""):
            continue
        text = parse_text(values[key])
        limit = Person._meta.get_field(key).max_length
        if len(text) > limit:
            row.add(key, _("Dài quá %(n)s ký tự.") % {"n": limit})
        else:
            data[key] = text

    for key in ("date_of_birth", "union_joined_on"):
        if values.get(key) not in (None, ""):
            try:
                data[key] = parse_date(values[key])
            except ValueError as exc:
                row.add(key, str(exc))
    if data.get("date_of_birth") and data.get("union_joined_on") and data["union_joined_on"] < data["date_of_birth"]:
        row.add("union_joined_on", _("Ngày vào Công đoàn ở trước ngày sinh."))

    if values.get("sex") not in (None, ""):
        sex = parse_sex(values["sex"])
        if sex is None:
            row.add("sex", _("“%(v)s” không hợp lệ; ghi Nam hoặc Nữ.") % {"v": parse_text(values["sex"])})
        else:
            data["sex"] = sex

    if values.get("citizen_id") not in (None, ""):
        try:
            data["citizen_id"] = parse_citizen_id(values["citizen_id"])
        except ValueError as exc:
            row.add("citizen_id", str(exc))
        else:
            if data["citizen_id"] == EXAMPLE_CITIZEN_ID:
                row.add("citizen_id", _("Đây là dòng ví dụ của tệp mẫu; hãy xóa dòng này trước khi tải lên."))

    if values.get("education") not in (None, ""):
        try:
            data["education"] = parse_education(values["education"])
        except ValueError as exc:
            row.add("education", str(exc))

    if values.get("phone") not in (None, ""):
        try:
            data["phone"] = parse_phone(values["phone"])
        except ValueError as exc:
            row.add("phone", str(exc))
    return row


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


def _check_inside_file(rows: list[ImportRow]) -> None:
    """The same person twice in one file: an error on the later row, naming the earlier one."""
    first_by_id: dict[str, int] = {}
    first_by_name: dict[tuple[str, datetime.date], ImportRow] = {}
    for row in rows:
        citizen_id = row.data.get("citizen_id")
        if citizen_id:
            if citizen_id in first_by_id:
                row.add(
                    "citizen_id",
                    _("Số CCCD trùng với dòng %(row)s trong tệp; mỗi người chỉ ghi một dòng.")
                    % {"row": first_by_id[citizen_id]},
                )
            else:
                first_by_id[citizen_id] = row.number
        name, born = row.data.get("full_name"), row.data.get("date_of_birth")
        if name and born:
            key = (fold(name), born)
            earlier = first_by_name.get(key)
            if earlier is None:
                first_by_name[key] = row
            elif earlier.data.get("citizen_id") != citizen_id and citizen_id:
                message = _("%(n)s: trùng họ tên, ngày sinh %(d)s với dòng %(row)s (khác số CCCD); hãy kiểm tra lại.")
                row.findings.append(
                    eligibility.Finding(
                        "possible_duplicate",
                        eligibility.WARNING,
                        message % {"n": name, "d": born.strftime("%d/%m/%Y"), "row": earlier.number},
                    )
                )


ELIGIBILITY_KEYS = ("full_name", "date_of_birth", "citizen_id", "union_joined_on", "education")


def _check_eligibility(rows: list[ImportRow], union: GrassrootsUnion, on: datetime.date, year: int, user) -> None:
    """The eligibility rules for every row that could be read, with the database asked in batches."""
    rules = eligibility.rules_in_force(on)
    readable = [row for row in rows if all(row.data.get(key) for key in ELIGIBILITY_KEYS)]
    citizen_ids = {row.data["citizen_id"] for row in readable}
    holders = {p.citizen_id: p for p in Person.objects.filter(citizen_id__in=citizen_ids)} if citizen_ids else {}
    if user is not None:
        outside = transfers.people_outside_scope(user, holders)
    else:
        outside = {cid for cid, person in holders.items() if person.union_id != union.pk}
    people = {cid: person for cid, person in holders.items() if cid not in outside}
    others: dict[str, list[dict]] = {}
    if people:
        for other in Nomination.objects.filter(person__citizen_id__in=set(people)).values(
            "person__citizen_id", "status", "year", "union_id"
        ):
            others.setdefault(other["person__citizen_id"], []).append(other)
    names = {fold(row.data["full_name"]) for row in readable}
    lookalikes: dict[tuple[str, datetime.date], set[str]] = {}
    if names:
        # Look-alikes are sought where the user may look; elsewhere they would be a disclosure.
        open_nominations = Nomination.objects.for_user(user) if user is not None else union_nominations(union)
        for other in (
            open_nominations.open()
            .filter(person__name_folded__in=names)
            .values("person__name_folded", "person__date_of_birth", "person__citizen_id")
        ):
            key = (other["person__name_folded"], other["person__date_of_birth"])
            lookalikes.setdefault(key, set()).add(other["person__citizen_id"])

    for row in readable:
        data = row.data
        person = people.get(data["citizen_id"])
        row.existing = person
        row.held_elsewhere = holders.get(data["citizen_id"]) if data["citizen_id"] in outside else None
        facts = eligibility.Facts(
            full_name=data["full_name"],
            date_of_birth=data["date_of_birth"],
            citizen_id=data["citizen_id"],
            union_joined_on=data["union_joined_on"],
            education=data["education"],
            union=union,
            federation=union.federation,
            is_party_member=person.is_party_member if person else False,
            discipline_until=person.discipline_until if person else None,
        )
        findings = eligibility.check(facts, on, year, rules=rules, check_database=False)
        if row.held_elsewhere is not None:
            findings.append(eligibility.held_elsewhere_finding(data["full_name"], row.held_elsewhere.pk))
        else:
            findings += database_findings(
                facts,
                year,
                others.get(data["citizen_id"], []),
                lookalikes.get((fold(data["full_name"]), data["date_of_birth"]), set()) - {data["citizen_id"]},
                rules,
            )
            findings += privacy.privacy_findings(person)  # restricted or anonymised: no new nomination
        row.findings = findings + row.findings
        if person is not None:
            row.changes = services.person_changes(person, {k: v for k, v in data.items() if v not in (None, "")})

    for row in rows:
        for finding in row.findings:
            level = ERROR if finding.is_block else WARNING
            row.add(FINDING_COLUMN.get(finding.code, "full_name"), finding.message, level)
        # Optional values left blank: the defaults for a new person, what is on record otherwise
        # (only for a person in the user's scope: nothing is copied from a record held elsewhere).
        for key in KEEP_WHEN_BLANK:
            if not row.data.get(key):
                row.data[key] = getattr(row.existing, key) if row.existing else DEFAULTS.get(key, "")


def union_nominations(union: GrassrootsUnion):
    return Nomination.objects.filter(union=union)


def database_findings(facts, year: int, others: list[dict], lookalike_ids: set[str], rules) -> list:
    """`eligibility.database_findings` for one row, from records fetched for the whole file.

    Same rules, same messages: keep the two in step (tests compare them).
    """
    C = EligibilityRule.Code
    rule = rules.get(C.OPEN_NOMINATION)
    basis = rule.legal_basis if rule else ""
    name = facts.full_name
    findings = []
    if any(o["status"] in (Status.ADMITTED, Status.OFFICIAL) for o in others):
        message = _("%(n)s: đã được kết nạp Đảng.") % {"n": name}
        findings.append(eligibility.Finding(C.PARTY_MEMBER, eligibility.BLOCK, message, basis))
    if any(o["status"] in OPEN_STATUSES for o in others):
        same_union = any(o["union_id"] == facts.union.pk for o in others if o["status"] in OPEN_STATUSES)
        where = _("tại công đoàn cơ sở này") if same_union else _("tại một công đoàn cơ sở khác")
        findings.append(
            eligibility.Finding(
                C.OPEN_NOMINATION,
                eligibility.BLOCK,
                _("%(n)s: số CCCD đang có hồ sơ chưa kết thúc %(where)s.") % {"n": name, "where": where},
                basis,
            )
        )
    elif any(o["year"] == year for o in others):
        findings.append(
            eligibility.Finding(
                C.OPEN_NOMINATION,
                eligibility.BLOCK,
                _("%(n)s: đã được giới thiệu trong năm %(y)s.") % {"n": name, "y": year},
                basis,
            )
        )
    if lookalike_ids and facts.date_of_birth and name:
        findings.append(
            eligibility.Finding(
                "possible_duplicate",
                eligibility.WARNING,
                _("%(n)s: trùng họ tên, ngày sinh %(d)s với người khác số CCCD đang có hồ sơ.")
                % {"n": name, "d": facts.date_of_birth.strftime("%d/%m/%Y")},
                basis,
            )
        )
    return findings


# ---------------------------------------------------------------------------------------
# Saving
# ---------------------------------------------------------------------------------------


def import_file(
    upload,
    union: GrassrootsUnion,
    year: int,
    *,
    user=None,
    file_name: str = "",
    record: NominationImport | None = None,
    dry_run: bool = False,
    today: datetime.date | None = None,
) -> ImportResult:
    """Read, judge and, when every row is clean of errors, save every row; else save nothing.

    `record` is the upload's `NominationImport` (the web preview); without one, a record
    is created for the saved rows (the management command). Raises `UploadError` for a
    file that cannot be read at all.
    """
    result = None
    try:
        with transaction.atomic():
            result = analyse(upload, union, year, today, user=user)
            if dry_run or not result.ok:
                return result
            if record is None:
                content = upload if isinstance(upload, bytes) else None
                record = NominationImport(
                    federation=union.federation,
                    union=union,
                    year=year,
                    file_name=file_name[:255],
                    sha256=result.sha256,
                    content=content or b"",
                    uploaded_by=_user_or_none(user),
                )
            elif record.sha256 != result.sha256:
                raise UploadError(_("Nội dung tệp đã lưu không khớp mã SHA-256 lúc tải lên; hãy tải tệp lên lại."))
            record.rows_total = len(result.rows)
            record.rows_saved = len(result.rows)
            record.state = NominationImport.State.SAVED
            record.save()
            result.record = record
            result.saved = _save_rows(result, user, record)
            return result
    except IntegrityError:
        if result is None:
            raise
        # Someone else saved one of these people between our checks and our insert: the
        # database constraints decided, and the whole file was rolled back.
        result.saved = []
        result.record = None
        result.file_problems.append(
            _(
                "Trong lúc lưu, một số người trong tệp vừa được nhập ở nơi khác (trùng số CCCD). "
                "Không lưu hồ sơ nào; hãy xem lại bản kiểm tra và thử lại."
            )
        )
        return result


def _user_or_none(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _save_rows(result: ImportResult, user, record: NominationImport) -> list[Nomination]:
    union, federation = result.union, result.union.federation
    now = timezone.now()
    user = _user_or_none(user)
    asked_for = [row for row in result.rows if row.held_elsewhere is not None]
    for row in asked_for:
        progress.step()
        _request_transfer(row, result, user, record)
    rows = [row for row in result.rows if row.held_elsewhere is None]
    new_people, changed_people, people = [], [], []
    for row in rows:
        progress.step()  # ... and saving the second
        person = row.existing or Person(federation=federation, union=union)
        person.federation, person.union = federation, union
        for key, value in row.data.items():
            setattr(person, key, value)
        prepare_person(person)
        if person.pk is None:
            new_people.append(person)
        else:
            person.updated_at = now
            changed_people.append(person)
        people.append(person)
    # Bulk writes skip save(): the *_with_history helpers write the audit history too.
    bulk_create_with_history(new_people, Person, batch_size=1000, default_user=user)
    if changed_people:
        bulk_update_with_history(
            changed_people,
            Person,
            ["federation", "union", *PERSON_IMPORT_FIELDS, "name_folded", "search_folded", "lives_in_district"]
            + ["updated_at"],
            batch_size=500,
            default_user=user,
        )

    nominations = []
    for row, person in zip(rows, people, strict=True):
        nomination = Nomination(
            person=person,
            union=union,
            federation=federation,
            year=result.year,
            status=Status.NOMINATED,
            stage=1,
            nominated_on=result.nominated_on,
            voluntary_application=False,
            warnings=[f.as_dict() for f in row.findings if not f.is_block],
            source_import=record,
            created_by=user,
        )
        nomination.refresh_search()
        nominations.append(nomination)
    bulk_create_with_history(nominations, Nomination, batch_size=1000, default_user=user)
    NominationEvent.objects.bulk_create(
        [
            NominationEvent(
                nomination=nomination,
                from_status="",
                to_status=Status.NOMINATED,
                happened_on=result.nominated_on,
                recorded_by=user,
                reason=_("Nhập từ tệp %(file)s, dòng %(row)s.") % {"file": record.file_name, "row": row.number},
                details={"warnings": nomination.warnings, "import": record.pk, "row": row.number},
            )
            for row, nomination in zip(rows, nominations, strict=True)
        ],
        batch_size=1000,
    )
    return nominations


def _request_transfer(row: ImportRow, result: ImportResult, user, record: NominationImport) -> None:
    """A row whose citizen ID is held elsewhere: kept as a request for the holder's staff."""
    request = services.NominationRequest(
        person={k: v for k, v in row.data.items() if k in services.PERSON_FIELDS},
        union=result.union,
        year=result.year,
        nominated_on=result.nominated_on,
        voluntary_application=False,
        source_import=record,
    )
    transfers.request_transfer(row.held_elsewhere, request, user, row=row.number)


PERSON_IMPORT_FIELDS = [column.key for column in COLUMNS if column.key != "number"]


def prepare_person(person: Person) -> None:
    """What `Person.save()` derives, for rows written with bulk_create/bulk_update."""
    for name in (*TEXT_FIELDS, "profession", "current_address"):
        setattr(person, name, clean_text(getattr(person, name)))
    person.name_folded = fold(person.full_name)
    person.search_folded = fold(f"{person.full_name} {person.residence_commune} {person.residence_district}")
    person.lives_in_district = district_matches(person.residence_district, person.federation)


# ---------------------------------------------------------------------------------------
# The template
# ---------------------------------------------------------------------------------------

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
