"""The rules of each step from the union's introduction to official membership.

Every threshold is an `AdmissionRule` row in force on the step's own date. The age rule is
judged on the date the Party cell considers admission (Điều lệ Đảng, Điều 1; Quy định
232-QĐ/TW), not on the nomination date; official status cannot start before the 12 months of
probation counted from the admission ceremony ("ngày vào Đảng") have run.
"""

from __future__ import annotations

import calendar
import datetime

from django.utils.translation import gettext as _

from candidates.eligibility import BLOCK, WARNING, Finding, full_months
from tienlang.lib.rules import in_force

from .calendar import WorkingCalendar
from .models import AdmissionRule

C = AdmissionRule.Code
ANCHOR = (
    "Điều lệ Đảng; Quy định 232-QĐ/TW ngày 20/01/2025 (trước đó 24-QĐ/TW năm 2021 và 29-QĐ/TW năm 2016, cùng ngưỡng)"
)

# The rules as the regulations state them; loaded into the database by a migration.
DEFAULT_RULES = [
    (C.AGE_AT_CONSIDERATION, {"min_months": 216, "max_months": 720}, "Điều lệ Đảng, Điều 1; " + ANCHOR),
    (C.CERTIFICATE_VALIDITY, {"months": 60}, "Hướng dẫn 06-HD/TW năm 2025 (thời hạn giấy chứng nhận 60 tháng)"),
    (C.DOSSIER_STALENESS, {"months": 12}, "Hướng dẫn 12-HD/BTCTW năm 2022, phần II, mục 1.1"),
    (C.CO_INTRODUCER, {"min_months": 12}, "Điều lệ Đảng, Điều 4; " + ANCHOR),
    (C.DECISION_DEADLINE, {"working_days": 60, "extension_max": 30}, ANCHOR),
    (C.CEREMONY_DEADLINE, {"working_days": 30}, ANCHOR),
    (C.PROBATION, {"months": 12}, "Điều lệ Đảng, Điều 5; " + ANCHOR),
    (C.OFFICIAL_CONSIDERATION, {"working_days": 30}, "Điều lệ Đảng, Điều 5, khoản 3; " + ANCHOR),
    (C.CELL_VOTE, {"numerator": 2, "denominator": 3}, "Điều lệ Đảng, Điều 4; " + ANCHOR),
    (C.REMOVAL, {"working_days": 30}, "Điều lệ Đảng, Điều 5, khoản 3; " + ANCHOR),
    # No regulation sets how long to wait for the residence cell's reply: this is the office's own
    # follow-up period, recorded as such, to be changed when a guide sets one.
    (
        C.RESIDENCE_REPLY,
        {"working_days": 30},
        "Thời hạn theo dõi do LĐLĐ định (văn bản của Đảng không quy định thời hạn trả lời)",
    ),
]
VALID_FROM = datetime.date(2016, 7, 25)


# The dossier (Hướng dẫn 12-HD/BTCTW năm 2022, phần II, mục 1.1): code, name, step, goes stale, residence only.
GUIDE = "Hướng dẫn 12-HD/BTCTW năm 2022, phần II, mục 1.1"
DOSSIER_ITEMS = [
    ("certificate", "Giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng", "before_cell", False, False),
    ("application", "Đơn xin vào Đảng", "before_cell", False, False),
    (
        "personal_history",
        "Lý lịch của người xin vào Đảng, có thẩm tra, kết luận của cấp ủy cơ sở",
        "before_cell",
        False,
        False,
    ),
    ("introducer_letter", "Giấy giới thiệu của đảng viên chính thức giới thiệu", "before_cell", True, False),
    (
        "union_resolution",
        "Nghị quyết giới thiệu đoàn viên ưu tú của Ban Chấp hành Công đoàn cơ sở",
        "before_cell",
        True,
        False,
    ),
    ("workplace_comments", "Tổng hợp ý kiến nhận xét của tổ chức nơi làm việc", "before_cell", True, False),
    ("residence_comments", "Tổng hợp ý kiến nhận xét của chi ủy (chi bộ) nơi cư trú", "before_cell", True, True),
    ("cell_resolution", "Nghị quyết đề nghị kết nạp của chi bộ", "after_cell", False, False),
    ("committee_resolution", "Nghị quyết xét, đề nghị kết nạp của đảng ủy cơ sở", "after_cell", False, False),
    ("decision", "Quyết định kết nạp đảng viên của cấp ủy có thẩm quyền", "after_cell", False, False),
]


