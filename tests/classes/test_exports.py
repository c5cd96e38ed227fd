"""The class roster and the stipend signing list, as the report centre and the Party committee get them."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest

from classes import services
from classes.exports import build_roster_workbook, build_stipends_workbook
from classes.models import Result
from tests import factories

pytestmark = pytest.mark.django_db

CLOSES = datetime.date(2022, 3, 25)
ROSTER_HEADERS = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Công đoàn cơ sở",
    "Lớp",
    "Kết quả",
    "Số chứng nhận",
    "Ngày cấp",
    "Ghi chú",
]
STIPEND_HEADERS = ["STT", "Họ và tên", "Công đoàn cơ sở", "Số tiền", "Ký nhận", "Ghi chú"]
BUDGET_HEADERS = ["STT", "Nội dung", "Số học viên", "Đã cam kết", "Đã chi", "Còn phải chi"]


def reopen(workbook):
    """Save and open again, as Excel or LibreOffice would read the file."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))


def workbook_of(federation):
    return build_stipends_workbook(2022, federation=federation)


def reopen_values(workbook):
    """Open as a viewer that does not calculate: formulas show their cached values."""
    from tienlang.lib.document import workbook_bytes

    return openpyxl.load_workbook(io.BytesIO(workbook_bytes(workbook)), data_only=True)


def table(sheet, headers):
    """(header row number, data rows as lists, the totals row) of a report sheet."""
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header_index = next(i for i, r in enumerate(rows) if r[: len(headers)] == headers)
    assert rows[header_index + 1][: len(headers)] == [f"({n})" for n in range(1, len(headers) + 1)]
    body, totals = [], None
    for row in rows[header_index + 2 :]:
        first_text = next((v for v in row if isinstance(v, str)), None)
        if first_text == "Tổng cộng":
            totals = row
            break
        body.append(row)
    assert totals is not None, "no Tổng cộng row"
    return header_index + 1, body, totals


def texts(sheet) -> list[str]:
    return [v for row in sheet.iter_rows(values_only=True) for v in row if isinstance(v, str)]


@pytest.fixture
def year_2022(klass, policy, learner_a, learner_b, staff):
    services.commit_stipends(klass, [learner_a.pk, learner_b.pk], policy, staff)
    services.record_results(
        klass,
        [
            services.ResultInput(learner_a.pk, Result.PASSED, "015/GCN", CLOSES, row=1),
            services.ResultInput(learner_b.pk, Result.FAILED, note="bài thu hoạch chưa đạt", row=2),
        ],
        staff,
    )
    services.pay_stipends(klass, [learner_a.pk], policy, staff, voucher_number="PC-31", paid_on=CLOSES)
    return klass


def test_roster_has_the_titled_numbered_table_with_live_totals(year_2022, federation):
    sheet = reopen(build_roster_workbook(2022, federation=federation)).active
    header, body, totals = table(sheet, ROSTER_HEADERS)
    assert [row[1] for row in body] == ["Đặng Thị Ánh", "Trịnh Văn Bình"]
    first = body[0]
    assert first[0] == 1 and isinstance(first[0], int)
    assert first[2] == datetime.datetime(1995, 5, 5)  # a real date, shown dd/mm/yyyy
    assert sheet.cell(row=header + 2, column=3).number_format == "DD/MM/YYYY"
    assert first[3:9] == [
        "Nữ",
        "Công đoàn Công ty Alpha",
        "Lớp thử nghiệm khóa 1/2022",
        "Đạt",
        "015/GCN",
        datetime.datetime(2022, 3, 25),
    ]
    assert body[1][6] == "Không đạt" and body[1][9] == "bài thu hoạch chưa đạt"
    assert totals[0] == "Tổng cộng"
    first_row, last_row = header + 2, header + 3
    assert totals[1] == f"=COUNTA(B{first_row}:B{last_row})"
    assert totals[6] == f'=COUNTIF(G{first_row}:G{last_row},"Đạt")'
    assert totals[7] == f"=COUNTA(H{first_row}:H{last_row})"
    assert "LIÊN ĐOÀN LAO ĐỘNG HUYỆN THỬ NGHIỆM A" in texts(sheet)
    assert sheet.freeze_panes == f"A{first_row}"
    assert sheet.page_setup.orientation == "landscape"


def test_chair_roster_and_signing_list_hold_only_their_unions_people(year_2022, chair_a):
    roster = reopen(build_roster_workbook(2022, user=chair_a)).active
    _, body, _ = table(roster, ROSTER_HEADERS)
    assert [row[1] for row in body] == ["Đặng Thị Ánh"]
    stipends = reopen(build_stipends_workbook(2022, user=chair_a))
    _, body, _ = table(stipends.worksheets[0], STIPEND_HEADERS)
    assert [row[1] for row in body] == ["Đặng Thị Ánh"]
    assert "Trịnh Văn Bình" not in texts(stipends.worksheets[0]) + texts(stipends.worksheets[1])
    assert "Công đoàn Công ty Beta" not in texts(stipends.worksheets[1])


