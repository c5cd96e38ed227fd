"""Documents to print and sign, in the administrative layout of `tienlang.lib.document`:

- the union executive committee's resolution introducing a member to the Party (mẫu 4A-KNĐ,
  Hướng dẫn 12-HD/BTCTW): number, date, meeting, members in total and present, votes, the
  co-introducing Party member, the receiving Party organisation;
- the federation's letter asking the Party committee where a person lives for its comments.

Each is one portrait A4 sheet: the header block and title from `ReportSheet`, the body as
text lines, the signature block at bottom right. Only the module's public API is used.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from candidates.models import Introduction
from tienlang.lib.document import FONT, Column, Issuer, ReportSheet, workbook_bytes
from tienlang.lib.xlsx import set_text

from .models import ResidenceCommentRequest

# Six columns of the body's width (A4 portrait inside the union's margins: about 160 mm).
COLUMNS = [Column("", 14), Column("", 14), Column("", 14), Column("", 14), Column("", 14), Column("", 14)]


def _date(day) -> str:
    return day.strftime("%d/%m/%Y") if day else "…"


def _lines(sheet: ReportSheet, lines: list[str]) -> None:
    for line in lines:
        sheet.note(line, italic=False)
        sheet.row_height(sheet.row - 1, 32 if len(line) > 90 else 18)


def _sign(sheet: ReportSheet, lines: list[tuple[str, bool, bool]], recipients: list[str]) -> None:
    """'Nơi nhận' at bottom left, the signature block (given lines) at bottom right."""
    sheet.row += 1
    start = sheet.row
    for offset, text in enumerate(["Nơi nhận:", *[f"- {r};" for r in recipients]]):
        sheet.merge(start + offset, 1, 3)
        cell = sheet.cell(start + offset, 1)
        set_text(cell, text)
        cell.font = Font(name=FONT, size=12 if offset == 0 else 11, bold=offset == 0, italic=offset == 0)
        cell.alignment = Alignment(horizontal="left")
    for offset, (text, bold, italic) in enumerate(lines):
        sheet.merge(start + offset, 4, 6)
        cell = sheet.cell(start + offset, 4)
        set_text(cell, text)
        cell.font = Font(name=FONT, size=13, bold=bold, italic=italic)
        cell.alignment = Alignment(horizontal="center")
    sheet.row = start + max(len(recipients) + 1, len(lines)) + 1


def _portrait(sheet: ReportSheet) -> None:
    sheet.finish()
    sheet.sheet.page_setup.orientation = Worksheet.ORIENTATION_PORTRAIT


def resolution_workbook(introduction: Introduction) -> bytes:
    """The union executive committee's resolution introducing the member (mẫu 4A-KNĐ), to sign."""
    nomination = introduction.nomination
    union, person = nomination.union, nomination.person
    federation = nomination.federation
    issuer = Issuer(
        superior=federation.name.upper(),
        name=f"BCH {union.name}".upper(),
        place=federation.place_name or "",
        document_code="CĐCS",
        signer_title="CHỦ TỊCH",
        signer_name="",
    )
    workbook = Workbook()
    sheet = ReportSheet(workbook, "Nghị quyết giới thiệu đoàn viên ưu tú", COLUMNS, issuer, sheet_title="Nghị quyết")
    sheet.header(number=f"Số: {introduction.resolution_number}", on=introduction.resolution_date)
    sheet.titles(
        "NGHỊ QUYẾT",
        f"Giới thiệu đoàn viên ưu tú {person.full_name} để tổ chức Đảng xem xét, kết nạp vào Đảng",
    )
    organization = introduction.receiving_organization.name
    _lines(
        sheet,
        [
            "- Căn cứ Điều lệ Đảng Cộng sản Việt Nam và Hướng dẫn của Ban Tổ chức Trung ương về nghiệp vụ công tác "
            "đảng viên;",
            "- Căn cứ Điều lệ Công đoàn Việt Nam;",
            f"- Căn cứ ý kiến nhận xét của tập thể nơi đoàn viên {person.full_name} làm việc;",
            f"Ngày {_date(introduction.meeting_date)}, Ban Chấp hành {union.name} họp xét giới thiệu đoàn viên ưu tú "
            "để tổ chức Đảng xem xét, kết nạp.",
            f"Tổng số ủy viên Ban Chấp hành: {introduction.committee_total}; có mặt: {introduction.committee_present}; "
            f"vắng mặt: {introduction.committee_total - introduction.committee_present}.",
            "",
            "QUYẾT NGHỊ",
            f"1. Giới thiệu đoàn viên ưu tú {person.full_name}, sinh ngày {_date(person.date_of_birth)}, "
            f"{person.job_title or 'người lao động'} tại {union.enterprise.name}, để {organization} xem xét, "
            "kết nạp vào Đảng.",
            f"2. Kết quả biểu quyết: {introduction.votes_for}/{introduction.committee_total} ủy viên tán thành, "
            f"{introduction.votes_against} không tán thành.",
            f"3. Cùng giới thiệu: đồng chí {introduction.co_introducer_name}, đảng viên chính thức, cùng công tác "
            f"với người vào Đảng từ ngày {_date(introduction.co_introducer_worked_since)}.",
            f"Ban Chấp hành {union.name} đề nghị {organization} xem xét, kết nạp đoàn viên {person.full_name} "
            "vào Đảng Cộng sản Việt Nam.",
        ],
    )
    _sign(
        sheet,
        [("TM. BAN CHẤP HÀNH", True, False), ("CHỦ TỊCH", True, False), ("(Ký, ghi rõ họ tên, đóng dấu)", False, True)],
        [organization, "Lưu: VP"],
    )
    _portrait(sheet)
    return workbook_bytes(workbook, [sheet])


