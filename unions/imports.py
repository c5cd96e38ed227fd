"""Excel import of enterprises and their grassroots unions (staff only), all or nothing.

The file is read by the shared `read_upload` (which refuses anything that is not a plain
.xlsx). Every row is checked here and every problem is reported with the row number Excel
shows and the column header. Nothing is saved unless every row is clean; saving checks
everything again inside the transaction, because the register may have changed between
the preview and the confirmation.

Rows only create: a tax code or union code that is already registered is a problem, so an
import can never silently overwrite what staff have corrected by hand.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from tienlang.lib.text import clean_text, fold
from tienlang.lib.xlsx import Column, SheetRow, header_key, parse_date, parse_int, parse_text, text_cell

from .models import AdministrativeUnit, Enterprise, Federation, GrassrootsUnion

MAX_IMPORT_ROWS = 5_000

COLUMNS: tuple[Column, ...] = (
    Column("number", "STT"),
    Column("name", "Tên doanh nghiệp", required=True),
    Column("tax_code", "Mã số doanh nghiệp", required=True, aliases=("Mã số thuế", "MST", "Mã số DN")),
    Column("ownership", "Loại hình", required=True, aliases=("Loại hình doanh nghiệp",)),
    Column("industry", "Ngành nghề"),
    Column("commune", "Xã/thị trấn", required=True, aliases=("Xã", "Xã/Phường/Thị trấn", "Xã/Phường")),
    Column("address", "Địa chỉ"),
    Column("workers", "Số lao động", required=True),
    Column("party_org_since", "Có tổ chức Đảng từ ngày"),
    Column("is_pilot", "Doanh nghiệp điểm"),
    Column("union_code", "Mã công đoàn"),
    Column("union_name", "Tên công đoàn cơ sở"),
    Column("union_members", "Số đoàn viên"),
    Column("union_founded_on", "Ngày thành lập công đoàn"),
)
HEADERS = {column.key: column.header for column in COLUMNS}
UNION_KEYS = ("union_code", "union_name", "union_members", "union_founded_on")

EXAMPLE_ROW = {
    "number": 1,
    "name": "Công ty TNHH Ví Dụ Minh Họa",
    "tax_code": "0200000000",
    "ownership": "Công ty trách nhiệm hữu hạn",
    "industry": "May mặc",
    "commune": "Xã Tiên Cường",
    "address": "Thôn 1, xã Tiên Cường",
    "workers": 120,
    "party_org_since": "",
    "is_pilot": "Không",
    "union_code": "CD-VIDU",
    "union_name": "Công đoàn Công ty TNHH Ví Dụ Minh Họa",
    "union_members": 110,
    "union_founded_on": "15/03/2020",
}

# What people write in the "Loại hình" column, compared like headers (no case, accents, spaces).
OWNERSHIP_ALIASES = {
    Enterprise.Ownership.FOREIGN: ["100% vốn nước ngoài", "vốn đầu tư nước ngoài", "FDI", "Doanh nghiệp FDI"],
    Enterprise.Ownership.JOINT_VENTURE: ["Liên doanh", "Công ty liên doanh"],
    Enterprise.Ownership.JOINT_STOCK: ["Cổ phần", "CP", "CTCP", "JSC"],
    Enterprise.Ownership.LIMITED: ["TNHH", "Công ty TNHH", "Trách nhiệm hữu hạn", "LLC"],
    Enterprise.Ownership.PRIVATE: ["Tư nhân", "DNTN"],
    Enterprise.Ownership.PARTNERSHIP: ["Hợp danh"],
    Enterprise.Ownership.COOPERATIVE: ["HTX"],
}
YES = {"co", "x", "1", "true", "dung", "yes"}
NO = {"khong", "0", "false", "sai", "no"}
COMMUNE_PREFIXES = ("xa ", "thi tran ", "phuong ")


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str


@dataclass
class ImportRow:
    number: int
    values: dict[str, object]
    enterprise: dict[str, object] = field(default_factory=dict)
    union: dict[str, object] | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class ImportResult:
    rows: list[ImportRow]

    @property
    def problems(self) -> list[Problem]:
        return [problem for row in self.rows for problem in row.problems]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.problems


# ---------------------------------------------------------------------------------------
# Template and session round-trip
# ---------------------------------------------------------------------------------------


def build_template_workbook() -> Workbook:
    """The header row and one example row, as staff fill it in."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Doanh nghiệp"))
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(column.header) + 4)
    sheet.freeze_panes = "A2"
    headers = []
    for column in COLUMNS:
        cell = text_cell(sheet, column.header + (" *" if column.required else ""))
        cell.font = Font(bold=True)
        headers.append(cell)
    sheet.append(headers)
    sheet.append([text_cell(sheet, EXAMPLE_ROW[column.key]) for column in COLUMNS])
    return workbook