def test_signing_list_has_amounts_as_numbers_a_sum_and_the_total_in_words(year_2022, federation):
    workbook = reopen(build_stipends_workbook(2022, federation=federation))
    sheet = workbook.worksheets[0]
    assert sheet.title == "Danh sách ký nhận"
    header, body, totals = table(sheet, STIPEND_HEADERS)
    # Only what was paid is signed for: Trịnh Văn Bình's stipend is committed, not paid yet.
    assert [(row[0], row[1], row[3], row[4]) for row in body] == [(1, "Đặng Thị Ánh", 3_000_000, None)]
    assert all(isinstance(row[3], int) for row in body)
    assert body[0][5] == "Phiếu chi số PC-31 ngày 25/03/2022"
    assert totals[0] == "Tổng cộng" and totals[3] == f"=SUM(D{header + 2}:D{header + 2})"
    assert totals[2] == f"=COUNT(A{header + 2}:A{header + 2})"
    cached = table(reopen_values(workbook_of(federation)).worksheets[0], STIPEND_HEADERS)[2]
    assert cached[2] == 1 and cached[3] == 3_000_000
    words = texts(sheet)
    assert "Số tiền bằng chữ: Ba triệu đồng." in words
    assert any(w.startswith("Chưa đưa vào danh sách 1 khoản đã cam kết nhưng chưa chi") for w in words)
    for signer in ("Người lập biểu", "Kế toán", "Thủ trưởng đơn vị"):
        assert signer in words


def test_budget_summary_sheet_shows_committed_paid_outstanding_with_totals(year_2022, federation):
    sheet = reopen(build_stipends_workbook(2022, federation=federation)).worksheets[1]
    assert sheet.title == "Tổng hợp kinh phí"
    header, body, totals = table(sheet, BUDGET_HEADERS)
    figures = {row[1]: tuple(row[2:6]) for row in body if isinstance(row[0], int)}
    assert figures["Lớp thử nghiệm khóa 1/2022"] == (2, 6_000_000, 3_000_000, 3_000_000)
    assert figures["Công đoàn Công ty Alpha"] == (1, 3_000_000, 3_000_000, 0)
    assert figures["Công đoàn Công ty Beta"] == (1, 3_000_000, 0, 3_000_000)
    assert figures["LĐLĐ thành phố Hải Phòng"] == (2, 6_000_000, 3_000_000, 3_000_000)
    class_row = header + 3  # the section heading "I" comes first
    assert totals[0] == "Tổng cộng"
    assert totals[3:6] == [f"=SUM({c}{class_row}:{c}{class_row})" for c in "DEF"]


def test_without_user_or_federation_every_federation_is_included(
    year_2022, federation, other_federation, union_elsewhere
):
    other_staff = factories.make_user("staff", federation=other_federation)
    factories.make_learner(factories.make_class(other_federation), union_elsewhere, other_staff, full_name="Ngô Văn Xa")
    names = [row[1] for row in table(reopen(build_roster_workbook(2022)).active, ROSTER_HEADERS)[1]]
    assert set(names) == {"Đặng Thị Ánh", "Trịnh Văn Bình", "Ngô Văn Xa"}
    names = [
        row[1] for row in table(reopen(build_roster_workbook(2022, federation=federation)).active, ROSTER_HEADERS)[1]
    ]
    assert set(names) == {"Đặng Thị Ánh", "Trịnh Văn Bình"}
    staff_names = table(reopen(build_roster_workbook(2022, user=other_staff)).active, ROSTER_HEADERS)[1]
    assert [row[1] for row in staff_names] == ["Ngô Văn Xa"]


def test_a_year_without_classes_still_gives_valid_workbooks(federation):
    roster = reopen(build_roster_workbook(2030, federation=federation)).active
    _, body, totals = table(roster, ROSTER_HEADERS)
    assert body == [] and totals[0] == "Tổng cộng" and totals[1] == 0
    stipends = reopen(build_stipends_workbook(2030, federation=federation))
    _, body, totals = table(stipends.worksheets[0], STIPEND_HEADERS)
    assert body == [] and totals[3] == 0
    assert "Số tiền bằng chữ: Không đồng." in texts(stipends.worksheets[0])


def test_typed_text_can_never_become_a_formula(klass, union_a, staff, federation):
    factories.make_learner(klass, union_a, staff, full_name='=HYPERLINK("http://x","A")')
    buffer = io.BytesIO()
    build_roster_workbook(2022, federation=federation).save(buffer)
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value == '=HYPERLINK("http://x","A")']
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_export_pages_serve_the_users_own_scope(client, year_2022, chair_b):
    client.force_login(chair_b)
    response = client.get("/classes/roster.xlsx", {"year": 2022})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    names = [row[1] for row in table(openpyxl.load_workbook(io.BytesIO(response.content)).active, ROSTER_HEADERS)[1]]
    assert names == ["Trịnh Văn Bình"]
    response = client.get("/classes/stipends.xlsx", {"year": 2022})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    # Their learner's stipend is not paid yet (not on the list to sign); the other union's paid one is not theirs.
    assert table(sheet, STIPEND_HEADERS)[1] == [] and "Đặng Thị Ánh" not in texts(sheet)


def test_signing_list_is_in_vietnamese_alphabetical_order(klass, policy, union_a, staff, federation):
    # "Đ" comes after "D" in Vietnamese, so Dương before Đặng (folded, "dang" would come first).
    names = ["Đặng Thị Ánh", "Dương Văn Út", "Bùi Thị Yến"]
    learners = [factories.make_learner(klass, union_a, staff, full_name=name) for name in names]
    services.commit_stipends(klass, [learner.pk for learner in learners], policy, staff)
    services.pay_stipends(
        klass, [learner.pk for learner in learners], policy, staff, voucher_number="PC-32", paid_on=CLOSES
    )
    roster = reopen(build_roster_workbook(2022, federation=federation)).active
    stipends = reopen(workbook_of(federation)).worksheets[0]
    expected = ["Bùi Thị Yến", "Dương Văn Út", "Đặng Thị Ánh"]
    assert [row[1] for row in table(roster, ROSTER_HEADERS)[1]] == expected
    assert [row[1] for row in table(stipends, STIPEND_HEADERS)[1]] == expected
