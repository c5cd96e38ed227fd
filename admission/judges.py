"""The rules of the steps after the introduction, registered with candidates' moves.

Each step is judged on its own date by the rules in force on that date:

- the Party cell's resolution (a step inside "Đã giới thiệu cho Đảng"): the age rule on the
  cell's date and a dossier complete for the cell;
- admission (Đã kết nạp): the same rules on the cell's date (the one recorded with the
  resolution, or typed with the admission), and a decision not dated before the cell met;
- the ceremony (a step inside "Đã kết nạp" when not given with the admission): not before the
  decision;
- official membership (Đảng viên chính thức): not before the 12 months of probation from the
  ceremony, and only with the decision's number and date;
- removal from the list (Xóa tên): only once probation has ended without recognition, with the
  competent committee's decision.
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


def _at_cell(nomination: Nomination, cell_on: datetime.date, details: dict) -> list[Finding]:
    person = nomination.person
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


def step_event(nomination: Nomination, step: str) -> NominationEvent | None:
    """The latest recorded step of this kind (cell resolution, ceremony) of the nomination."""
    return (
        NominationEvent.objects.filter(nomination=nomination, details__step=step, is_correction=False)
        .order_by("-recorded_at", "-pk")
        .first()
    )


def judge_cell_resolution(nomination: Nomination, on: datetime.date, details: dict) -> list[Finding]:
    findings = _at_cell(nomination, on, details)
    findings += rules.judge_cell_vote(
        nomination.person.full_name, on, int(details.get("members_total") or 0), int(details.get("votes_for") or 0)
    )
    return findings


def judge_admitted(nomination: Nomination, on: datetime.date, details: dict) -> list[Finding]:
    resolution = step_event(nomination, "cell_resolution")
    cell_on = _date(details, "cell_considered_on") or (resolution.happened_on if resolution else on)
    findings = _at_cell(nomination, cell_on, {**(resolution.details if resolution else {}), **details})
    decided_on = _date(details, "decision_date")
    if decided_on and decided_on < cell_on:
        message = _("%(n)s: ngày quyết định kết nạp %(d)s trước ngày chi bộ xét %(c)s.") % {
            "n": nomination.person.full_name,
            "d": decided_on.strftime("%d/%m/%Y"),
            "c": cell_on.strftime("%d/%m/%Y"),
        }
        findings.append(Finding(rules.C.DECISION_DEADLINE, BLOCK, message))
    ceremony = _date(details, "ceremony_on")
    if ceremony and decided_on and ceremony < decided_on:
        findings.append(_ceremony_too_early(nomination, ceremony, decided_on))
    return findings


def _ceremony_too_early(nomination: Nomination, ceremony: datetime.date, decided_on: datetime.date) -> Finding:
    message = _("%(n)s: ngày lễ kết nạp %(e)s trước ngày quyết định kết nạp %(d)s.") % {
        "n": nomination.person.full_name,
        "e": ceremony.strftime("%d/%m/%Y"),
        "d": decided_on.strftime("%d/%m/%Y"),
    }
    return Finding(rules.C.CEREMONY_DEADLINE, BLOCK, message)


def admission_event(nomination: Nomination) -> NominationEvent | None:
    return (
        NominationEvent.objects.filter(nomination=nomination, to_status=Status.ADMITTED, is_correction=False)
        .exclude(details__has_key="step")
        .order_by("-recorded_at", "-pk")
        .first()
    )


def judge_ceremony(nomination: Nomination, on: datetime.date, details: dict) -> list[Finding]:
    admitted = admission_event(nomination)
    decided_on = _date(admitted.details or {}, "decision_date", admitted.happened_on) if admitted else None
    if decided_on and on < decided_on:
        return [_ceremony_too_early(nomination, on, decided_on)]
    return []


def ceremony_date(nomination: Nomination) -> datetime.date | None:
    """The admission ceremony ("ngày vào Đảng"): its own step, or the date given with the
    admission, else the admission's date."""
    ceremony = step_event(nomination, "ceremony")
    if ceremony is not None:
        return ceremony.happened_on
    admitted = admission_event(nomination)
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


def judge_removed(nomination: Nomination, on: datetime.date, details: dict) -> list[Finding]:
    ceremony = ceremony_date(nomination)
    if ceremony is None:
        return [Finding("probation", BLOCK, _("%(n)s: chưa có ngày vào Đảng.") % {"n": nomination.person.full_name})]
    return rules.judge_removal(
        nomination.person.full_name, ceremony, on, details.get("decision_number", ""), _date(details, "decision_date")
    )
