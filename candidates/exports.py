"""Excel exports of nomination lists (what the list shows, citizen IDs masked)."""

from __future__ import annotations

import datetime

from django.db import connection
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from tienlang.lib.audit import change_history
from tienlang.lib.xlsx import text_cell
from unions.models import AccessLog

from . import providers, sensitivity
from .models import Nomination

HEADERS = [
    "STT",
    "Họ và tên",
    "Số CCCD",
    "Ngày sinh",
    "Giới tính",
    "Công đoàn cơ sở",
    "Năm",
    "Trạng thái",
    "Thường trú",
    "Trong huyện",
    "Ngày giới thiệu",
    "Cảnh báo",
]


EXPORTED_PERSON_FIELDS = ["full_name", "date_of_birth", "sex", "residence_commune", "residence_district"]
EXPORTED_PERSON_FIELDS += ["residence_province"]  # and the citizen ID, masked


def build_nominations_workbook(queryset, omitted: int = 0) -> Workbook:
    """Stream rows in write-only mode so memory stays flat however long the list.

    `omitted` people whose data is restricted were left out by the caller; a closing note
    says how many, so the file's count is not silently short.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Hồ sơ nguồn")
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHIJKL", [6, 28, 16, 12, 9, 30, 7, 22, 40, 11, 14, 10], strict=True):
        sheet.column_dimensions[letter].width = width
    header = []
    for title in HEADERS:
        cell = text_cell(sheet, title)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    rows = queryset.select_related("person", "union").iterator(chunk_size=2000)
    for number, nomination in enumerate(rows, start=1):
        person = nomination.person
        date_cell = text_cell(sheet, person.date_of_birth)
        date_cell.number_format = "DD/MM/YYYY"
        nominated_cell = text_cell(sheet, nomination.nominated_on)
        nominated_cell.number_format = "DD/MM/YYYY"
        sheet.append(
            [
                text_cell(sheet, number),
                text_cell(sheet, person.full_name),
                text_cell(sheet, person.masked_citizen_id),
                date_cell,
                text_cell(sheet, person.get_sex_display()),
                text_cell(sheet, nomination.union.name),
                text_cell(sheet, nomination.year),
                text_cell(sheet, nomination.get_status_display()),
                text_cell(sheet, person.residence),
                text_cell(sheet, "Có" if nomination.in_district else "Không"),
                nominated_cell,
                text_cell(sheet, len(nomination.warnings or [])),
            ]
        )
    if omitted:
        sheet.append([])
        sheet.append(
            [
                text_cell(
                    sheet,
                    f"Không xuất {omitted} hồ sơ của người đang bị hạn chế xử lý dữ liệu cá nhân "
                    "(theo yêu cầu của chủ thể dữ liệu).",
                )
            ]
        )
    return workbook


# ---------------------------------------------------------------------------------------
# Everything held about one person (a data subject's access request)
# ---------------------------------------------------------------------------------------


def _local(value):
    """openpyxl refuses time-zone-aware datetimes: write local wall-clock time."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    return value


def _sheet(workbook, title: str, headers: list[str], widths: list[int] | None = None):
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths or [18] * len(headers), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    header = []
    for text in headers:
        cell = text_cell(sheet, text)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    return sheet


def _row(sheet, values) -> None:
    cells = []
    for value in values:
        value = _local(value)
        if isinstance(value, bool):
            value = "Có" if value else "Không"
        cell = text_cell(sheet, value)
        if isinstance(value, datetime.datetime):
            cell.number_format = "DD/MM/YYYY HH:MM"
        elif isinstance(value, datetime.date):
            cell.number_format = "DD/MM/YYYY"
        cells.append(cell)
    sheet.append(cells)


def _user(user) -> str:
    return user.get_username() if user is not None else ""


def person_access_log(person):
    """Access-log entries that name `person` (each entry keeps up to 1,000 person IDs)."""
    entries = AccessLog.objects.filter(person_count__gt=0).order_by("at", "pk")
    if connection.features.supports_json_field_contains:
        return list(entries.filter(person_ids__contains=[person.pk]))
    return [e for e in entries.iterator() if person.pk in (e.person_ids or [])]