CHANNELS_TEXT = {"post": "qua đường bưu điện", "hand": "chuyển tay", "email": "bằng thư điện tử"}


def request_letter_workbook(request: ResidenceCommentRequest, issuer: Issuer) -> bytes:
    """The federation's letter asking the residence Party committee for its comments."""
    nomination = request.nomination
    person, union = nomination.person, nomination.union
    introduction = getattr(nomination, "introduction", None)
    workbook = Workbook()
    sheet = ReportSheet(workbook, "Đề nghị nhận xét nơi cư trú", COLUMNS, issuer, sheet_title="Công văn")
    number = f"Số: {request.number}" if request.number else f"Số:      /CV-{issuer.document_code}"
    sheet.header(number=number, on=request.sent_on)
    sheet.titles(
        f"Kính gửi: {request.addressee}",
        "V/v đề nghị nhận xét người vào Đảng tại nơi cư trú",
    )
    receiving = introduction.receiving_organization.name if introduction else "tổ chức Đảng tiếp nhận"
    _lines(
        sheet,
        [
            f"{issuer.name.title()} đã giới thiệu đoàn viên ưu tú dưới đây để {receiving} xem xét, kết nạp vào Đảng:",
            f"Họ và tên: {person.full_name}; sinh ngày: {_date(person.date_of_birth)}.",
            f"Nơi thường trú: {person.residence}.",
            f"Nơi làm việc: {union.enterprise.name} ({union.name}).",
            "Theo Hướng dẫn của Ban Tổ chức Trung ương về nghiệp vụ công tác đảng viên, hồ sơ của người vào Đảng "
            "cần có ý kiến nhận xét của chi ủy (chi bộ) nơi cư trú.",
            f"Kính đề nghị {request.addressee} chỉ đạo chi ủy (chi bộ) nơi người vào Đảng cư trú nhận xét về phẩm "
            "chất chính trị, đạo đức, lối sống và việc chấp hành chủ trương của Đảng, chính sách, pháp luật của Nhà "
            f"nước tại nơi cư trú, và gửi về {issuer.name.title()}.",
            f"Công văn được gửi {CHANNELS_TEXT.get(request.channel, '')} ngày {_date(request.sent_on)}.",
        ],
    )
    _sign(
        sheet,
        [
            ("TM. BAN THƯỜNG VỤ", True, False),
            (issuer.signer_title.upper(), True, False),
            ("", False, False),
            ("", False, False),
            (issuer.signer_name, True, False),
        ],
        [request.addressee, receiving, "Lưu: VP"],
    )
    _portrait(sheet)
    return workbook_bytes(workbook, [sheet])
