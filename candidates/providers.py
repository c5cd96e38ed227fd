"""What the apps built on candidates add to a person's data: hooks they fill from their ready().

candidates knows nothing of the apps above it. An app holding rows about a person (classes:
enrollments, attendance, payments) registers here

- the sheets it adds to the person's data export (`register_person_sheets`),
- what keeps a person from being anonymised yet (`register_retention_hold`),
- the personal-data fields of its models and how they reach the person (`register_sensitive_model`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db.models import QuerySet

from . import sensitivity

# function(workbook, person, sheet, row): adds sheets; `sheet(workbook, title, headers, widths)`
# makes one and `row(sheet, values)` writes a row, both as the export's own sheets do.
PersonSheets = Callable[..., None]
# function(people, today) -> the people left after the app's holds are excluded.
RetentionHold = Callable[[QuerySet, datetime.date], QuerySet]

# function(nomination, on, details) -> findings: the rules of a step the app knows (admission:
# age on the cell's date, the dossier, probation), judged before the step is recorded.
StepJudge = Callable[..., list]

PERSON_SHEETS: list[PersonSheets] = []
STEP_JUDGES: dict[str, list[StepJudge]] = {}
RETENTION_HOLDS: list[RetentionHold] = []


def register_person_sheets(function: PersonSheets) -> PersonSheets:
    if function not in PERSON_SHEETS:
        PERSON_SHEETS.append(function)
    return function


def register_step_judge(to_status: str, function: StepJudge) -> StepJudge:
    judges = STEP_JUDGES.setdefault(str(to_status), [])
    if function not in judges:
        judges.append(function)
    return function


def judge_step(nomination, to_status: str, on: datetime.date, details: dict) -> list:
    """Every registered rule's findings for moving `nomination` to `to_status` on `on`."""
    return [finding for judge in STEP_JUDGES.get(str(to_status), []) for finding in judge(nomination, on, details)]


def register_retention_hold(function: RetentionHold) -> RetentionHold:
    if function not in RETENTION_HOLDS:
        RETENTION_HOLDS.append(function)
    return function


def register_sensitive_model(label: str, tags: dict, person_path: str) -> None:
    """Tag a model's personal-data fields (`label` is "app.Model"); `person_path` leads to the person."""
    sensitivity.REGISTRY[label] = tags
    sensitivity.PERSON_PATH[label] = person_path
