"""Upload files for the nomination import tests (invented people only), and the template's own tests.

`row()` is one valid, eligible person; `make_xlsx()` writes rows under the contract's
headers, optionally with a title block, other header texts or another column order.
"""

from __future__ import annotations

import io
import itertools

import openpyxl
import pytest

from candidates.imports import COLUMNS, EXAMPLE_ROW, build_template
from tienlang.lib.xlsx import Column, read_upload

HEADERS = {column.key: column.header for column in COLUMNS}
KEYS = [column.key for column in COLUMNS]

# 0995…: far from the numbers tests/factories.py hands out (099000000001, 099000000002, …).
_ids = itertools.count(1)


def citizen_id() -> str:
    return f"0995{next(_ids):08d}"


def row(**overrides) -> dict:
    """One union member who meets every rule for 2022 (and for this year)."""
    n = next(_ids)
    data = {
        "number": n,
        "full_name": f"Trần Thị Thử Nghiệm {n}",
        "date_of_birth": "15/04/1995",
        "sex": "Nữ",
        "citizen_id": f"0995{n:08d}",
        "ethnicity": "",
        "religion": "",
        "education": "12/12",
        "residence_province": "Thành phố Hải Phòng",
        "residence_district": "Huyện Tiên Lãng",
        "residence_commune": "Xã Tiên Cường",
        "union_joined_on": "01/03/2018",
        "job_title": "Công nhân may",
        "phone": "0912345678",
        "note": "",
        "voluntary_application": "Có",
        "chair_assessment": "Gương mẫu, nhiệt tình.",
    }
    data.update(overrides)
    return data


def make_xlsx(
    rows,
    keys=None,
    headers: dict | None = None,
    title: list[list] | None = None,
    blank_rows_after: set[int] | None = None,
    sheet_hook=None,
) -> bytes:
    """Write `rows` (dicts keyed like COLUMNS) under a header row, after an optional title block."""
    keys = keys or KEYS
    texts = {**HEADERS, **(headers or {})}
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for line in title or []:
        sheet.append(line)
    sheet.append([texts[key] for key in keys])
    for index, data in enumerate(rows):
        sheet.append([None if data.get(key) == "" else data.get(key) for key in keys])
        if blank_rows_after and index in blank_rows_after:
            sheet.append([])
            sheet.append([None, "   "])  # only spaces: blank too
    if sheet_hook:
        sheet_hook(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_bytes(**kwargs) -> bytes:
    buffer = io.BytesIO()
    build_template(**kwargs).save(buffer)
    return buffer.getvalue()


# --- the template itself -------------------------------------------------------------------


def test_template_has_title_block_contract_headers_and_one_example_row():
    workbook = openpyxl.load_workbook(io.BytesIO(template_bytes(year=2022)))
    sheet = workbook.active
    header_row = next(r for r in range(1, 11) if sheet.cell(row=r, column=1).value == "STT")
    assert header_row > 1, "a title block sits above the header row"
    assert "ĐOÀN VIÊN" in sheet["A1"].value
    headers = [sheet.cell(row=header_row, column=c).value for c in range(1, len(COLUMNS) + 1)]
    assert headers == [
        "STT",
        "Họ và tên",
        "Ngày sinh",
        "Giới tính",
        "Số CCCD",
        "Dân tộc",
        "Tôn giáo",
        "Trình độ học vấn",
        "Tỉnh/Thành phố thường trú",
        "Quận/Huyện thường trú",
        "Xã/Phường thường trú",
        "Ngày vào Công đoàn",
        "Chức vụ, công việc",
        "Số điện thoại",
        "Ghi chú",
        "Đơn tự nguyện",
        "Nhận xét của Chủ tịch CĐCS",
    ]
    example = [sheet.cell(row=header_row + 1, column=c).value for c in range(1, len(COLUMNS) + 1)]
    assert example[1] == EXAMPLE_ROW["full_name"]
    assert example[4] == "099000000000", "invented CCCD, kept as 12-digit text"
    assert sheet.max_row == header_row + 1, "exactly one example row"


def test_template_keeps_ids_and_dates_as_text_and_offers_lists():
    sheet = openpyxl.load_workbook(io.BytesIO(template_bytes())).active
    letters = {column.key: openpyxl.utils.get_column_letter(i) for i, column in enumerate(COLUMNS, start=1)}
    for key in ("citizen_id", "date_of_birth", "union_joined_on"):
        assert sheet.column_dimensions[letters[key]].number_format == "@", key
        assert sheet[f"{letters[key]}5"].number_format == "@"
    assert sheet.column_dimensions[letters["full_name"]].width >= 20
    validations = sheet.data_validations.dataValidation
    lists = {str(dv.sqref).split(":")[0].rstrip("0123456789"): dv.formula1 for dv in validations}
    assert lists[letters["sex"]] == '"Nam,Nữ"'
    assert "Đại học" in lists[letters["education"]] and "9/12" in lists[letters["education"]]


def test_template_reads_back_through_the_upload_reader():
    sheet = read_upload(template_bytes(), COLUMNS)
    assert sheet.header_row == 4
    assert [r.number for r in sheet.rows] == [5]
    assert sheet.rows[0].values["citizen_id"] == "099000000000"


@pytest.mark.django_db
def test_uploading_the_template_unchanged_is_refused_on_the_example_row(union_a):
    from candidates.imports import analyse

    result = analyse(template_bytes(), union_a, 2022)
    assert not result.ok
    assert any(p.row == 5 and p.column == "Số CCCD" and "dòng ví dụ" in p.message for p in result.errors)


def test_helpers_write_what_the_reader_reads():
    data = make_xlsx([row(full_name="Lê Văn Một")], title=[["DANH SÁCH"], []])
    sheet = read_upload(data, [Column(c.key, c.header, c.required) for c in COLUMNS])
    assert sheet.header_row == 3
    assert sheet.rows[0].values["full_name"] == "Lê Văn Một"
