"""Personal-data duties towards each person: legal basis, consent, restriction, requests, anonymisation.

Political affiliation is sensitive personal data (Decree 13/2023/NĐ-CP, replaced from
1/1/2026 by the Personal Data Protection Law 91/2025/QH15 and its implementing decree).
For every person the federation records why it holds their data (`Person.legal_basis`)
and, where that is consent, the consents given and withdrawn. A person may ask for their
data to stop being processed: a restricted person's nominations cannot move, no new
nomination can be opened for them, and list exports leave them out (`candidates.services`,
`candidates.imports`, the exports). Requests are kept in a register with their deadline.
People whose nominations all ended long ago are anonymised (`anonymise_expired`), keeping
the figures every report counts.

All writes here are district staff's, in one transaction each, re-checked against scope.
"""

from __future__ import annotations

import datetime
import math

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from unions.permissions import is_district_staff

from . import eligibility, providers, sensitivity
from .models import (
    ENDED_STATUSES,
    AnonymisationLog,
    Consent,
    DataSubjectRequest,
    LegalBasis,
    Nomination,
    NominationEvent,
    NominationImport,
    Person,
    RequestKind,
    RequestStatus,
)

MINORITY = "Dân tộc thiểu số"
RELIGIOUS = "Có tôn giáo"


# ---------------------------------------------------------------------------------------
# Restriction: what the create and move paths ask
# ---------------------------------------------------------------------------------------


def restriction_message(person: Person) -> str:
    since = person.restricted_on.strftime("%d/%m/%Y") if person.restricted_on else "—"
    return _(
        "%(n)s: dữ liệu cá nhân đang bị hạn chế xử lý (từ ngày %(d)s). Không thể chuyển bước, lập hồ sơ mới "
        "hay đưa vào danh sách xuất cho đến khi cán bộ LĐLĐ huyện gỡ hạn chế."
    ) % {"n": person.full_name, "d": since}


def refuse_if_restricted(person: Person) -> None:
    """Raise a ValidationError naming the person when their data may not be processed."""
    if person.processing_restricted:
        raise ValidationError(restriction_message(person))


def privacy_findings(person: Person | None):
    """Blocks for opening a nomination of an existing person (form and upload alike)."""
    if person is None:
        return []
    if person.anonymised_at is not None:
        return [
            eligibility.Finding(
                "anonymised",
                eligibility.BLOCK,
                _("Số CCCD %(c)s không phải số thật (bản ghi đã được ẩn danh hóa).")
                % {"c": sensitivity.masked(person, "citizen_id")},
            )
        ]
    if person.processing_restricted:
        return [eligibility.Finding("restricted", eligibility.BLOCK, restriction_message(person))]
    return []


# ---------------------------------------------------------------------------------------
# Legal basis, consent, restriction
# ---------------------------------------------------------------------------------------


def _require_staff(user) -> None:
    if not is_district_staff(user):
        raise PermissionDenied


def _locked_person(person: Person, user) -> Person:
    locked = Person.objects.for_user(user).select_for_update().filter(pk=person.pk).first()
    if locked is None:
        raise PermissionDenied
    if locked.anonymised_at is not None:
        raise ValidationError(_("Dữ liệu của đoàn viên này đã được ẩn danh hóa."))
    return locked


def _save_person(person: Person, user, fields: list[str], reason: str = "") -> None:
    person._history_user = user
    if reason:
        person._change_reason = reason[:100]
    person.save(update_fields=[*fields, "updated_at"])


def set_legal_basis(person: Person, user, basis: str, note: str = "", *, expected_version: int | None = None) -> Person:
    """Record the basis; with `expected_version` (the form's), a change made meanwhile refuses it."""
    _require_staff(user)
    if basis not in LegalBasis.values:
        raise ValidationError(_("Căn cứ xử lý dữ liệu không hợp lệ."))
    note = (note or "").strip()
    if basis == LegalBasis.LAW and not note:
        raise ValidationError(_("Cần ghi rõ văn bản pháp luật làm căn cứ."))
    with transaction.atomic():
        current = _locked_person(person, user)
        current.legal_basis, current.legal_basis_note = basis, note
        if expected_version is not None:
            current.version = expected_version  # the UPDATE refuses it if the row moved on (StaleVersion)
        _save_person(current, user, ["legal_basis", "legal_basis_note"])
        return current


