"""Long reports stream their data rows as sheet XML: what comes back must be what went in."""

from __future__ import annotations

import datetime
import io

import openpyxl

from tienlang.lib.document import Column, Issuer, ReportSheet, ReportWorkbook, workbook_bytes

COLUMNS = [
    Column("STT", 6, "int"),
    Column("Họ và tên", 20),
    Column("Ngày sinh", 12, "date"),
    Column("Số tiền", 14, "money", "sum"),
    Column("Tỷ lệ", 8, "percent"),
]
ISSUER = Issuer("LĐLĐ THÀNH PHỐ", "LĐLĐ HUYỆN", "Tiên Lãng", "LĐLĐ", "CHỦ TỊCH", "Nguyễn Văn A", ["Lưu VP"])


def build(rows) -> bytes:
    workbook = ReportWorkbook()
    sheet = ReportSheet(workbook, "Danh sách", COLUMNS, ISSUER)
    sheet.header()
    sheet.titles("Danh sách", "Năm 2022")
    sheet.table_header()
    for values in rows:
        sheet.data_row(values)
    sheet.totals_row()
    sheet.footer()
    sheet.finish()
    return workbook_bytes(workbook)


def test_values_types_and_styles_survive_streaming():
    data = build(
        [
            [1, "Đặng Thị Ánh", datetime.date(1990, 3, 15), 3_000_000, 12.5],
            [2, '=HYPERLINK("http://x")', None, 1_500_000, None],
            [3, 'A & B <c> "d"', datetime.date(2001, 1, 1), 0, 0.0],
            [4, "  khoảng trắng  ", datetime.date(1985, 12, 31), 250, 100.0],
        ]
    )
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    first = sheet.freeze_panes and int(sheet.freeze_panes[1:])
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=first, max_row=first + 3)]
    assert rows[0] == [1, "Đặng Thị Ánh", datetime.datetime(1990, 3, 15), 3_000_000, 12.5]
    assert rows[1][1] == '=HYPERLINK("http://x")' and rows[1][2] is None
    assert sheet.cell(row=first + 1, column=2).data_type == "s"
    assert sheet.cell(row=first + 1, column=2).quotePrefix  # can never run as a formula
    assert rows[2][1] == 'A & B <c> "d"'
    assert rows[3][1] == "  khoảng trắng  "
    assert sheet.cell(row=first, column=1).font.name == "Times New Roman"
    assert sheet.cell(row=first, column=4).number_format == "#,##0"
    assert sheet.cell(row=first, column=3).number_format == "DD/MM/YYYY"
    assert sheet.cell(row=first, column=2).border.left.style == "thin"
    totals = sheet.cell(row=first + 4, column=4)
    assert totals.value == f"=SUM(D{first}:D{first + 3})"
    cached = openpyxl.load_workbook(io.BytesIO(data), data_only=True).active
    assert cached.cell(row=first + 4, column=4).value == 4_500_250
    assert sheet.merged_cells.ranges  # the header blocks are merged as in a normal workbook


def test_many_rows_stream_in_order_with_the_footer_after_them():
    data = build([[n, f"Người {n}", datetime.date(1990, 1, 1), n, None] for n in range(1, 20_001)])
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    numbers = [row[0] for row in values if row and isinstance(row[0], int)]
    assert numbers == list(range(1, 20_001))
    texts = [cell for row in values for cell in row if isinstance(cell, str)]
    assert "Tổng cộng" in texts and "TM. BAN THƯỜNG VỤ" in texts
    cached = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=True).active
    assert any(len(row) > 3 and row[3] == sum(range(1, 20_001)) for row in cached.iter_rows(values_only=True))


def test_an_empty_table_still_has_its_header_and_totals():
    sheet = openpyxl.load_workbook(io.BytesIO(build([]))).active
    texts = [cell.value for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert "Họ và tên" in texts and "Tổng cộng" in texts