def _jsonable(value: object) -> object:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return clean_text(value)


def rows_to_session(rows: list[SheetRow]) -> list[dict]:
    """Raw cell values, JSON-safe, so the confirmation step can check them all again."""
    return [{"number": row.number, "values": {k: _jsonable(v) for k, v in row.values.items()}} for row in rows]


def rows_from_session(data: list[dict]) -> list[SheetRow]:
    return [SheetRow(number=int(item["number"]), values=dict(item["values"])) for item in data]


# ---------------------------------------------------------------------------------------
# Checking
# ---------------------------------------------------------------------------------------


def _ownership_lookup() -> dict[str, str]:
    lookup = {}
    for value, label in Enterprise.Ownership.choices:
        for text in (value, label, *OWNERSHIP_ALIASES.get(value, [])):
            lookup[header_key(text)] = value
    return lookup


class CommuneLookup:
    """Find a commune of the federation's district by name, with or without "Xã"/"Thị trấn"."""

    def __init__(self, federation: Federation):
        communes = AdministrativeUnit.objects.active().filter(level=AdministrativeUnit.Level.COMMUNE)
        if federation.area_id:
            communes = communes.filter(parent=federation.area_id)
        self.by_name: dict[str, AdministrativeUnit] = {}
        self.by_short: dict[str, list[AdministrativeUnit]] = {}
        for commune in communes:
            self.by_name[commune.name_folded] = commune
            self.by_short.setdefault(self._short(commune.name_folded), []).append(commune)
        self.area_name = federation.area.name if federation.area_id else ""

    @staticmethod
    def _short(folded: str) -> str:
        for prefix in COMMUNE_PREFIXES:
            if folded.startswith(prefix):
                return folded[len(prefix) :]
        return folded

    def find(self, text: str) -> AdministrativeUnit:
        folded = fold(text)
        if folded in self.by_name:
            return self.by_name[folded]
        matches = self.by_short.get(self._short(folded), [])
        if len(matches) == 1:
            return matches[0]
        if matches:
            names = ", ".join(m.name for m in matches)
            raise ValueError(
                _("“%(v)s” trùng tên nhiều đơn vị (%(names)s); hãy ghi đầy đủ.") % {"v": text, "names": names}
            )
        if self.area_name:
            raise ValueError(_("Không có xã/thị trấn “%(v)s” thuộc %(area)s.") % {"v": text, "area": self.area_name})
        raise ValueError(_("Không có xã/thị trấn “%(v)s”.") % {"v": text})


def _parse_tax_code(value: object) -> str:
    # A tax code typed as a number loses its leading zero (0201234567 → 201234567).
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
        return text.zfill(10) if len(text) < 10 else text
    return parse_text(value).replace(" ", "")


COUNT_RE = re.compile(r"\d+|\d{1,3}(?:[.,]\d{3})+")


def _parse_count(value: object) -> int:
    """A head count: 1500, "1500", "1.500" or "1 500"; never 12,5 (the shared parse_int would read 125)."""
    if isinstance(value, float) and not value.is_integer():
        raise ValueError(_("“%(v)s” không phải số nguyên") % {"v": value})
    if isinstance(value, str) and not COUNT_RE.fullmatch("".join(value.split())):
        raise ValueError(_("“%(v)s” không phải số nguyên không âm") % {"v": value})
    return parse_int(value)