def record_consent(person: Person, user, *, given_on: datetime.date, purpose: str = "", evidence: str = "") -> Consent:
    """Record a consent; a person with no basis on record gets consent as their basis."""
    _require_staff(user)
    if given_on > timezone.localdate():
        raise ValidationError(_("Ngày đồng ý không thể ở sau hôm nay."))
    with transaction.atomic():
        current = _locked_person(person, user)
        consent = Consent(person=current, given_on=given_on, evidence=(evidence or "").strip(), recorded_by=user)
        if purpose and purpose.strip():
            consent.purpose = purpose.strip()
        consent._history_user = user
        consent.save()
        if not current.legal_basis:
            current.legal_basis = LegalBasis.CONSENT
            _save_person(current, user, ["legal_basis"])
        return consent


def withdraw_consent(consent: Consent, user, *, on: datetime.date, note: str = "") -> Consent:
    """Record a withdrawal. When consent was the basis and none is left, processing stops (restricted)."""
    _require_staff(user)
    with transaction.atomic():
        current = Consent.objects.for_user(user).select_for_update().filter(pk=consent.pk).first()
        if current is None:
            raise PermissionDenied
        if current.withdrawn_on is not None:
            raise ValidationError(
                _("Sự đồng ý này đã được rút lại ngày %(d)s.") % {"d": current.withdrawn_on.strftime("%d/%m/%Y")}
            )
        if on < current.given_on or on > timezone.localdate():
            raise ValidationError(_("Ngày rút lại phải từ ngày đồng ý đến hôm nay."))
        current.withdrawn_on = on
        current.withdrawn_recorded_by = user
        current.withdrawal_note = (note or "").strip()
        current._history_user = user
        current.save()
        person = _locked_person(current.person, user)
        if (
            person.legal_basis == LegalBasis.CONSENT
            and not person.consents.filter(withdrawn_on__isnull=True).exists()
            and not person.processing_restricted
        ):
            _restrict(person, user, _("Rút lại sự đồng ý ngày %(d)s.") % {"d": on.strftime("%d/%m/%Y")}, on)
        return current


def _restrict(person: Person, user, reason: str, on: datetime.date) -> None:
    person.processing_restricted = True
    person.restricted_on = on
    person.restriction_reason = reason
    _save_person(person, user, ["processing_restricted", "restricted_on", "restriction_reason"], reason)


