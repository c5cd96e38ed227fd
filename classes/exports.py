"""Excel reports of the classes (SPEC §4, reports 2 and 3), in the union's document layout.

- `build_roster_workbook`: the class roster with results and certificates;
- `build_stipends_workbook`: the stipend signing list (danh sách ký nhận) with the total
  in figures and in words and the three signatures, and on a second sheet the budget
  summary (committed, paid, outstanding per class, union and funding source).

With `user`, rows go through `for_user(user)` (a chair gets only their union's people);
without, everything in `federation` (or in every federation when it is None). The
report centre serves them at /reports/roster.xlsx and /reports/stipends.xlsx and from
`manage.py export_report roster|stipends`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from tienlang.lib import disclosure, document
from tienlang.lib.document import (
    BOX,
    FONT,
    NUMBER_FORMAT,
    Column,
    Formula,
    Issuer,
    ReportSheet,
    ReportWorkbook,
)
from tienlang.lib.money import amount_in_words, format_vnd
from tienlang.lib.xlsx import set_text
from unions.models import Federation, GrassrootsUnion, PartyOrganization, Sex
from unions.permissions import is_chair, user_federation, user_union_id
from unions.querysets import federation_scope, federation_subtree

from . import services
from .models import Enrollment, PaymentStatus, Result, StipendPayment
from .services.budget import LIVE, PAID

ROSTER_TITLE = "Danh sách học viên lớp bồi dưỡng nhận thức về Đảng"
STIPENDS_TITLE = "Danh sách ký nhận tiền hỗ trợ học viên lớp bồi dưỡng nhận thức về Đảng"
BUDGET_TITLE = "Tổng hợp kinh phí hỗ trợ học viên lớp bồi dưỡng nhận thức về Đảng"

ROSTER_COLUMNS = [
    Column("STT", 6, "int"),
    Column("Họ và tên", 26, total="=COUNTA(B{first}:B{last})"),
    Column("Ngày sinh", 12, "date"),
    Column("Giới tính", 9),
    Column("Công đoàn cơ sở", 30),
    Column("Lớp", 30),
    Column("Kết quả", 14, total='=COUNTIF(G{first}:G{last},"Đạt")'),
    Column("Số chứng nhận", 14, total="=COUNTA(H{first}:H{last})"),
    Column("Ngày cấp", 12, "date"),
    Column("Ghi chú", 26),
]

STIPEND_COLUMNS = [
    Column("STT", 6, "int"),
    Column("Họ và tên", 28),
    Column("Công đoàn cơ sở", 34),
    Column("Số tiền", 16, "money", total="sum"),
    Column("Ký nhận", 18),
    Column("Ghi chú", 30),
]

BUDGET_COLUMNS = [
    Column("STT", 6, "int"),
    Column("Nội dung", 44),
    Column("Số học viên", 12, "int"),
    Column("Đã cam kết", 18, "money"),
    Column("Đã chi", 18, "money"),
    Column("Còn phải chi", 18, "money"),
]

SIGNERS = ["Người lập biểu", "Kế toán", "Thủ trưởng đơn vị"]


# ---------------------------------------------------------------------------------------
# Scope
# ---------------------------------------------------------------------------------------


def _visible(manager, user, federation):
    """The rows `user` may see (`for_user`); without a user (an operator's run), what a user of
    `federation` would see (it and the federations below it; every federation when it is None)."""
    if user is not None:
        return manager.for_user(user)
    if federation is None:
        return manager.all()
    return manager.all().within(federation_scope(federation.pk))


# ---------------------------------------------------------------------------------------
# The federations directly below the issuer: a report's subtotals
# ---------------------------------------------------------------------------------------


@dataclass
class Branches:
    """The federations directly below an issuer (by name), and which of them each federation
    under the issuer belongs to. Rows of the issuer's own (a union directly under it) belong to
    none: they get a subtotal of their own, so the subtotals always add up to the total."""

    issuer: Federation | None = None
    children: list[Federation] = field(default_factory=list)
    top: dict[int, int] = field(default_factory=dict)  # federation id -> position in `children`

    def __bool__(self) -> bool:
        return bool(self.children)

    def position(self, federation_id: int | None) -> int:
        """The place of `federation_id`'s branch among the subtotals; the issuer's own rows last."""
        return self.top.get(federation_id, len(self.children))

    def label(self, position: int) -> str:
        if position < len(self.children):
            return self.children[position].name
        return f"Trực thuộc trực tiếp {self.issuer.name}" if self.issuer is not None else "Khác"

    def order(self, lookup: str) -> Case:
        """An SQL expression giving each row its branch's position (to group rows by it)."""
        members: dict[int, list[int]] = {}
        for federation_id, position in self.top.items():
            members.setdefault(position, []).append(federation_id)
        whens = [When(Q(**{f"{lookup}__in": sorted(ids)}), then=Value(pos)) for pos, ids in sorted(members.items())]
        return Case(*whens, default=Value(len(self.children)), output_field=IntegerField())


def branches(issuer: Federation | None) -> Branches:
    """The branches below `issuer`, in two queries whatever the depth and the number of federations."""
    if issuer is None:
        return Branches()
    rows = list(Federation.objects.filter(pk__in=federation_subtree(issuer.pk)).order_by("name", "pk"))
    children = [row for row in rows if row.parent_id == issuer.pk]
    if not children:
        return Branches(issuer)
    parent_of = {row.pk: row.parent_id for row in rows}
    position = {child.pk: index for index, child in enumerate(children)}
    top: dict[int, int] = {}
    for pk in parent_of:
        node, seen = pk, set()
        while node is not None and node not in position and node not in seen:
            seen.add(node)
            node = parent_of.get(node)
        if node in position:
            top[pk] = position[node]
    return Branches(issuer, children, top)


def party_bodies(federation: Federation | None, year: int | None = None) -> tuple:
    """The Party committee of the federation's own area, and that committee's organisation board,
    as they were in `year` (a body retired before the year began is not named)."""
    if federation is None or not federation.area_id:
        return None, None
    Kind = PartyOrganization.Kind
    kinds = [Kind.PROVINCIAL_COMMITTEE, Kind.DISTRICT_COMMITTEE, Kind.COMMUNE_COMMITTEE, Kind.DISTRICT_BOARD]
    bodies = PartyOrganization.objects.filter(area=federation.area_id, kind__in=kinds).order_by("name", "pk")
    if year is not None:
        bodies = bodies.filter(Q(retired_on__isnull=True) | Q(retired_on__year__gte=year))
    committee = next((b for b in bodies if b.kind != Kind.DISTRICT_BOARD), None)
    board = next((b for b in bodies if b.kind == Kind.DISTRICT_BOARD), None)
    return committee, board


def _issuing_federation(user, federation, class_federation_ids):
    """The federation named at the top of the report: given, the user's own, or the only one in the data."""
    if federation is not None:
        return federation
    own = user_federation(user) if user is not None else None
    if own is not None:
        return own
    ids = set(class_federation_ids)
    if len(ids) == 1:
        return Federation.objects.filter(pk=ids.pop()).select_related("parent").first()
    return None


def _issuer(federation, year: int | None = None) -> Issuer:
    """The issuer, and as recipients the organisation board of its area's Party committee (or,
    where the area has no board, the committee itself), from the organisation tree."""
    recipients = []
    committee, board = party_bodies(federation, year)
    if board is not None or committee is not None:
        recipients.append((board or committee).name)
    recipients.append("Lưu: VT")
    return Issuer.for_federation(federation, recipients=recipients)


def _period(year: int, user) -> str:
    text = f"Năm {year}"
    if user is not None and is_chair(user):
        union = GrassrootsUnion.objects.for_user(user).filter(pk=user_union_id(user)).first()
        if union is not None:
            text += f" — {union.name}"
    return text


def _sex(value: str) -> str:
    return str(Sex(value).label) if value in Sex.values else value


# ---------------------------------------------------------------------------------------
# Roster
# ---------------------------------------------------------------------------------------


ROSTER_ORDER = ("training_class__opens_on", "training_class__pk", "nomination__sort_name", "pk")


def roster_rows(year: int, *, user=None, federation=None, grouped: Branches | None = None):
    """The learners of a year's classes, in the order the roster lists them.

    With `grouped` (an issuer with federations below it), the learners of each federation below
    come together (`branch`: its place), by the federation of their nomination (which keeps the
    federation of its date through a reorganisation).
    """
    queryset = _visible(Enrollment.objects, user, federation)
    rows = queryset.filter(training_class__year=year).select_related(
        "nomination__person", "nomination__union", "training_class"
    )
    if grouped:
        return rows.annotate(branch=grouped.order("nomination__federation")).order_by("branch", *ROSTER_ORDER)
    return rows.order_by(*ROSTER_ORDER)


def _roster_note(status: str, result_note: str) -> str:
    parts = []
    if status == "withdrawn":
        parts.append("Đã rút khỏi danh sách")
    if result_note:
        parts.append(result_note)
    return "; ".join(parts)


# The roster's columns only, read as tuples: no model instances for a list of thousands.
ROSTER_VALUES = (
    "nomination__person_id",
    "nomination__person__full_name",
    "nomination__person__date_of_birth",
    "nomination__person__sex",
    "nomination__union__name",
    "training_class__name",
    "result",
    "certificate_number",
    "certificate_date",
    "nomination__status",
    "result_note",
)
ROSTER_PERSON_FIELDS = ("full_name", "date_of_birth", "sex")


RESTRICTED = "nomination__person__processing_restricted"


def build_roster_workbook(year: int, *, user=None, federation=None) -> Workbook:
    """Report 2: the class roster with results and certificates (one row per learner).

    Learners whose personal data is restricted are left out, and a closing note counts them.
    """
    everyone = roster_rows(year, user=user, federation=federation)
    withheld = everyone.filter(**{RESTRICTED: True}).count()
    listed = everyone.exclude(**{RESTRICTED: True})
    # Streamed: the learners are read in chunks and written as they come (flat memory).
    classes = listed.order_by().values_list("training_class__federation_id", flat=True).distinct()[:2]
    issuing = _issuing_federation(user, federation, classes)
    grouped = branches(issuing)
    if grouped:
        listed = roster_rows(year, user=user, federation=federation, grouped=grouped).exclude(**{RESTRICTED: True})
    any_rows = listed.exists()
    workbook = ReportWorkbook()
    columns = ROSTER_COLUMNS if any_rows else [Column(c.title, c.width, c.kind) for c in ROSTER_COLUMNS]
    sheet = ReportSheet(workbook, ROSTER_TITLE, columns, _issuer(issuing, year), sheet_title="Danh sách học viên")
    sheet.header(number=f"Số:      /DS-{sheet.issuer.document_code}")
    sheet.titles(ROSTER_TITLE, _period(year, user))
    sheet.table_header()
    number = passed = certificates = 0
    groups: dict[int, list[int]] = {}  # branch -> learners, passed, certificates
    results = {value: str(label) for value, label in Result.choices}
    sexes = {value: str(label) for value, label in Sex.choices}
    fields = (*ROSTER_VALUES, "branch") if grouped else ROSTER_VALUES
    rows = listed.values_list(*fields).iterator(chunk_size=document.ROWS_PER_READ)

    def learner_rows():
        nonlocal number, passed, certificates
        for number, values in enumerate(rows, start=1):
            person, name, born, sex, union, training_class = values[:6]
            result, certificate, certified_on, status, note = values[6:11]
            # Rows read as tuples make no model rows: the access log is told who was read (disclosure).
            disclosure.note(person, "candidates.Person", ROSTER_PERSON_FIELDS)
            disclosure.note(person, "candidates.Nomination", ("status",))
            passed += result == Result.PASSED
            certificates += bool(certificate)
            if grouped:
                counts = groups.setdefault(values[11], [0, 0, 0])
                counts[0] += 1
                counts[1] += result == Result.PASSED
                counts[2] += bool(certificate)
            yield [
                number,
                name,
                born,
                sexes.get(sex, sex),
                union,
                training_class,
                results[result],
                certificate or None,
                certified_on,
                _roster_note(status, note) or None,
            ]

    sheet.table_rows(learner_rows())
    # A subtotal per federation below, after the learners (outside the range the total counts):
    # its counts under the total's, its name in the union column.
    for position, (learners, group_passed, group_certificates) in sorted(groups.items()):
        row = [None, learners, None, None, grouped.label(position), None, group_passed, group_certificates, None, None]
        sheet.summary_row(row, label_column=5)
    # Each count ships its value, for a viewer that does not calculate.
    totals = sheet.totals_row(label="Tổng cộng", label_column=1, cached={2: number, 7: passed, 8: certificates})
    if not any_rows:
        for index in (2, 7, 8):
            sheet.cell(totals, index, 0).number_format = NUMBER_FORMAT
    sheet.note(f"Tổng số: {number} học viên; đạt yêu cầu, được cấp giấy chứng nhận: {passed}.")
    if withheld:
        sheet.note(f"Không đưa vào danh sách {withheld} học viên đang bị hạn chế xử lý dữ liệu cá nhân.")
    sheet.footer()
    sheet.finish()
    return workbook


# ---------------------------------------------------------------------------------------
# Stipends
# ---------------------------------------------------------------------------------------


def stipend_payments(year: int, *, user=None, federation=None):
    """The stipends of a year's classes (any status), scoped."""
    queryset = _visible(StipendPayment.objects, user, federation)
    return queryset.filter(enrollment__training_class__year=year)


def _payment_note(voucher_number: str, paid_on, class_name: str, several_classes: bool) -> str:
    parts = [f"Phiếu chi số {voucher_number} ngày {paid_on:%d/%m/%Y}"]
    if several_classes:
        parts.append(class_name)
    return "; ".join(parts)


# The signing list's columns only, read as tuples.
PAYMENT_VALUES = (
    "enrollment__nomination__person_id",
    "enrollment__nomination__person__full_name",
    "enrollment__nomination__union__name",
    "amount",
    "voucher_number",
    "paid_on",
    "enrollment__training_class__name",
)


def _signatures(sheet: ReportSheet) -> None:
    """Three signatures side by side: preparer, accountant, head of the unit."""
    sheet.start_closing()
    sheet.row += 1
    spans = [(1, 2), (3, 4), (5, 6)]
    for (first, last), title in zip(spans, SIGNERS, strict=True):
        for offset, (text, font) in enumerate(
            [
                (title, Font(name=FONT, size=12, bold=True)),
                ("(Ký, ghi rõ họ tên)", Font(name=FONT, size=12, italic=True)),
            ]
        ):
            row = sheet.row + offset
            if last > first:
                sheet.merge(row, first, last)
            cell = sheet.cell(row, first)
            set_text(cell, text)
            cell.font = font
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            sheet.fit_height(row, text, first, last, 12, bold=font.b, italic=font.i)
    sheet.row += 6


COUNT_FORMAT = '#,##0" người"'


def build_stipends_workbook(year: int, *, user=None, federation=None) -> Workbook:
    """Report 3: the signing list of the year's stipends and, on a second sheet, the budget summary.

    The signing list holds what was paid out (each payment with its voucher), the people
    signing for the money they received: a stipend committed but not paid yet is on the
    budget summary (outstanding), not on the list, and a note counts them.
    """
    payments_qs = stipend_payments(year, user=user, federation=federation)
    # The signing list names people: those whose data is restricted are left out (and
    # counted in a note); the budget summary's figures name no one and include them.
    paid = payments_qs.filter(status=PaymentStatus.PAID)
    withheld = paid.filter(**{f"enrollment__{RESTRICTED}": True}).aggregate(n=Count("pk"), s=Sum("amount"))
    listed = paid.exclude(**{f"enrollment__{RESTRICTED}": True})
    unpaid = payments_qs.filter(status=PaymentStatus.COMMITTED).aggregate(n=Count("pk"), s=Sum("amount"))
    payments = listed
    order = (
        "enrollment__training_class__opens_on",
        "enrollment__training_class__pk",
        "enrollment__nomination__sort_name",
        "pk",
    )
    # Streamed: the payments are read in chunks and written as they come (flat memory).
    # Whether the list has rows, and from more than one class (the notes then name the class):
    # two lookups that stop at the first row found, not a count over every payment.
    first_class = listed.order_by().values_list("enrollment__training_class_id", flat=True).first()
    several = first_class is not None and listed.exclude(enrollment__training_class_id=first_class).exists()
    classes = (
        payments_qs.live().order_by().values_list("enrollment__training_class__federation_id", flat=True).distinct()[:2]
    )
    issuing = _issuing_federation(user, federation, classes)
    issuer = _issuer(issuing, year)
    # An issuer with federations below it: each one's people together (by their nomination's
    # federation), a subtotal per federation after the list.
    grouped = branches(issuing)
    if grouped:
        payments = payments.annotate(branch=grouped.order("enrollment__nomination__federation"))
        order = ("branch", *order)
    payments = payments.order_by(*order)
    workbook = ReportWorkbook()

    columns = (
        STIPEND_COLUMNS if first_class is not None else [Column(c.title, c.width, c.kind) for c in STIPEND_COLUMNS]
    )
    sheet = ReportSheet(workbook, STIPENDS_TITLE, columns, issuer, sheet_title="Danh sách ký nhận")
    sheet.header(number=f"Số:      /DS-{issuer.document_code}")
    sheet.titles(STIPENDS_TITLE, _period(year, user))
    sheet.table_header()
    total = count = 0
    groups: dict[int, list[int]] = {}  # branch -> people, amount
    fields = (*PAYMENT_VALUES, "branch") if grouped else PAYMENT_VALUES
    rows = payments.values_list(*fields).iterator(chunk_size=document.ROWS_PER_READ)

    def payment_rows():
        nonlocal total, count
        for count, values in enumerate(rows, start=1):
            person, name, union, amount, voucher_number, paid_on, class_name = values[:7]
            disclosure.note(person, "candidates.Person", ("full_name",))
            total += amount
            if grouped:
                group = groups.setdefault(values[7], [0, 0])
                group[0] += 1
                group[1] += amount
            yield [count, name, union, amount, None, _payment_note(voucher_number, paid_on, class_name, several)]

    sheet.table_rows(payment_rows(), height=30)  # room for a signature
    for position, (people, amount) in sorted(groups.items()):
        row = sheet.summary_row([None, grouped.label(position), people, amount, None, None], label_column=2)
        _count_cell(sheet, row)
    # "Tổng cộng" across the number and name columns; the count of people as a live formula.
    totals = sheet.totals_row(label="Tổng cộng", label_column=1, label_span=2)
    if first_class is not None:
        first, last = sheet.first_data_row, sheet.last_data_row
        sheet.formula_cell(totals, 3, f"=COUNT(A{first}:A{last})", cached=count)
    else:
        sheet.cell(totals, 3, 0)
        sheet.cell(totals, 4, 0).number_format = NUMBER_FORMAT
    _count_cell(sheet, totals)
    # In words from the very total the list adds up (the SUM's cached value).
    sheet.note(f"Số tiền bằng chữ: {amount_in_words(total)}.")
    if unpaid["n"]:
        sheet.note(
            f"Chưa đưa vào danh sách {unpaid['n']} khoản đã cam kết nhưng chưa chi ({format_vnd(unpaid['s'])}): "
            "học viên ký nhận khi được chi (xem Tổng hợp kinh phí)."
        )
    if withheld["n"]:
        sheet.note(
            f"Không đưa vào danh sách {withheld['n']} khoản ({format_vnd(withheld['s'])}) của người đang bị "
            "hạn chế xử lý dữ liệu cá nhân; lập chứng từ riêng."
        )
    _signatures(sheet)
    sheet.finish()

    _budget_sheet(workbook, issuer, year, user, payments_qs, grouped)
    return workbook


def _count_cell(sheet: ReportSheet, row: int) -> None:
    """The count of people in the union column of a total or subtotal row: "47 người", centred."""
    counted = sheet.cell(row, 3)
    counted.number_format = COUNT_FORMAT
    counted.font = Font(name=FONT, size=12, bold=True)
    counted.alignment = Alignment(horizontal="center")


def budget_by_branch(payments_qs, grouped: Branches) -> list[dict]:
    """Committed, paid and outstanding per federation below the issuer (one grouped query), as
    the budget sheet's rows: by the federation of each learner's nomination."""
    rows = (
        payments_qs.order_by()
        .values("enrollment__nomination__federation")
        .annotate(
            learners=Count("enrollment", filter=LIVE, distinct=True),
            committed=Coalesce(Sum("amount", filter=LIVE), Value(0)),
            paid=Coalesce(Sum("amount", filter=PAID), Value(0)),
        )
    )
    sums: dict[int, dict] = {}
    for row in rows:
        position = grouped.position(row["enrollment__nomination__federation"])
        target = sums.setdefault(position, {"learners": 0, "committed": 0, "paid": 0})
        for name in target:
            target[name] += row[name]
    result = []
    for position, figures in sorted(sums.items()):
        if figures["committed"] or figures["paid"]:
            outstanding = figures["committed"] - figures["paid"]
            result.append({"label": grouped.label(position), **figures, "outstanding": outstanding})
    return result


def _budget_sheet(workbook, issuer, year, user, payments_qs, grouped: Branches | None = None) -> ReportSheet:
    # Each section's heading carries its subtotal, written once its rows are (`ReportSheet.section`):
    # the rows are streamed from the grouped query, never held (a national list of unions is long).
    sheet = ReportSheet(workbook, BUDGET_TITLE, BUDGET_COLUMNS, issuer, sheet_title="Tổng hợp kinh phí")
    sheet.header()
    sheet.titles(BUDGET_TITLE, _period(year, user))
    sheet.table_header()
    sections = [
        ("I", "Theo lớp", "class"),
        ("II", "Theo công đoàn cơ sở", "union"),
        ("III", "Theo nguồn kinh phí", "source"),
    ]
    if grouped:
        # A row per federation below the issuer: the section's heading adds them up to the total.
        sections.append(("IV", "Theo liên đoàn cấp dưới", budget_by_branch(payments_qs, grouped)))
    first_section = None
    fields = {4: "committed", 5: "paid", 6: "outstanding"}

    def subtotal(first, last, sums, numeral, title):
        values = [numeral, title, None]
        for col in fields:
            letter = get_column_letter(col)
            values.append(Formula(f"=SUM({letter}{first}:{letter}{last})", sums[col - 1]) if last >= first else 0)
        return values

    for numeral, title, group in sections:
        rows = (
            [number, row["label"], row["learners"], row["committed"], row["paid"], row["outstanding"]]
            for number, row in enumerate(
                group
                if isinstance(group, list)
                else services.iter_budget_rows(payments_qs, group, document.ROWS_PER_READ),
                start=1,
            )
        )
        _heading, start, end, sums = sheet.section(
            [numeral, title, None, None, None, None],
            rows,
            lambda first, last, column_sums, n=numeral, t=title: subtotal(first, last, column_sums, n, t),
        )
        if first_section is None:
            first_section = (start, end, sums)

    # Totals row: everything counted once (from the section by class).
    sheet.start_closing()
    totals = sheet.row
    start, end, class_sums = first_section
    label = sheet.cell(totals, 1)
    set_text(label, "Tổng cộng")
    label.font = Font(name=FONT, size=12, bold=True)
    label.alignment = Alignment(horizontal="center", vertical="center")
    sheet.merge(totals, 1, 2)
    for col in range(1, len(BUDGET_COLUMNS) + 1):
        sheet.cell(totals, col).border = BOX
    # An enrollment is in one class: the classes' figures add up to the totals (no second pass).
    money = {"learners": int(class_sums[2]), "committed": int(class_sums[3])}
    learners = sheet.cell(totals, 3, money["learners"])
    learners.number_format = NUMBER_FORMAT
    learners.font = Font(name=FONT, size=12, bold=True)
    for col, name in fields.items():
        letter = get_column_letter(col)
        if end >= start:
            sheet.formula_cell(totals, col, f"=SUM({letter}{start}:{letter}{end})", cached=class_sums[col - 1])
        else:
            _zero(sheet, totals, col)
        sheet.cell(totals, col).font = Font(name=FONT, size=12, bold=True)
    sheet.row_height(totals, 20)
    sheet.row += 1
    sheet.note(
        "Đã cam kết: tổng số tiền hỗ trợ phải chi cho học viên (gồm cả số đã chi); Còn phải chi = Đã cam kết − Đã chi."
    )
    sheet.note(f"Tổng số đã cam kết bằng chữ: {amount_in_words(money['committed'])}.")
    sheet.footer()
    sheet.finish()
    return sheet


def _zero(sheet: ReportSheet, row, col) -> None:
    cell = sheet.cell(row, col, 0)
    cell.number_format = NUMBER_FORMAT
    cell.border = BOX
