"""Eligibility rules for nominating a union member to the Party-awareness class.

Each rule is a row of `EligibilityRule` (name, legal basis, thresholds, validity dates), so
a nomination is judged by the rules in force on its own date and a new regulation is a
new row, not new code. `check()` returns findings: a *block* stops the nomination; a
*warning* lets it through, flagged for staff, who may accept it with a recorded reason.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from tienlang.lib.rules import in_force
from tienlang.lib.text import fold

from .models import OPEN_STATUSES, Education, EligibilityRule, Nomination, Person, Status

BLOCK = "block"
WARNING = "warning"

# The rules as they stand in the regulations; loaded into the database by a migration.
# Thresholds have not changed across 29-QĐ/TW (2016), 24-QĐ/TW (2021) and 232-QĐ/TW (2025).
PERIODS = [
    ("Quy định 29-QĐ/TW ngày 25/7/2016", datetime.date(2016, 7, 25), datetime.date(2021, 7, 29)),
    (
        "Quy định 24-QĐ/TW ngày 30/7/2021; Hướng dẫn 01-HD/TW ngày 28/9/2021",
        datetime.date(2021, 7, 30),
        datetime.date(2025, 1, 19),
    ),
    ("Quy định 232-QĐ/TW ngày 20/01/2025", datetime.date(2025, 1, 20), None),
]
PLAN = "Kế hoạch 33/KH-LĐLĐ ngày 16/3/2021 của LĐLĐ thành phố Hải Phòng"
CHARTER = "Điều lệ Đảng, Điều 1 và Điều 4"
DEFAULT_PARAMS = {
    EligibilityRule.Code.UNION_MEMBER: ({}, "plan"),
    EligibilityRule.Code.MEMBERSHIP: ({"min_months": 12}, "plan"),
    EligibilityRule.Code.AGE: ({"block_under_months": 210, "warn_under_months": 216, "max_months": 720}, "rule"),
    EligibilityRule.Code.EDUCATION: ({"min_rank": 9}, "rule"),
    EligibilityRule.Code.PARTY_MEMBER: ({}, "charter"),
    EligibilityRule.Code.OPEN_NOMINATION: ({}, "plan"),
    EligibilityRule.Code.DISCIPLINE: ({}, "rule"),
}


def default_rule_rows() -> list[dict]:
    rows = []
    for basis, start, end in PERIODS:
        for code, (params, source) in DEFAULT_PARAMS.items():
            legal = {"plan": f"{PLAN}; {basis}", "charter": f"{CHARTER}; {basis}", "rule": basis}[source]
            rows.append(
                {
                    "code": code.value,
                    "name": str(code.label),
                    "legal_basis": legal,
                    "valid_from": start,
                    "valid_to": end,
                    "params": params,
                }
            )
    return rows


@dataclass
class Finding:
    code: str
    level: str
    message: str
    legal_basis: str = ""
    # The person a HELD_ELSEWHERE finding is about: for the access log, never shown.
    person_id: int | None = field(default=None, repr=False, compare=False)

    @property
    def is_block(self) -> bool:
        return self.level == BLOCK

    def as_dict(self) -> dict:
        return {"code": self.code, "level": self.level, "message": self.message, "legal_basis": self.legal_basis}

    @property
    def field(self) -> str:
        """The form field the finding is about, where it is shown beside it ("" for none)."""
        return FIELD_OF.get(self.code, "")

    @property
    def detail(self) -> str:
        """The message without the person's name in front, for beside the field."""
        return self.message.split(": ", 1)[1] if ": " in self.message else self.message


@dataclass
class Facts:
    """What the rules look at; built from a form, an upload row or a stored person."""

    full_name: str
    date_of_birth: datetime.date | None
    citizen_id: str
    union_joined_on: datetime.date | None
    education: str
    union: object = None  # GrassrootsUnion
    federation: object = None
    is_party_member: bool = False
    discipline_until: datetime.date | None = None
    extra: dict = field(default_factory=dict)