def build_person_workbook(person, exported_by=None) -> Workbook:
    """Everything the system holds about `person`, one sheet per kind of record, in full.

    For handing to the person (right of access) by district staff: the citizen ID is not
    masked here. Only rows about this person are read; other people appear only as the
    users who recorded or viewed something.
    """
    workbook = Workbook(write_only=True)
    _personal_sheet(workbook, person, exported_by)
    _nomination_sheets(workbook, person)
    for add_sheets in providers.PERSON_SHEETS:
        add_sheets(workbook, person, _sheet, _row)
    _consent_and_request_sheets(workbook, person)
    _history_sheets(workbook, person)
    return workbook


def _personal_sheet(workbook, person, exported_by) -> None:
    sheet = _sheet(workbook, "Thông tin cá nhân", ["Trường dữ liệu", "Giá trị", "Loại dữ liệu"], [34, 48, 28])
    _row(sheet, ["Mã đoàn viên trong hệ thống", person.pk, ""])
    _row(sheet, ["Liên đoàn lao động", person.federation.name, ""])
    _row(sheet, ["Công đoàn cơ sở", person.union.name, ""])
    for name, label, level in sensitivity.personal_fields():
        value = getattr(person, name)
        display = getattr(person, f"get_{name}_display", None)
        _row(sheet, [label[:1].upper() + label[1:], display() if display and value else value, level])
    basis = person.get_legal_basis_display() if person.legal_basis else "Chưa ghi nhận"
    _row(sheet, ["Căn cứ xử lý dữ liệu cá nhân", basis, ""])
    _row(sheet, ["Văn bản, ghi chú về căn cứ", person.legal_basis_note, ""])
    _row(sheet, ["Hạn chế xử lý dữ liệu", person.processing_restricted, ""])
    _row(sheet, ["Hạn chế từ ngày", person.restricted_on, ""])
    _row(sheet, ["Ẩn danh hóa lúc", person.anonymised_at, ""])
    _row(sheet, ["Ngày tạo bản ghi", person.created_at, ""])
    _row(sheet, ["Cập nhật lần cuối", person.updated_at, ""])
    _row(sheet, ["Xuất tệp lúc", timezone.now(), ""])
    _row(sheet, ["Người xuất tệp", _user(exported_by), ""])


def _nomination_sheets(workbook, person) -> None:
    """The person's nominations, every step of them and their introductions to the Party."""
    nominations = list(
        Nomination.objects.filter(person=person)
        .select_related("union", "created_by", "introduction__receiving_organization")
        .prefetch_related("events__recorded_by")
        .order_by("year", "pk")
    )
    sheet = _sheet(
        workbook,
        "Hồ sơ nguồn",
        [
            "Năm",
            "Công đoàn cơ sở",
            "Trạng thái",
            "Ngày giới thiệu",
            "Có đơn tự nguyện",
            "Xác nhận tiêu chuẩn",
            "Nhận xét của Chủ tịch CĐCS",
            "Cảnh báo",
            "Đã chấp nhận cảnh báo",
            "Thường trú trong huyện",
            "Người tạo",
            "Ngày tạo",
        ],
        [7, 30, 22, 13, 10, 10, 50, 50, 10, 10, 16, 18],
    )
    for n in nominations:
        warnings = "; ".join(w.get("message") or w.get("code", "") for w in n.warnings or [] if isinstance(w, dict))
        _row(
            sheet,
            [
                n.year,
                n.union.name,
                n.get_status_display(),
                n.nominated_on,
                n.voluntary_application,
                n.qualities_confirmed,
                n.chair_assessment,
                warnings,
                n.warnings_accepted,
                n.in_district,
                _user(n.created_by),
                n.created_at,
            ],
        )

    sheet = _sheet(
        workbook,
        "Lịch sử hồ sơ",
        ["Năm hồ sơ", "Từ", "Sang", "Ngày", "Thời điểm ghi", "Người ghi", "Lý do, ghi chú", "Đính chính"],
        [9, 22, 22, 12, 18, 16, 60, 10],
    )
    for n in nominations:
        for e in sorted(n.events.all(), key=lambda e: (e.recorded_at, e.pk)):
            _row(
                sheet,
                [
                    n.year,
                    e.get_from_status_display() if e.from_status else "",
                    e.get_to_status_display(),
                    e.happened_on,
                    e.recorded_at,
                    _user(e.recorded_by),
                    e.reason,
                    e.is_correction,
                ],
            )

    sheet = _sheet(
        workbook,
        "Giới thiệu cho Đảng",
        [
            "Năm hồ sơ",
            "Số nghị quyết",
            "Ngày nghị quyết",
            "Ngày họp BCH",
            "Tổng số ủy viên",
            "Số dự họp",
            "Tán thành",
            "Không tán thành",
            "Tổ chức Đảng tiếp nhận",
            "Đảng viên cùng giới thiệu",
            "Cùng công tác từ",
        ],
        [9, 16, 13, 13, 10, 10, 10, 10, 34, 26, 13],
    )
    for n in nominations:
        i = getattr(n, "introduction", None)
        if i is None:
            continue
        _row(
            sheet,
            [
                n.year,
                i.resolution_number,
                i.resolution_date,
                i.meeting_date,
                i.committee_total,
                i.committee_present,
                i.votes_for,
                i.votes_against,
                i.receiving_organization.name,
                i.co_introducer_name,
                i.co_introducer_worked_since,
            ],
        )


