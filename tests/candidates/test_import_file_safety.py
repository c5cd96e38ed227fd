"""Files that are not a plain workbook, or are built to hurt the server, are refused with a clear message."""

from __future__ import annotations

import io
import os
import struct
import tracemalloc
import zipfile

import pytest

from candidates import imports
from candidates.imports import COLUMNS
from tests.candidates.test_import_support import make_xlsx, row
from tienlang.lib.xlsx import CellError, UploadError, read_upload


def plain_xlsx() -> bytes:
    return make_xlsx([row(), row()])


def rebuild(data: bytes, replace: dict | None = None, add: dict | None = None) -> bytes:
    """The same package with some parts replaced or added."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = (replace or {}).get(info.filename, source.read(info.filename))
            target.writestr(info.filename, content)
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def refused(data: bytes, **kwargs) -> str:
    with pytest.raises(UploadError) as caught:
        read_upload(data, COLUMNS, **kwargs)
    return str(caught.value)


# --- not a workbook ------------------------------------------------------------------------


def test_csv_renamed_to_xlsx_is_named_as_csv():
    data = "STT,Họ và tên,Ngày sinh\n1,Trần Thị A,01/01/1995\n".encode()
    assert "CSV" in refused(data)


def test_old_excel_xls_is_refused_with_how_to_fix():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(2000)
    message = refused(data)
    assert ".xls" in message and "lưu lại dạng .xlsx" in message


def test_word_document_zip_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    assert "không phải Excel .xlsx" in refused(buffer.getvalue())


def test_random_bytes_and_empty_file_are_refused():
    assert "không phải Excel" in refused(os.urandom(4096))
    assert "rỗng" in refused(b"")


def test_truncated_workbook_is_reported_as_damaged():
    assert "hỏng" in refused(plain_xlsx()[:-200])


def test_macro_workbook_with_vba_project_is_refused():
    data = rebuild(plain_xlsx(), add={"xl/vbaProject.bin": os.urandom(512)})
    assert "macro" in refused(data)


def test_xlsm_content_type_is_refused():
    source = zipfile.ZipFile(io.BytesIO(plain_xlsx()))
    types = source.read("[Content_Types].xml").replace(
        imports_main_type(), b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    )
    assert ".xlsm" in refused(rebuild(plain_xlsx(), replace={"[Content_Types].xml": types}))


def imports_main_type() -> bytes:
    return b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def test_file_over_the_size_limit_is_refused_before_reading():
    data = b"PK\x03\x04" + b"\0" * (10 * 1024 * 1024 + 10)
    assert "quá lớn" in refused(data)


# --- built to hurt -------------------------------------------------------------------------


def zip_bomb(inflated_mb: int = 150) -> bytes:
    """A real workbook plus a worksheet-like part that inflates to `inflated_mb` MB, written in chunks."""
    out = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(plain_xlsx()))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        chunk = b" " * (1024 * 1024)
        with target.open("xl/worksheets/sheet2.xml", "w") as part:
            for _ in range(inflated_mb):
                part.write(chunk)
    return out.getvalue()


def peak_memory(work):
    """Run `work()` and return (its result, the peak of Python memory it allocated, in bytes).

    Speed on a shared machine is not repeatable; memory is. A reader that inflates, expands or
    materialises what an attacker declares has to allocate it, so a ceiling far below the declared
    size shows the attack was refused before the work was done.
    """
    tracemalloc.start()
    try:
        result = work()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_zip_bomb_is_refused_with_flat_memory():
    bomb = zip_bomb(150)
    assert len(bomb) < 1024 * 1024, "a small file…"
    message, peak = peak_memory(lambda: refused(bomb))
    assert "bom nén" in message or "giải nén quá lớn" in message
    assert peak < 5 * 1024 * 1024, f"peak memory {peak / 1e6:.1f} MB while refusing a 150 MB bomb"


def test_part_that_inflates_beyond_its_declared_size_is_refused():
    # The directory says 1 KiB; the data inflates to 5 MB. The reader must notice, not inflate.
    data = bytearray(rebuild(plain_xlsx(), add={"xl/media/filler.xml": b"<a/>" * (5 * 1024 * 1024 // 4)}))
    name = b"xl/media/filler.xml"
    for signature, size_offset in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            name_offset = start + (46 if signature == b"PK\x01\x02" else 30)
            if data[name_offset : name_offset + len(name)] == name:
                struct.pack_into("<I", data, start + size_offset, 1024)
            start += 4
    message, peak = peak_memory(lambda: refused(bytes(data)))
    assert "hỏng" in message
    assert peak < 2 * 1024 * 1024, f"peak memory {peak / 1e6:.1f} MB: the 5 MB part was inflated"


def test_billion_laughs_sheet_is_refused_without_expanding():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'.encode()
            for i in range(1, 10)
        )
        + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="B1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
    )
    data = rebuild(plain_xlsx(), replace={"xl/worksheets/sheet1.xml": laughs})
    message, peak = peak_memory(lambda: refused(data))
    assert "XML" in message
    # Expanded, &lol9; is 10⁹ characters.
    assert peak < 5 * 1024 * 1024, f"peak memory {peak / 1e6:.1f} MB"


def sheet_xml(rows_xml: str, dimension: str = "") -> bytes:
    header = "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{column.header}</t></is></c>' for i, column in enumerate(COLUMNS)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'{dimension}<sheetData><row r="1">{header}</row>{rows_xml}</sheetData></worksheet>'
    ).encode()


def test_declared_full_sheet_dimension_costs_nothing():
    # A tiny file claiming A1:XFD1048576 with one empty cell far right on many rows.
    rows_xml = "".join(
        f'<row r="{r}"><c r="B{r}" t="inlineStr"><is><t>X</t></is></c><c r="XFD{r}"/></row>' for r in range(2, 3002)
    )
    data = rebuild(
        plain_xlsx(), replace={"xl/worksheets/sheet1.xml": sheet_xml(rows_xml, '<dimension ref="A1:XFD1048576"/>')}
    )
    sheet, peak = peak_memory(lambda: read_upload(data, COLUMNS))
    assert len(sheet.rows) == 3000
    assert all(len(r.values) <= len(COLUMNS) for r in sheet.rows)
    # 3,000 rows of 16,384 columns would be 49 million cells; the columns that matter are 17.
    assert peak < 10 * 1024 * 1024, f"peak memory {peak / 1e6:.1f} MB"


def test_lone_cell_on_the_last_excel_row_costs_nothing():
    rows_xml = '<row r="1048576"><c r="B1048576" t="inlineStr"><is><t>Trần Thị Cuối</t></is></c></row>'
    data = rebuild(plain_xlsx(), replace={"xl/worksheets/sheet1.xml": sheet_xml(rows_xml)})
    sheet, peak = peak_memory(lambda: read_upload(data, COLUMNS))
    assert [r.number for r in sheet.rows] == [1048576]
    # Padding the sheet with the million rows above it would allocate far more than this.
    assert peak < 5 * 1024 * 1024, f"peak memory {peak / 1e6:.1f} MB"


def test_hundreds_of_thousands_of_blank_formatted_cells_are_refused_with_flat_memory():
    rows_xml = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{c}{r}" s="1"/>' for c in "ABCDEFGHIJ") + "</row>" for r in range(2, 70_002)
    )
    data = rebuild(plain_xlsx(), replace={"xl/worksheets/sheet1.xml": sheet_xml(rows_xml)})
    message, peak = peak_memory(lambda: refused(data, max_rows=imports.MAX_IMPORT_ROWS))
    assert "quá lớn" in message and "5000" in message
    # The 700,000 cells are counted as they stream past, never held.
    assert peak < 8 * 1024 * 1024, f"peak memory {peak / 1e6:.1f} MB"


def test_formula_cell_is_refused_naming_row_and_column():
    def put_formula(sheet):
        sheet["C4"] = "=DATE(1995,4,15)"

    data = make_xlsx([row(), row(), row()], sheet_hook=put_formula)
    with pytest.raises(CellError) as caught:
        read_upload(data, COLUMNS)
    assert caught.value.row == 4 and caught.value.header == "Ngày sinh"
    assert "Dòng 4" in str(caught.value) and "Ngày sinh" in str(caught.value) and "công thức" in str(caught.value)


def test_formula_in_a_column_the_import_ignores_is_harmless():
    def helper_column(sheet):
        sheet["Q1"] = "Kiểm tra"
        sheet["Q2"] = "=LEN(B2)"

    sheet = read_upload(make_xlsx([row()], sheet_hook=helper_column), COLUMNS)
    assert len(sheet.rows) == 1


@pytest.mark.django_db
def test_row_cap_refuses_the_whole_file(union_a, monkeypatch):
    monkeypatch.setattr(imports.reading, "MAX_IMPORT_ROWS", 10)
    with pytest.raises(UploadError) as caught:
        imports.analyse(make_xlsx([row() for _ in range(11)]), union_a, 2022)
    assert "tối đa 10 dòng" in str(caught.value)
    assert len(imports.analyse(make_xlsx([row() for _ in range(10)]), union_a, 2022).rows) == 10
