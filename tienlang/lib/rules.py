"""Rules as rows with validity dates: which row of each rule is in force on a date."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any


def in_force(rows: Iterable[Any], on: datetime.date) -> dict[str, Any]:
    """Each rule's row in force on `on` (rows have `code`, `valid_from`, `valid_to`).

    A date before a rule's first recorded row is judged by that earliest row, so a past case is
    never left without a rule.
    """
    found: dict[str, Any] = {}
    earliest: dict[str, Any] = {}
    for row in sorted(rows, key=lambda r: r.valid_from):
        earliest.setdefault(row.code, row)
        if row.valid_from <= on and (row.valid_to is None or on <= row.valid_to):
            found[row.code] = row
    return {**earliest, **found}