def full_months(start: datetime.date, end: datetime.date) -> int:
    """Whole months from `start` to `end` (a birthday on the 31st reaches a month on its last day)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        # Not yet the anniversary day this month, unless `end` is the last day of a shorter month.
        next_day = end + datetime.timedelta(days=1)
        if next_day.month == end.month:
            months -= 1
    return months


def format_age(months: int) -> str:
    years, rest = divmod(months, 12)
    return _("%(y)s tuổi %(m)s tháng") % {"y": years, "m": rest} if rest else _("%(y)s tuổi") % {"y": years}


def rules_in_force(on: datetime.date) -> dict[str, EligibilityRule]:
    stored = list(EligibilityRule.objects.all())
    if not stored:
        # A wiped database (flush, --reset) still judges by the regulations as written.
        stored = [EligibilityRule(**row) for row in default_rule_rows()]
    return in_force(stored, on)


C = EligibilityRule.Code


@dataclass
class _Judge:
    """The findings of one check, each naming the person and the rule's legal basis."""

    rules: dict[str, EligibilityRule]
    name: str
    findings: list[Finding] = field(default_factory=list)

    def add(self, code, level, message) -> None:
        rule = self.rules.get(code)
        self.findings.append(Finding(code, level, f"{self.name}: {message}", rule.legal_basis if rule else ""))

    def param(self, code, key, default):
        rule = self.rules.get(code)
        return (rule.params or {}).get(key, default) if rule else default


def _union_member(judge: _Judge, facts: Facts, on: datetime.date) -> None:
    if C.UNION_MEMBER in judge.rules:
        union = facts.union
        if union is None or (facts.federation is not None and union.federation_id != facts.federation.pk):
            judge.add(
                C.UNION_MEMBER,
                BLOCK,
                _("không là đoàn viên công đoàn cơ sở doanh nghiệp ngoài nhà nước thuộc liên đoàn."),
            )


def _membership(judge: _Judge, facts: Facts, on: datetime.date) -> None:
    if C.MEMBERSHIP in judge.rules and facts.union_joined_on:
        need = judge.param(C.MEMBERSHIP, "min_months", 12)
        if facts.union_joined_on > on:
            judge.add(C.MEMBERSHIP, BLOCK, _("ngày vào Công đoàn ở sau ngày giới thiệu."))
        else:
            have = full_months(facts.union_joined_on, on)
            if have < need:
                judge.add(
                    C.MEMBERSHIP,
                    BLOCK,
                    _("chưa đủ %(need)s tháng là đoàn viên công đoàn tính đến ngày %(on)s (mới %(have)s tháng).")
                    % {"need": need, "on": on.strftime("%d/%m/%Y"), "have": have},
                )


def _age(judge: _Judge, facts: Facts, on: datetime.date) -> None:
    if C.AGE in judge.rules and facts.date_of_birth:
        months = full_months(facts.date_of_birth, on) if facts.date_of_birth <= on else -1
        block_under = judge.param(C.AGE, "block_under_months", 210)
        warn_under = judge.param(C.AGE, "warn_under_months", 216)
        max_months = judge.param(C.AGE, "max_months", 720)
        if months < block_under:
            judge.add(
                C.AGE,
                BLOCK,
                _("chưa đủ %(min)s (mới %(age)s) vào ngày %(on)s; phải đủ 18 tuổi khi chi bộ xét kết nạp.")
                % {"min": format_age(block_under), "age": format_age(max(months, 0)), "on": on.strftime("%d/%m/%Y")},
            )
        elif months < warn_under:
            judge.add(
                C.AGE,
                WARNING,
                _("mới %(age)s vào ngày %(on)s; phải đủ 18 tuổi (tính theo tháng) khi chi bộ xét kết nạp.")
                % {"age": format_age(months), "on": on.strftime("%d/%m/%Y")},
            )
        elif months > max_months:
            judge.add(
                C.AGE,
                BLOCK,
                _(
                    "đã quá %(max)s (đã %(age)s) vào ngày %(on)s; "
                    "kết nạp người trên 60 tuổi do cấp ủy cấp tỉnh quyết định."
                )
                % {"max": format_age(max_months), "age": format_age(months), "on": on.strftime("%d/%m/%Y")},
            )