def restrict(person: Person, user, reason: str) -> Person:
    _require_staff(user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Cần ghi lý do hạn chế xử lý (ví dụ: theo yêu cầu ngày …)."))
    with transaction.atomic():
        current = _locked_person(person, user)
        if current.processing_restricted:
            raise ValidationError(_("Dữ liệu của %(n)s đang bị hạn chế xử lý.") % {"n": current.full_name})
        _restrict(current, user, reason, timezone.localdate())
        return current


def lift_restriction(person: Person, user, reason: str) -> Person:
    _require_staff(user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Cần ghi lý do gỡ hạn chế xử lý."))
    with transaction.atomic():
        current = _locked_person(person, user)
        if not current.processing_restricted:
            raise ValidationError(_("Dữ liệu của %(n)s không bị hạn chế xử lý.") % {"n": current.full_name})
        current.processing_restricted = False
        current.restricted_on = None
        current.restriction_reason = ""
        _save_person(current, user, ["processing_restricted", "restricted_on", "restriction_reason"], reason)
        return current


# ---------------------------------------------------------------------------------------
# Data-subject requests
# ---------------------------------------------------------------------------------------


def response_hours(kind: str) -> int:
    return int(getattr(settings, "DSR_RESPONSE_HOURS", {}).get(kind, settings.DSR_RESPONSE_HOURS_DEFAULT))


def due_date(kind: str, received_on: datetime.date) -> datetime.date:
    """The receipt date plus the hours allowed for `kind`, rounded up to whole calendar days."""
    return received_on + datetime.timedelta(days=math.ceil(response_hours(kind) / 24))


def open_request(
    person: Person, user, *, kind: str, received_on: datetime.date, channel: str = "", details: str = ""
) -> DataSubjectRequest:
    _require_staff(user)
    if kind not in RequestKind.values:
        raise ValidationError(_("Loại yêu cầu không hợp lệ."))
    if received_on > timezone.localdate():
        raise ValidationError(_("Ngày tiếp nhận không thể ở sau hôm nay."))
    with transaction.atomic():
        current = Person.objects.for_user(user).filter(pk=person.pk).first()
        if current is None:
            raise PermissionDenied
        request = DataSubjectRequest(
            person=current,
            kind=kind,
            received_on=received_on,
            due_on=due_date(kind, received_on),
            channel=(channel or "").strip(),
            details=(details or "").strip(),
            recorded_by=user,
        )
        request._history_user = user
        request.save()
        return request


def update_request(
    request: DataSubjectRequest, user, *, status: str, response: str = "", expected_status: str | None = None
) -> DataSubjectRequest:
    """Move a request on; the user doing it becomes its handler, and a closed one gets its date."""
    _require_staff(user)
    if status not in RequestStatus.values:
        raise ValidationError(_("Tình trạng không hợp lệ."))
    response = (response or "").strip()
    if status in (RequestStatus.DONE, RequestStatus.REFUSED) and not response:
        raise ValidationError(_("Cần ghi kết quả giải quyết (hoặc lý do từ chối) trước khi kết thúc yêu cầu."))
    with transaction.atomic():
        current = DataSubjectRequest.objects.for_user(user).select_for_update().filter(pk=request.pk).first()
        if current is None:
            raise PermissionDenied
        if expected_status is not None and current.status != expected_status:
            raise ValidationError(
                _("Yêu cầu vừa được người khác cập nhật (tình trạng hiện tại: %(s)s). Hãy tải lại trang.")
                % {"s": current.get_status_display()}
            )
        if not current.is_open:
            raise ValidationError(_("Yêu cầu đã kết thúc, không sửa được."))
        current.status = status
        current.response = response
        current.handled_by = user
        current.closed_on = (
            None if status in (RequestStatus.RECEIVED, RequestStatus.IN_PROGRESS) else timezone.localdate()
        )
        current._history_user = user
        current.save()
        return current


# ---------------------------------------------------------------------------------------
# Anonymisation
# ---------------------------------------------------------------------------------------


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def retention_cutoff(today: datetime.date | None = None) -> datetime.date:
    return years_before(today or timezone.localdate(), settings.RETENTION_YEARS_AFTER_END)


def expired_people(today: datetime.date | None = None):
    """People due for anonymisation: every nomination ended, nothing recorded since the cutoff.

    Left out: people already anonymised, people whose processing is restricted (they asked
    us to keep the data as it is), people with an open request, and people paid a stipend
    within the accounting retention period.
    """
    today = today or timezone.localdate()
    cutoff = retention_cutoff(today)
    nominations = Nomination.objects.filter(person=OuterRef("pk"))
    people = (
        Person.objects.filter(anonymised_at__isnull=True, processing_restricted=False)
        .filter(Exists(nominations))
        .exclude(Exists(nominations.exclude(status__in=ENDED_STATUSES)))
        .exclude(Exists(nominations.filter(nominated_on__gte=cutoff)))
        .exclude(Exists(NominationEvent.objects.filter(nomination__person=OuterRef("pk"), happened_on__gte=cutoff)))
        .exclude(Exists(DataSubjectRequest.objects.open().filter(person=OuterRef("pk"))))
    )
    for hold in providers.RETENTION_HOLDS:
        people = hold(people, today)
    return people


def retention_rule(today: datetime.date | None = None) -> str:
    return _(
        "Hết thời hạn lưu trữ: mọi hồ sơ đã kết thúc (không đủ điều kiện, không hoàn thành, rút khỏi danh sách), "
        "không có bước nào từ ngày %(d)s (%(y)s năm)."
    ) % {"d": retention_cutoff(today).strftime("%d/%m/%Y"), "y": settings.RETENTION_YEARS_AFTER_END}


def anonymise_person(person: Person, *, rule: str, user=None) -> AnonymisationLog:
    """Remove or replace every identifying value about `person`, keep what the reports count.

    Each field tagged in `candidates.sensitivity` becomes what its tag says, in the live
    rows and in their change history alike; admin log entries lose the person's name and
    the uploaded files that listed them are emptied (their checksum and counts stay).
    The record written says which fields changed, never their values.
    """
    if user is not None:
        _require_staff(user)
    with transaction.atomic():
        queryset = Person.objects.for_user(user) if user is not None else Person.objects.all()
        current = queryset.select_for_update().filter(pk=person.pk).first()
        if current is None:
            raise PermissionDenied
        if current.anonymised_at is not None:
            raise ValidationError(_("Dữ liệu của đoàn viên này đã được ẩn danh hóa."))
        if current.nominations.exclude(status__in=ENDED_STATUSES).exists():
            raise ValidationError(
                _("%(n)s còn hồ sơ chưa kết thúc: chỉ ẩn danh hóa khi mọi hồ sơ đã kết thúc.")
                % {"n": current.full_name}
            )
        _decide_report_flags(current)
        changed: set[str] = set()
        rows: dict[str, int] = {}
        for label, model, tags in sensitivity.installed_models():
            count = _anonymise_rows(label, model, tags, current, changed)
            if count:
                rows[label] = count
        cleared = NominationImport.objects.filter(nominations__person=current).exclude(content=b"").distinct()
        cleared_ids = list(cleared.values_list("pk", flat=True))
        if cleared_ids:
            NominationImport.objects.filter(pk__in=cleared_ids).update(content=b"")
            changed.add("candidates.NominationImport.content")
            rows["candidates.NominationImport"] = len(cleared_ids)
        Person.objects.filter(pk=current.pk).update(anonymised_at=timezone.now())
        log = AnonymisationLog(person=current, by=user, rule=rule[:255], fields=sorted(changed), rows=rows)
        log._history_user = user
        log.save()
        return log


def _decide_report_flags(person: Person) -> None:
    # Ask the database, with the reports' own conditions, whether this person counts as an
    # ethnic minority or a religious believer, so the anonymised values count the same way.
    flags = Person.objects.filter(pk=person.pk).aggregate(
        kinh=Count("pk", filter=Q(ethnicity__iexact="Kinh")),
        religious=Count("pk", filter=~Q(religion__iexact="Không") & ~Q(religion="")),
    )
    person.counts_as_kinh = bool(flags["kinh"])
    person.counts_as_religious = bool(flags["religious"])
    person.anonymised = {}


def _anonymise_rows(label: str, model, tags: dict, person: Person, changed: set[str]) -> int:
    """Apply the tags to every row of `model` about `person`, and to those rows' change history."""
    names = [name for name, tag in tags.items() if tag.anonymise is not sensitivity.KEEP]
    history_model = getattr(getattr(model, "history", None), "model", None)
    history_fields = {f.name for f in history_model._meta.fields} if history_model is not None else set()
    count = 0
    for row in model._base_manager.filter(**{sensitivity.PERSON_PATH[label]: person.pk}).order_by("pk"):
        values: dict = {}
        if label == "candidates.Person":
            person.anonymised = values  # later fields (the search columns) read the new name
        for name in names:
            values[name] = tags[name].anonymise(getattr(row, name), row, person)
        differing = {name: value for name, value in values.items() if value != getattr(row, name)}
        if differing:
            model._base_manager.filter(pk=row.pk).update(**differing)
            changed.update(f"{label}.{name}" for name in differing)
            count += 1
        history_values = {name: value for name, value in values.items() if name in history_fields}
        if history_values:
            # Past versions get the same values: the history must not keep what the row lost.
            stale = history_model.objects.filter(id=row.pk).exclude(**history_values)
            if stale.exists():
                stale.update(**history_values)
                changed.update(f"{label}.{name}" for name in history_values)
    _scrub_admin_log(model, label, person)
    return count


def _scrub_admin_log(model, label: str, person: Person) -> None:
    """Django admin's own log keeps each object's name as it was ("Nguyễn Văn …")."""
    if not apps.is_installed("django.contrib.admin"):
        return
    from django.contrib.admin.models import LogEntry  # noqa: PLC0415 (the admin is optional; loaded only if installed)

    ids = [
        str(pk)
        for pk in model._base_manager.filter(**{sensitivity.PERSON_PATH[label]: person.pk}).values_list("pk", flat=True)
    ]
    if ids:
        LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id__in=ids).update(
            object_repr=f"{model._meta.verbose_name} #{person.pk}"
        )
