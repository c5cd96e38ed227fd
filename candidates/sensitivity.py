"""Every field that holds personal data, tagged in one place.

The tags drive three things, so they cannot drift apart:

- **masking**: `masked(person, name)` shows a field the way lists show it (a citizen ID
  as 031******123) to users who do not need the whole value;
- **exports and the view log**: `personal_fields()` lists the fields with their labels and
  levels for the person export, and `disclosed()` names the personal fields a page or file
  showed in full, which `record_access` stores in the access log;
- **anonymisation**: `anonymise` says what each field becomes when a person's data is
  anonymised (`candidates.privacy.anonymise_person`), or `KEEP` with the statistic that
  needs it (the quota report's breakdowns must not change).

Levels follow the two classes of Decree 13/2023/NĐ-CP (and the Personal Data Protection
Law that replaces it): basic personal data, and sensitive personal data — political
affiliation (being proposed to, introduced to or admitted into the Party), religion,
ethnic origin, disciplinary records.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from tienlang.lib.text import fold

BASIC = "basic"
SENSITIVE = "sensitive"
LEVEL_LABELS = {BASIC: _("Dữ liệu cá nhân cơ bản"), SENSITIVE: _("Dữ liệu cá nhân nhạy cảm")}


def _keep(value, row, person):  # pragma: no cover - never called, compared by identity
    return value


KEEP = _keep


def blank(value, row, person):
    return "" if value not in (None, "") else value


def null(value, row, person):
    return None


def first_of_year(value, row, person):
    """A date reduced to 1 January of its year: age groups count by year of birth only."""
    return datetime.date(value.year, 1, 1) if value else value


def placeholder_name(value, row, person):
    return f"Đã ẩn danh #{person.pk}"


def placeholder_citizen_id(value, row, person):
    # Province codes of real citizen IDs run from 001; "000" is never issued, so the
    # placeholder cannot be anyone's number, and the person's ID keeps it unique.
    return f"000{person.pk:09d}"


def warnings_without_messages(value, row, person):
    """Warnings keep their rule code and level; the message named the person."""
    return [{"code": w.get("code", ""), "level": w.get("level", "")} for w in (value or []) if isinstance(w, dict)]


EVENT_DETAIL_KEYS = {
    "class_id",
    "class_name",
    "result",
    "organization_id",
    "organization",
    "resolution_number",
    "decision_number",
    "import",
}


def event_details(value, row, person):
    """Keep the details that describe the step (class, organisation), drop what describes the person."""
    return {k: v for k, v in (value or {}).items() if k in EVENT_DETAIL_KEYS}


def ethnicity_as_counted(value, row, person):
    """Kinh stays; any other ethnicity becomes one generic label the reports count the same way.

    `person.counts_as_kinh` is decided by the database with the reports' own condition
    (`candidates.privacy`), since case-insensitive matching differs between databases.
    """
    return value if person.counts_as_kinh else "Dân tộc thiểu số"


def religion_as_counted(value, row, person):
    """No religion stays as written; any religion becomes "Có tôn giáo" (see `ethnicity_as_counted`)."""
    return "Có tôn giáo" if person.counts_as_religious else value


def refold_name(value, row, person):
    return fold(person.anonymised["full_name"])


def refold_person_search(value, row, person):
    new = person.anonymised
    return fold(f"{new['full_name']} {new['residence_commune']} {row.residence_district}")


def refold_nomination_search(value, row, person):
    return fold(f"{person.anonymised['full_name']} {row.union.code} {row.union.name}")


def anonymised_name(value, row, person):
    return person.anonymised["full_name"]


@dataclass(frozen=True)
class Tag:
    level: str
    identifying: bool = False  # names or pinpoints the person on its own
    mask: Callable[[object], object] | None = None
    anonymise: Callable = blank
    kept_for: str = ""  # with KEEP: the statistic that needs the value
    derived: bool = False  # a search column computed from the fields above, never shown


def mask_citizen_id(value: str) -> str:
    """First 3 and last 3 digits only: 031******123."""
    if not value:
        return ""
    return f"{value[:3]}{'*' * max(len(value) - 6, 0)}{value[-3:]}"


# Model label -> field -> tag. Only fields holding personal data appear here; the apps built on
# candidates add their own models from their ready() (candidates.providers.register_sensitive_model).
REGISTRY: dict[str, dict[str, Tag]] = {
    "candidates.Person": {
        "full_name": Tag(BASIC, identifying=True, anonymise=placeholder_name),
        "citizen_id": Tag(BASIC, identifying=True, mask=mask_citizen_id, anonymise=placeholder_citizen_id),
        "date_of_birth": Tag(BASIC, anonymise=first_of_year, kept_for="nhóm tuổi (theo năm sinh)"),
        "sex": Tag(BASIC, anonymise=KEEP, kept_for="số nữ"),
        "ethnicity": Tag(SENSITIVE, anonymise=ethnicity_as_counted, kept_for="số người dân tộc thiểu số"),
        "religion": Tag(SENSITIVE, anonymise=religion_as_counted, kept_for="số người có tôn giáo"),
        "education": Tag(BASIC, anonymise=KEEP, kept_for="trình độ học vấn"),
        "profession": Tag(BASIC),
        "job_title": Tag(BASIC),
        "is_direct_production": Tag(BASIC, anonymise=KEEP, kept_for="số công nhân trực tiếp sản xuất"),
        "union_joined_on": Tag(BASIC, anonymise=first_of_year),
        "phone": Tag(BASIC, identifying=True),
        "residence_province": Tag(BASIC, anonymise=KEEP, kept_for="trong huyện / ngoài huyện"),
        "residence_district": Tag(BASIC, anonymise=KEEP, kept_for="trong huyện / ngoài huyện"),
        "residence_commune": Tag(BASIC),
        "current_address": Tag(BASIC, identifying=True),
        "lives_in_district": Tag(BASIC, anonymise=KEEP, kept_for="trong huyện / ngoài huyện"),
        "is_party_member": Tag(SENSITIVE, anonymise=KEEP, kept_for="điều kiện kết nạp"),
        "discipline_until": Tag(SENSITIVE, anonymise=null),
        "note": Tag(BASIC),
        "restriction_reason": Tag(BASIC),
        # Last: computed from the new values above.
        "name_folded": Tag(BASIC, identifying=True, anonymise=refold_name, derived=True),
        "search_folded": Tag(BASIC, identifying=True, anonymise=refold_person_search, derived=True),
    },
    "candidates.Nomination": {
        # The nomination itself is political data; its status and stage are the statistics.
        "chair_assessment": Tag(SENSITIVE),
        "warnings": Tag(BASIC, anonymise=warnings_without_messages),
        "search_folded": Tag(BASIC, identifying=True, anonymise=refold_nomination_search, derived=True),
        "sort_name": Tag(BASIC, identifying=True, anonymise=anonymised_name, derived=True),
    },
    "candidates.NominationEvent": {
        "reason": Tag(SENSITIVE),
        "details": Tag(BASIC, anonymise=event_details),
    },
    "candidates.Introduction": {
        "co_introducer_name": Tag(BASIC, identifying=True),
    },
    "candidates.Consent": {
        "evidence": Tag(BASIC),
        "withdrawal_note": Tag(BASIC),
    },
    "candidates.DataSubjectRequest": {
        "details": Tag(BASIC),
        "response": Tag(BASIC),
    },
}

# How each model reaches the person its rows are about.
PERSON_PATH = {
    "candidates.Person": "pk",
    "candidates.Nomination": "person",
    "candidates.NominationEvent": "nomination__person",
    "candidates.Introduction": "nomination__person",
    "candidates.Consent": "person",
    "candidates.DataSubjectRequest": "person",
}


def installed_models() -> Iterable[tuple[str, type, dict[str, Tag]]]:
    """(label, model, tags) for every tagged model whose app is installed."""
    for label, tags in REGISTRY.items():
        try:
            model = apps.get_model(label)
        except LookupError:  # a model registered by an app that is not installed
            continue
        yield label, model, tags


def tag(label: str, name: str) -> Tag | None:
    return REGISTRY.get(label, {}).get(name)


def masked(person, name: str):
    """The value of `person.<name>` as lists show it (masked where the tag says so)."""
    value = getattr(person, name)
    found = tag("candidates.Person", name)
    return found.mask(value) if found is not None and found.mask is not None and value else value


def personal_fields(label: str = "candidates.Person") -> list[tuple[str, str, str]]:
    """(field name, label, level label) of a model's personal-data fields, in model order."""
    app_label, model_name = label.split(".")
    model = apps.get_model(app_label, model_name)
    tags = REGISTRY[label]
    result = []
    for field in model._meta.get_fields():
        if field.name in tags and not tags[field.name].derived:
            result.append((field.name, str(field.verbose_name), str(LEVEL_LABELS[tags[field.name].level])))
    return result


def disclosed(
    names: Iterable[str], *, masked_fields: Iterable[str] = (), label: str = "candidates.Person"
) -> list[str]:
    """The personal-data fields among `names` shown in full (masked ones are left out), sorted."""
    skip = set(masked_fields)
    tags = REGISTRY.get(label, {})
    return sorted({name for name in names if name in tags and name not in skip and not tags[name].derived})


def sensitive(names: Iterable[str], label: str = "candidates.Person") -> list[str]:
    tags = REGISTRY.get(label, {})
    return sorted(name for name in names if name in tags and tags[name].level == SENSITIVE)