def _education(judge: _Judge, facts: Facts, on: datetime.date) -> None:
    if C.EDUCATION in judge.rules and facts.education:
        min_rank = judge.param(C.EDUCATION, "min_rank", 9)
        if Education.rank(facts.education) < min_rank:
            judge.add(
                C.EDUCATION,
                WARNING,
                _("trình độ học vấn %(edu)s thấp hơn tốt nghiệp THCS; cần được chấp nhận ngoại lệ có lý do.")
                % {"edu": facts.education},
            )


def _party_member(judge: _Judge, facts: Facts, on: datetime.date) -> None:
    if C.PARTY_MEMBER in judge.rules and facts.is_party_member:
        judge.add(C.PARTY_MEMBER, BLOCK, _("đã là đảng viên."))


def _discipline(judge: _Judge, facts: Facts, on: datetime.date) -> None:
    if C.DISCIPLINE in judge.rules and facts.discipline_until and facts.discipline_until >= on:
        judge.add(
            C.DISCIPLINE,
            BLOCK,
            _("đang trong thời hạn kỷ luật (đến ngày %(d)s).") % {"d": facts.discipline_until.strftime("%d/%m/%Y")},
        )


# The rules on the person's own facts, in the order their findings are listed.
RULES = (_union_member, _membership, _age, _education, _party_member, _discipline)


def check(
    facts: Facts,
    on: datetime.date,
    year: int | None = None,
    exclude_nomination_id: int | None = None,
    rules: dict[str, EligibilityRule] | None = None,
    check_database: bool = True,
    viewer=None,
) -> list[Finding]:
    """Judge `facts` on the nomination date `on`; findings name the person and the rule.

    With a `viewer`, the rules that look at other records say nothing of records outside the
    viewer's scope: a citizen ID held elsewhere gets one finding (`HELD_ELSEWHERE`) whatever that
    person's nominations or Party status, and look-alikes are sought in the viewer's scope only.
    Without one (the system judging at a step), every record counts.
    """
    rules = rules if rules is not None else rules_in_force(on)
    judge = _Judge(rules, facts.full_name or _("(chưa có tên)"))
    for rule in RULES:
        rule(judge, facts, on)
    findings = judge.findings
    if check_database and facts.citizen_id:
        findings.extend(database_findings(facts, on, year or on.year, exclude_nomination_id, rules, viewer))
    return one_per_rule(findings)


def one_per_rule(findings: list[Finding]) -> list[Finding]:
    """One message per rule: where two checks say the same (the form's "is a Party member" box
    and an admission on record), the first block, else the first warning, stands for the rule."""
    kept: dict[str, Finding] = {}
    for finding in findings:
        held = kept.get(finding.code)
        if held is None or (finding.is_block and not held.is_block):
            kept[finding.code] = finding
    return [f for f in findings if kept.get(f.code) is f]


HELD_ELSEWHERE = "held_elsewhere"
POSSIBLE_DUPLICATE = "possible_duplicate"
# Where each rule's finding is shown on the nomination form (beside the field it concerns).
FIELD_OF = {
    C.UNION_MEMBER: "union",
    C.MEMBERSHIP: "union_joined_on",
    C.AGE: "date_of_birth",
    C.EDUCATION: "education",
    C.PARTY_MEMBER: "is_party_member",
    C.OPEN_NOMINATION: "citizen_id",
    C.DISCIPLINE: "discipline_until",
    HELD_ELSEWHERE: "citizen_id",
    POSSIBLE_DUPLICATE: "citizen_id",
    "lookup_limit": "citizen_id",
}


