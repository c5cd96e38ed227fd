"""The rules of the steps after the introduction, registered with candidates' moves.

Admission (Đã kết nạp) is judged on the date the Party cell considered the person: the age rule
of that date, and a dossier complete for the cell. Official membership (Đảng viên chính thức) is
judged on its own date: not before the 12 months of probation from the ceremony, and only with
the decision's number and date.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from candidates.eligibility import BLOCK, Finding
from candidates.models import Nomination, NominationEvent, Status

from . import dossier, rules


def _date(details: dict, name: str, default: datetime.date | None = None) -> datetime.date | None:
    value = details.get(name)
    return datetime.date.fromisoformat(value) if value else default


def judge_admitted(nomination: Nomination, on: datetime.date, details: dict) -> list[Finding]:
    person = nomination.person
    cell_on = _date(details, "cell_considered_on", on)
    findings = []
    if person.date_of_birth:
        findings += rules.judge_admission(
            person.full_name, person.date_of_birth, cell_on, over_age_decision=details.get("over_age_decision", "")
        )
    missing = dossier.missing_for(nomination, "before_cell", today=cell_on)
    if missing:
        message = _("%(n)s: chưa đủ hồ sơ để chi bộ xét kết nạp; còn thiếu: %(items)s.") % {
            "n": person.full_name,
            "items": "; ".join(missing),
        }
        findings.append(Finding("dossier", BLOCK, message, rules.GUIDE))
    return findings


def ceremony_date(nomination: Nomination) -> datetime.date | None:
    """The admission ceremony ("ngày vào Đảng") recorded with the admission, else its date."""
    admitted = (
        NominationEvent.objects.filter(nomination=nomination, to_status=Status.ADMITTED, is_correction=False)
        .order_by("-recorded_at", "-pk")
        .first()
    )
    if admitted is None:
        return None
    return _date(admitted.details or {}, "ceremony_on", admitted.happened_on)


def judge_official(nomination: Nomination, on: datetime.date, details: dict) -> list[Finding]:
    ceremony = ceremony_date(nomination)
    if ceremony is None:
        return [Finding("probation", BLOCK, _("%(n)s: chưa có ngày vào Đảng.") % {"n": nomination.person.full_name})]
    return rules.judge_official(
        nomination.person.full_name, ceremony, on, details.get("decision_number", ""), _date(details, "decision_date")
    )