def _consent_and_request_sheets(workbook, person) -> None:
    sheet = _sheet(
        workbook,
        "Đồng ý xử lý dữ liệu",
        ["Mục đích", "Ngày đồng ý", "Hình thức, chứng cứ", "Người ghi", "Thời điểm ghi", "Ngày rút lại", "Người ghi"]
        + ["Ghi chú khi rút lại"],
        [50, 12, 36, 16, 18, 12, 16, 36],
    )
    for c in person.consents.select_related("recorded_by", "withdrawn_recorded_by").order_by("given_on", "pk"):
        _row(
            sheet,
            [
                c.purpose,
                c.given_on,
                c.evidence,
                _user(c.recorded_by),
                c.recorded_at,
                c.withdrawn_on,
                _user(c.withdrawn_recorded_by),
                c.withdrawal_note,
            ],
        )

    sheet = _sheet(
        workbook,
        "Yêu cầu về dữ liệu",
        ["Loại yêu cầu", "Ngày tiếp nhận", "Hạn giải quyết", "Hình thức", "Nội dung", "Tình trạng", "Người xử lý"]
        + ["Ngày kết thúc", "Kết quả giải quyết"],
        [26, 13, 13, 18, 40, 16, 16, 13, 40],
    )
    for r in person.data_requests.select_related("handled_by").order_by("received_on", "pk"):
        _row(
            sheet,
            [
                r.get_kind_display(),
                r.received_on,
                r.due_on,
                r.channel,
                r.details,
                r.get_status_display(),
                _user(r.handled_by),
                r.closed_on,
                r.response,
            ],
        )


def _history_sheets(workbook, person) -> None:
    """The record's change history, who viewed the person's data, and any anonymisation."""
    sheet = _sheet(
        workbook,
        "Lịch sử thay đổi",
        ["Thời điểm", "Người thực hiện", "Loại", "Trường", "Giá trị cũ", "Giá trị mới"],
        [18, 16, 10, 30, 30, 30],
    )
    for record in reversed(change_history(person, limit=100_000)):
        changes = record["changes"] or [{"field": "", "old": "", "new": ""}]
        for change in changes:
            _row(
                sheet,
                [record["date"], _user(record["user"]), record["kind"], change["field"], change["old"], change["new"]],
            )

    sheet = _sheet(
        workbook,
        "Nhật ký truy cập",
        ["Thời điểm", "Người dùng", "Hành động", "Nội dung", "Dữ liệu đã hiển thị", "Số đoàn viên trong lần này"],
        [18, 16, 12, 44, 50, 12],
    )
    labels = {name: label for name, label, _level in sensitivity.personal_fields()}
    for entry in person_access_log(person):
        shown = ", ".join(labels.get(name, name) for name in entry.fields or [])
        _row(sheet, [entry.at, entry.username, entry.get_action_display(), entry.what, shown, entry.person_count])

    sheet = _sheet(workbook, "Ẩn danh hóa", ["Thời điểm", "Người thực hiện", "Căn cứ", "Các trường"], [18, 16, 60, 60])
    for log in person.anonymisations.select_related("by").order_by("at", "pk"):
        _row(sheet, [log.at, _user(log.by) or "Lệnh định kỳ", log.rule, ", ".join(log.fields)])