def _parse_yes_no(value: object) -> bool:
    if isinstance(value, bool):
        return value
    key = header_key(parse_text(value))
    if key in YES:
        return True
    if key in NO:
        return False
    raise ValueError(_("“%(v)s” không hợp lệ; ghi “Có” hoặc “Không”.") % {"v": value})


def _not_future(day: datetime.date) -> datetime.date:
    if day > timezone.localdate():
        raise ValueError(_("ngày %(d)s ở tương lai") % {"d": day.strftime("%d/%m/%Y")})
    return day


class RowChecker:
    """Checks one row at a time; problems name the row and the column as the file spells it."""

    def __init__(self, federation: Federation, headers: dict[str, str]):
        self.federation = federation
        self.headers = headers
        self.ownership = _ownership_lookup()
        self.communes = CommuneLookup(federation)

    def header(self, key: str) -> str:
        return self.headers.get(key) or HEADERS[key]

    def check(self, sheet_row: SheetRow) -> ImportRow:
        row = ImportRow(number=sheet_row.number, values=sheet_row.values)
        values = sheet_row.values

        def problem(key: str, message: str) -> None:
            row.problems.append(Problem(row.number, self.header(key), message))

        def parse(key: str, parser, required: bool = False):
            raw = values.get(key)
            if raw is None or raw == "":
                if required:
                    problem(key, _("Bắt buộc, không được để trống."))
                return None
            try:
                return parser(raw)
            except ValueError as exc:
                problem(key, str(exc))
                return None

        enterprise = {
            "name": parse("name", parse_text, required=True),
            "tax_code": parse("tax_code", _parse_tax_code, required=True),
            "ownership": parse("ownership", self._parse_ownership, required=True),
            "industry": parse("industry", parse_text) or "",
            "commune": parse("commune", lambda v: self.communes.find(parse_text(v)), required=True),
            "address": parse("address", parse_text) or "",
            "workers": parse("workers", _parse_count, required=True),
            "party_org_since": parse("party_org_since", lambda v: _not_future(parse_date(v))),
            "is_pilot": parse("is_pilot", _parse_yes_no) or False,
        }
        row.enterprise = enterprise

        union_given = any(values.get(key) not in (None, "") for key in UNION_KEYS)
        if union_given:
            code = parse("union_code", lambda v: "".join(parse_text(v).split()).upper())
            if not code:
                problem("union_code", _("Có thông tin công đoàn nhưng thiếu mã công đoàn."))
            row.union = {
                "code": code or "",
                "name": parse("union_name", parse_text)
                or (_("Công đoàn %(name)s") % {"name": enterprise["name"]} if enterprise["name"] else ""),
                "members": parse("union_members", _parse_count) or 0,
                "founded_on": parse("union_founded_on", lambda v: _not_future(parse_date(v))),
            }
            if enterprise["workers"] is not None and row.union["members"] > enterprise["workers"]:
                problem(
                    "union_members",
                    _("Số đoàn viên (%(m)s) lớn hơn số lao động (%(w)s).")
                    % {"m": row.union["members"], "w": enterprise["workers"]},
                )

        self._model_checks(row, problem)
        return row

    def _parse_ownership(self, value: object) -> str:
        text = parse_text(value)
        found = self.ownership.get(header_key(text))
        if found is None:
            labels = "; ".join(str(label) for _value, label in Enterprise.Ownership.choices)
            raise ValueError(_("“%(v)s” không phải loại hình đã biết (%(labels)s).") % {"v": text, "labels": labels})
        return found

    def _model_checks(self, row: ImportRow, problem) -> None:
        """The model's own field rules (lengths, tax code format, union code format)."""
        fields = {k: v for k, v in row.enterprise.items() if v is not None}
        instance = Enterprise(federation=self.federation, **fields)
        skip = [name for name, value in row.enterprise.items() if value is None] + ["federation"]
        self._clean(instance, skip, ENTERPRISE_FIELD_KEYS, problem)
        if row.union and row.union["code"]:
            union = GrassrootsUnion(federation=self.federation, **row.union)
            self._clean(union, ["enterprise", "federation"], UNION_FIELD_KEYS, problem)

    @staticmethod
    def _clean(instance, skip, keys, problem) -> None:
        try:
            instance.full_clean(exclude=skip, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            already = set()
            for name, messages in exc.message_dict.items():
                key = keys.get(name, "name")
                for message in messages:
                    if (key, message) not in already:
                        already.add((key, message))
                        problem(key, message)


ENTERPRISE_FIELD_KEYS = {
    "name": "name",
    "tax_code": "tax_code",
    "ownership": "ownership",
    "industry": "industry",
    "commune": "commune",
    "address": "address",
    "workers": "workers",
    "party_org_since": "party_org_since",
    "is_pilot": "is_pilot",
}
UNION_FIELD_KEYS = {
    "code": "union_code",
    "name": "union_name",
    "members": "union_members",
    "founded_on": "union_founded_on",
}


def check_rows(sheet_rows: list[SheetRow], headers: dict[str, str], federation: Federation) -> ImportResult:
    """Check every row, then what only the whole file and the register can tell (duplicates)."""
    checker = RowChecker(federation, headers)
    rows = [checker.check(sheet_row) for sheet_row in sheet_rows]

    tax_codes = [row.enterprise["tax_code"] for row in rows if row.enterprise.get("tax_code")]
    union_codes = [row.union["code"] for row in rows if row.union and row.union["code"]]
    known_tax = dict(Enterprise.objects.filter(tax_code__in=tax_codes).values_list("tax_code", "name"))
    known_unions = set(GrassrootsUnion.objects.filter(code__in=union_codes).values_list("code", flat=True))
    first_tax: dict[str, int] = {}
    first_union: dict[str, int] = {}
    for row in rows:
        tax_code = row.enterprise.get("tax_code")
        if tax_code:
            if tax_code in known_tax:
                message = _("Mã số doanh nghiệp %(code)s đã có trong danh sách (%(name)s).")
                row.problems.append(
                    Problem(
                        row.number,
                        checker.header("tax_code"),
                        message % {"code": tax_code, "name": known_tax[tax_code]},
                    )
                )
            elif tax_code in first_tax:
                message = _("Mã số doanh nghiệp %(code)s trùng với dòng %(row)s.")
                row.problems.append(
                    Problem(
                        row.number, checker.header("tax_code"), message % {"code": tax_code, "row": first_tax[tax_code]}
                    )
                )
            else:
                first_tax[tax_code] = row.number
        code = row.union["code"] if row.union else ""
        if code:
            if code in known_unions:
                message = _("Mã công đoàn %(code)s đã được dùng.")
                row.problems.append(Problem(row.number, checker.header("union_code"), message % {"code": code}))
            elif code in first_union:
                message = _("Mã công đoàn %(code)s trùng với dòng %(row)s.")
                row.problems.append(
                    Problem(
                        row.number, checker.header("union_code"), message % {"code": code, "row": first_union[code]}
                    )
                )
            else:
                first_union[code] = row.number
    return ImportResult(rows=rows)


# ---------------------------------------------------------------------------------------
# Saving
# ---------------------------------------------------------------------------------------


class ImportRefused(Exception):
    """The rows no longer pass the checks; carries the fresh result to show again."""

    def __init__(self, result: ImportResult):
        super().__init__("import refused")
        self.result = result


@transaction.atomic
def save_rows(sheet_rows: list[SheetRow], headers: dict[str, str], federation: Federation, user) -> ImportResult:
    """Check again and save every row, or nothing (raises ImportRefused / PermissionDenied)."""
    # Lock the federation row so two staff confirming the same file at once are serialised:
    # the second one then sees the first one's tax codes and is refused instead of failing.
    Federation.objects.select_for_update().filter(pk=federation.pk).first()
    result = check_rows(sheet_rows, headers, federation)
    if not result.ok:
        raise ImportRefused(result)
    created = []
    for row in result.rows:
        enterprise = Enterprise.objects.create(federation=federation, **row.enterprise)
        created.append(enterprise.pk)
        if row.union:
            GrassrootsUnion.objects.create(federation=federation, enterprise=enterprise, **row.union)
    # Re-check scope inside the transaction: everything saved must be visible to its author.
    if Enterprise.objects.for_user(user).filter(pk__in=created).count() != len(created):
        raise PermissionDenied
    return result