def held_elsewhere_finding(name: str, person_id: int | None = None) -> Finding:
    """The only thing a user learns of a citizen ID held outside their scope."""
    message = _(
        "%(n)s: số CCCD này đã có trong dữ liệu của Liên đoàn. Cán bộ LĐLĐ nơi đang quản lý người này "
        "cần xác nhận trước khi mở hồ sơ; khi gửi, hồ sơ sẽ thành đề nghị chờ xác nhận."
    ) % {"n": name or _("Đoàn viên")}
    return Finding(HELD_ELSEWHERE, WARNING, message, person_id=person_id)


def database_findings(facts: Facts, on, year, exclude_nomination_id, rules, viewer=None) -> list[Finding]:
    """Rules that look at other records: open nominations, same year, likely duplicates, Party membership.

    Fetches this one citizen ID's records then judges them with `judge_records`, as the import
    does for a whole file at once.
    """
    if viewer is not None:
        holder = Person.objects.filter(citizen_id=facts.citizen_id).only("pk").first()
        if holder is not None and not Person.objects.for_user(viewer).filter(pk=holder.pk).exists():
            return [held_elsewhere_finding(facts.full_name, holder.pk)]
    others = Nomination.objects.filter(person__citizen_id=facts.citizen_id)
    if exclude_nomination_id:
        others = others.exclude(pk=exclude_nomination_id)
    lookalike_ids: set[str] = set()
    if facts.date_of_birth and facts.full_name:
        nominations = Nomination.objects.for_user(viewer) if viewer is not None else Nomination.objects
        lookalikes = (
            nominations.open()
            .filter(person__name_folded=fold(facts.full_name), person__date_of_birth=facts.date_of_birth)
            .exclude(person__citizen_id=facts.citizen_id)
        )
        lookalike_ids = set(lookalikes.values_list("person__citizen_id", flat=True)[:1])
    return judge_records(facts, year, list(others.values("status", "year", "union_id")), lookalike_ids, rules)


def judge_records(facts: Facts, year: int, others: list[dict], lookalike_ids: set[str], rules) -> list[Finding]:
    """The database rules, on records already fetched.

    `others`: this citizen ID's other nominations (dicts of status, year, union_id);
    `lookalike_ids`: other citizen IDs with an open nomination under the same name and birth date.
    """
    C = EligibilityRule.Code
    rule = rules.get(C.OPEN_NOMINATION)
    basis = rule.legal_basis if rule else ""
    name = facts.full_name
    findings = []
    if any(o["status"] in (Status.ADMITTED, Status.OFFICIAL) for o in others):
        findings.append(Finding(C.PARTY_MEMBER, BLOCK, _("%(n)s: đã được kết nạp Đảng.") % {"n": name}, basis))
    open_others = [o for o in others if o["status"] in OPEN_STATUSES]
    if open_others:
        same_union = any(o["union_id"] == getattr(facts.union, "pk", None) for o in open_others)
        where = _("tại công đoàn cơ sở này") if same_union else _("tại một công đoàn cơ sở khác")
        message = _("%(n)s: số CCCD đang có hồ sơ chưa kết thúc %(where)s.") % {"n": name, "where": where}
        findings.append(Finding(C.OPEN_NOMINATION, BLOCK, message, basis))
    elif any(o["year"] == year for o in others):
        message = _("%(n)s: đã được giới thiệu trong năm %(y)s.") % {"n": name, "y": year}
        findings.append(Finding(C.OPEN_NOMINATION, BLOCK, message, basis))
    if lookalike_ids and facts.date_of_birth and name:
        message = _("%(n)s: trùng họ tên, ngày sinh %(d)s với người khác số CCCD đang có hồ sơ.") % {
            "n": name,
            "d": facts.date_of_birth.strftime("%d/%m/%Y"),
        }
        findings.append(Finding(POSSIBLE_DUPLICATE, WARNING, message, basis))
    return findings


def blocks(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.is_block]


def warnings(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if not f.is_block]