def default_dossier_rows() -> list[dict]:
    return [
        {
            "code": code,
            "name": name,
            "legal_basis": GUIDE,
            "step": step,
            "goes_stale": stale,
            "residence_only": residence,
            "order": index,
        }
        for index, (code, name, step, stale, residence) in enumerate(DOSSIER_ITEMS, start=1)
    ]


def default_rule_rows() -> list[dict]:
    return [
        {
            "code": code.value,
            "name": str(code.label),
            "legal_basis": basis,
            "valid_from": VALID_FROM,
            "valid_to": None,
            "params": params,
        }
        for code, params, basis in DEFAULT_RULES
    ]


def rule_rows() -> list[AdmissionRule]:
    """Every stored rule row (one query); a list computing many dates passes it to each call."""
    return list(AdmissionRule.objects.all())


def rules_in_force(on: datetime.date, rows: list[AdmissionRule] | None = None) -> dict[str, AdmissionRule]:
    stored = rule_rows() if rows is None else rows
    if not stored:
        # A wiped database (flush, --reset) still judges by the regulations as written.
        stored = [AdmissionRule(**row) for row in default_rule_rows()]
    return in_force(stored, on)


def param(rules: dict[str, AdmissionRule], code: str, name: str) -> int:
    return int(rules[code].params[name])


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (the last day of the month when that month is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _finding(rules, code, level, message) -> Finding:
    rule = rules.get(code)
    return Finding(code, level, message, rule.legal_basis if rule else "")


def judge_admission(name: str, born: datetime.date, cell_on: datetime.date, *, over_age_decision: str = "") -> list:
    """The age rule on the day the Party cell considers admission: fully 18 to fully 60 (over 60
    only with a provincial-level committee's decision, whose number and date are recorded)."""
    rules = rules_in_force(cell_on)
    if C.AGE_AT_CONSIDERATION not in rules:
        return []
    months = full_months(born, cell_on)
    low, high = param(rules, C.AGE_AT_CONSIDERATION, "min_months"), param(rules, C.AGE_AT_CONSIDERATION, "max_months")
    on = cell_on.strftime("%d/%m/%Y")
    if months < low:
        message = _("%(n)s: chưa đủ 18 tuổi vào ngày chi bộ xét kết nạp %(d)s (%(y)s tuổi %(m)s tháng).") % {
            "n": name,
            "d": on,
            "y": months // 12,
            "m": months % 12,
        }
        return [_finding(rules, C.AGE_AT_CONSIDERATION, BLOCK, message)]
    if months > high:
        if over_age_decision.strip():
            message = _("%(n)s: trên 60 tuổi, kết nạp theo quyết định %(q)s của cấp ủy cấp tỉnh.") % {
                "n": name,
                "q": over_age_decision.strip(),
            }
            return [_finding(rules, C.AGE_AT_CONSIDERATION, WARNING, message)]
        message = _(
            "%(n)s: quá 60 tuổi vào ngày chi bộ xét kết nạp %(d)s; chỉ kết nạp khi có quyết định của cấp ủy cấp tỉnh "
            "(ghi số, ngày quyết định)."
        ) % {"n": name, "d": on}
        return [_finding(rules, C.AGE_AT_CONSIDERATION, BLOCK, message)]
    return []


def probation_end(ceremony_on: datetime.date, rows: list[AdmissionRule] | None = None) -> datetime.date:
    """The day official status takes effect if recognised: 12 months after the ceremony."""
    rules = rules_in_force(ceremony_on, rows)
    return add_months(ceremony_on, param(rules, C.PROBATION, "months"))


def judge_official(name: str, ceremony_on: datetime.date, on: datetime.date, decision: str, decided_on) -> list:
    """Official status: not before probation ends, and only with the decision's number and date."""
    rules = rules_in_force(on)
    findings = []
    end = probation_end(ceremony_on)
    if on < end:
        message = _(
            "%(n)s: chưa hết 12 tháng dự bị (kết thúc ngày %(e)s); chưa thể công nhận đảng viên chính thức."
        ) % {
            "n": name,
            "e": end.strftime("%d/%m/%Y"),
        }
        findings.append(_finding(rules, C.PROBATION, BLOCK, message))
    if not (decision or "").strip() or decided_on is None:
        message = _("%(n)s: cần số và ngày quyết định công nhận đảng viên chính thức.") % {"n": name}
        findings.append(_finding(rules, C.PROBATION, BLOCK, message))
    return findings


def judge_cell_vote(name: str, on: datetime.date, members_total: int, votes_for: int) -> list:
    """The cell proposes admission only when enough of its full members agree (two thirds)."""
    rules = rules_in_force(on)
    if C.CELL_VOTE not in rules or not members_total:
        return []
    numerator, denominator = param(rules, C.CELL_VOTE, "numerator"), param(rules, C.CELL_VOTE, "denominator")
    if votes_for * denominator >= members_total * numerator:
        return []
    message = _("%(n)s: chi bộ mới có %(v)s/%(t)s đảng viên chính thức tán thành; cần ít nhất %(a)s/%(b)s.") % {
        "n": name,
        "v": votes_for,
        "t": members_total,
        "a": numerator,
        "b": denominator,
    }
    return [_finding(rules, C.CELL_VOTE, BLOCK, message)]


def judge_removal(name: str, ceremony_on: datetime.date, on: datetime.date, decision: str, decided_on) -> list:
    """Removal from the list (xóa tên): a probationary member the cell does not recognise when
    probation ends, on the competent committee's decision. Before the end there is nothing to
    judge yet; the cell has `working_days` after it (a later date is recorded, and shows late)."""
    rules = rules_in_force(on)
    findings = []
    end = probation_end(ceremony_on)
    if on < end:
        message = _(
            "%(n)s: chưa hết 12 tháng dự bị (kết thúc ngày %(e)s); chi bộ chỉ xét công nhận hoặc đề nghị xóa tên "
            "khi hết thời gian dự bị."
        ) % {"n": name, "e": end.strftime("%d/%m/%Y")}
        findings.append(_finding(rules, C.REMOVAL, BLOCK, message))
    if not (decision or "").strip() or decided_on is None:
        message = _("%(n)s: cần số và ngày quyết định xóa tên của cấp ủy có thẩm quyền.") % {"n": name}
        findings.append(_finding(rules, C.REMOVAL, BLOCK, message))
    elif C.REMOVAL in rules:
        last = WorkingCalendar().add_working_days(end, param(rules, C.REMOVAL, "working_days"))
        if on > last:
            message = _("%(n)s: chi bộ xét quá thời hạn (hạn cuối %(d)s, 30 ngày làm việc sau khi hết dự bị).") % {
                "n": name,
                "d": last.strftime("%d/%m/%Y"),
            }
            findings.append(_finding(rules, C.REMOVAL, WARNING, message))
    return findings


def is_stale(prepared_on: datetime.date, on: datetime.date) -> bool:
    """More than 12 months after the dossier was prepared without the cell considering it."""
    rules = rules_in_force(on)
    return on > add_months(prepared_on, param(rules, C.DOSSIER_STALENESS, "months"))


def due_date(
    code: str, start: datetime.date, calendar_: WorkingCalendar | None = None, rows: list[AdmissionRule] | None = None
) -> datetime.date:
    """The last day of a step counted in working days from `start` (decision, ceremony, official)."""
    rules = rules_in_force(start, rows)
    return (calendar_ or WorkingCalendar()).add_working_days(start, param(rules, code, "working_days"))


def admission_window(
    born: datetime.date,
    certificate_on: datetime.date | None,
    prepared_on: datetime.date | None,
    today: datetime.date,
    rows: list[AdmissionRule] | None = None,
) -> list[tuple[str, datetime.date]]:
    """The dates after which the cell can no longer consider the person, each with what sets it."""
    rules = rules_in_force(today, rows)
    limits = []
    # Over `max_months` full months of age the rule blocks: the last day is the day before that.
    over = add_months(born, param(rules, C.AGE_AT_CONSIDERATION, "max_months") + 1) - datetime.timedelta(days=1)
    limits.append((_("tuổi 60"), over))
    if certificate_on:
        limits.append(
            (_("giấy chứng nhận hết hạn"), add_months(certificate_on, param(rules, C.CERTIFICATE_VALIDITY, "months")))
        )
    if prepared_on:
        limits.append((_("hồ sơ quá 12 tháng"), add_months(prepared_on, param(rules, C.DOSSIER_STALENESS, "months"))))
    return sorted(limits, key=lambda item: item[1])
