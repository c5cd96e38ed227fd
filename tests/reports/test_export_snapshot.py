"""Every report workbook of the demo, cell by cell, style by style, with its print settings,
against the snapshot kept in `snapshots/exports_demo.json.gz`.

A change to how the workbooks are written (a faster writer, fewer passes) must not change what
a user opens or prints: the same sheets and names, values and cached results, fonts, borders,
alignments and number formats, merged ranges, row heights and column widths, frozen panes,
repeated rows, print area, page breaks, margins, scale and "Trang x/y". Today's date (in the
header and the period) is written as DD/MM/YYYY in the snapshot, and the dates of the demo's
recent steps, which `seed_demo` dates back from today, as so many days before it ("today-75").

A deliberate change of layout updates the snapshot: the test writes what it built to
test-artifacts/exports_demo.json.gz; check the difference and copy it over the snapshot.
"""

from __future__ import annotations

import datetime
import gzip
import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
from django.utils import timezone

from reports.exports import KINDS, build_report
from reports.queries import Scope
from tests import factories
from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.django_db

SNAPSHOT = Path(__file__).resolve().parent / "snapshots" / "exports_demo.json.gz"
BUILT = ARTIFACTS.parent / "exports_demo.json.gz"
YEAR = 2022
# A district federation's staff, the city federation's (subtotals per federation below) and an
# administrator (national scope).
USERS = ["canbo", "canbo.thanhpho", "admin"]


# The demo's recent steps lie within this many days before today (admission.demo: 200 at most);
# its story of earlier years is years older.
RECENT_DAYS = 400
DATE_TEXT = re.compile(r"\b(\d{2})/(\d{2})/(\d{4})\b")


def _today(text: str) -> str:
    today = timezone.localdate()
    text = text.replace(f"{today:%d/%m/%Y}", "DD/MM/YYYY").replace(
        f"ngày {today.day:02d} tháng {today.month:02d} năm {today.year}", "ngày DD tháng MM năm YYYY"
    )

    def recent(match):
        try:
            day = datetime.date(int(match[3]), int(match[2]), int(match[1]))
        except ValueError:
            return match[0]
        return _recent(day) or match[0]

    return DATE_TEXT.sub(recent, text)


def _recent(day: datetime.date) -> str | None:
    """A date of the demo's recent steps as days before today; None for any other date."""
    before = (timezone.localdate() - day).days
    return f"today-{before}" if 0 < before <= RECENT_DAYS else None


def _value(value):
    if isinstance(value, str):
        return _today(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return _recent(value.date() if isinstance(value, datetime.datetime) else value) or value.isoformat()
    return value


def _style(cell) -> list:
    font, align, border = cell.font, cell.alignment, cell.border
    return [
        [font.name, font.sz, font.b, font.i, font.u, font.strike, font.vertAlign],
        [align.horizontal, align.vertical, align.wrap_text, align.shrink_to_fit, align.indent, align.text_rotation],
        [getattr(border, side).style for side in ("left", "right", "top", "bottom")],
        cell.fill.fill_type,
        cell.number_format,
        cell.protection.locked,
        bool(cell.quotePrefix),
    ]


def _sheet(sheet, cached) -> dict:
    cells = []
    for row in sheet.iter_rows():
        for cell in row:
            value = cached[cell.coordinate].value
            if cell.value is None and not cell.has_style:
                continue
            cells.append([cell.coordinate, cell.data_type, _value(cell.value), _value(value), _style(cell)])
    setup, margins, view = sheet.page_setup, sheet.page_margins, sheet.sheet_view
    return {
        "title": sheet.title,
        "cells": cells,
        "merged": sorted(str(r) for r in sheet.merged_cells.ranges),
        "heights": {r: sheet.row_dimensions[r].height for r in range(1, sheet.max_row + 1)},
        "widths": {k: d.width for k, d in sorted(sheet.column_dimensions.items()) if d.width},
        "freeze": sheet.freeze_panes,
        "selection": [s.activeCell for s in view.selection],
        "print_titles": sheet.print_title_rows,
        "print_area": sheet.print_area,
        "breaks": [b.id for b in sheet.row_breaks.brk],
        "setup": [setup.paperSize, setup.orientation, setup.fitToWidth, setup.fitToHeight, setup.scale],
        "fit_to_page": sheet.sheet_properties.pageSetUpPr.fitToPage,
        "format": [sheet.sheet_format.defaultRowHeight, sheet.sheet_format.customHeight],
        "margins": [margins.left, margins.right, margins.top, margins.bottom, margins.header, margins.footer],
        "footer": [sheet.oddFooter.center.text, sheet.oddFooter.center.font, sheet.oddFooter.center.size],
        "centered": sheet.print_options.horizontalCentered,
    }


def dump(data: bytes) -> dict:
    """What a user sees and prints of a workbook, as plain data."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    values = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    return {
        "sheets": [_sheet(sheet, values[sheet.title]) for sheet in workbook.worksheets],
        "full_calc_on_load": workbook.calculation.fullCalcOnLoad,
        "default_font": [workbook._fonts[0].name, workbook._fonts[0].sz],
    }


def test_every_report_of_the_demo_is_the_same_workbook_as_the_snapshot(demo):
    built = {}
    for username in USERS:
        scope = Scope(user=factories.get_user(username))
        for kind in KINDS:
            built[f"{kind} as {username}"] = dump(build_report(kind, scope, YEAR))
    # Through JSON both ways: the snapshot's numbers as keys are strings, tuples are lists.
    built = json.loads(json.dumps(built, ensure_ascii=False))
    expected = json.loads(gzip.decompress(SNAPSHOT.read_bytes())) if SNAPSHOT.exists() else {}
    if built != expected:
        BUILT.parent.mkdir(parents=True, exist_ok=True)
        BUILT.write_bytes(gzip.compress(json.dumps(built, ensure_ascii=False, indent=0).encode()))
    assert built.keys() == expected.keys()
    for name in built:
        for index, (sheet, snapshot) in enumerate(zip(built[name]["sheets"], expected[name]["sheets"], strict=True)):
            for key in snapshot:
                assert sheet[key] == snapshot[key], f"{name}, sheet {index + 1}, {key}"
        assert built[name] == expected[name], name
