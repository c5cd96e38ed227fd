"""What has changed in a report since the version that was issued.

Both workbooks are read as they are — the stored file is the only record of what was sent
(the records it was computed from have moved on since, so recomputing the past is not
possible) — and compared table by table: each sheet's header row is the row above the column
numbers "(1)", "(2)", …; its data rows run to the totals row ("Tổng cộng") or the first blank
row; a row is keyed by its first column after the "STT" numbering (the union, the person,
the year, the group). Values are compared as read (numbers, and the totals' cached results).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

import openpyxl

MAX_ROWS = 500  # rows listed per kind of change and sheet; the counts are always complete
HEADER_SEARCH_ROWS = 60


@dataclass
class Table:
    titles: list[str]
    rows: dict[str, dict[str, object]]
    totals: dict[str, object] | None


@dataclass
class Change:
    column: str
    issued: object
    current: object

    @property
    def difference(self):
        if isinstance(self.issued, int | float) and isinstance(self.current, int | float):
            value = self.current - self.issued
            return round(value, 6) if isinstance(value, float) else value
        return None


@dataclass
class SheetDiff:
    name: str
    key_title: str = ""
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[tuple[str, list[Change]]] = field(default_factory=list)
    totals: list[Change] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {"added": 0, "removed": 0, "changed": 0})
    only_in: str = ""  # "issued" / "current" when the sheet is in one file only

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.removed or self.changed or self.totals or self.only_in)


def _clean(value):
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, float):
        return round(value, 6)
    return value


def _header_index(rows: list[tuple]) -> int | None:
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if index and len(row) > 1 and _clean(row[0]) == "(1)" and _clean(row[1]) == "(2)":
            return index - 1
    return None


def _table(rows: list[tuple]) -> Table | None:
    header = _header_index(rows)
    if header is None:
        return None
    titles = [str(_clean(v) or f"({i + 1})") for i, v in enumerate(rows[header])]
    key_column = next((i for i, title in enumerate(titles) if title != "STT"), 0)
    table = Table(titles=titles, rows={}, totals=None)
    for row in rows[header + 2 :]:
        values = [_clean(v) for v in row[: len(titles)]]
        if not any(v is not None for v in values):
            break
        first_text = next((v for v in values if isinstance(v, str)), None)
        record = {title: value for title, value in zip(titles, values, strict=False) if title != "STT"}
        if first_text == "Tổng cộng":
            table.totals = record
            break
        key = str(values[key_column]) if key_column < len(values) and values[key_column] is not None else ""
        unique, n = key, 1
        while unique in table.rows:
            n += 1
            unique = f"{key} ({n})"
        table.rows[unique] = record
    return table


def read_tables(data: bytes) -> dict[str, Table]:
    """Every sheet's table, by sheet name (sheets without a numbered table are left out)."""
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(bytes(data)), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        return {}
    tables = {}
    try:
        for sheet in workbook.worksheets:
            table = _table(list(sheet.iter_rows(values_only=True)))
            if table is not None:
                tables[sheet.title] = table
    finally:
        workbook.close()
    return tables


def _changes(titles: list[str], issued: dict, current: dict) -> list[Change]:
    return [
        Change(title, issued.get(title), current.get(title))
        for title in titles
        if title != "STT" and issued.get(title) != current.get(title)
    ]


def _compare_tables(name: str, issued: Table, current: Table) -> SheetDiff:
    titles = list(dict.fromkeys(current.titles + issued.titles))
    diff = SheetDiff(name=name, key_title=next((t for t in current.titles if t != "STT"), ""))
    for key in current.rows:
        if key not in issued.rows:
            diff.counts["added"] += 1
            if len(diff.added) < MAX_ROWS:
                diff.added.append(key)
            continue
        changes = _changes(titles, issued.rows[key], current.rows[key])
        if changes:
            diff.counts["changed"] += 1
            if len(diff.changed) < MAX_ROWS:
                diff.changed.append((key, changes))
    for key in issued.rows:
        if key not in current.rows:
            diff.counts["removed"] += 1
            if len(diff.removed) < MAX_ROWS:
                diff.removed.append(key)
    diff.totals = _changes(titles, issued.totals or {}, current.totals or {})
    return diff


def compare(issued: bytes, current: bytes) -> list[SheetDiff]:
    """The differences, sheet by sheet, from the issued file to the current one."""
    old, new = read_tables(issued), read_tables(current)
    diffs = []
    for name in list(dict.fromkeys([*new, *old])):
        if name not in old:
            diffs.append(SheetDiff(name=name, only_in="current"))
        elif name not in new:
            diffs.append(SheetDiff(name=name, only_in="issued"))
        else:
            diffs.append(_compare_tables(name, old[name], new[name]))
    return diffs
