"""Saving an upload, all or nothing, judged again inside the transaction."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from tienlang.lib import progress
from tienlang.lib.text import clean_text, fold
from tienlang.lib.xlsx import UploadError
from unions.models import GrassrootsUnion

from .. import services, transfers
from ..models import (
    Nomination,
    NominationEvent,
    NominationImport,
    Person,
    Status,
    district_matches,
)
from .contract import (
    COLUMNS,
    NOMINATION_COLUMNS,
    TEXT_FIELDS,
    ImportResult,
    ImportRow,
)
from .reading import analyse


def import_file(
    upload,
    union: GrassrootsUnion,
    year: int,
    *,
    user=None,
    file_name: str = "",
    record: NominationImport | None = None,
    dry_run: bool = False,
    today: datetime.date | None = None,
) -> ImportResult:
    """Read, judge and, when every row is clean of errors, save every row; else save nothing.

    `record` is the upload's `NominationImport` (the web preview); without one, a record
    is created for the saved rows (the management command). Raises `UploadError` for a
    file that cannot be read at all.
    """
    result = None
    try:
        with transaction.atomic():
            result = analyse(upload, union, year, today, user=user)
            if dry_run or not result.ok:
                return result
            if record is None:
                content = upload if isinstance(upload, bytes) else None
                record = NominationImport(
                    federation=union.federation,
                    union=union,
                    year=year,
                    file_name=file_name[:255],
                    sha256=result.sha256,
                    content=content or b"",
                    uploaded_by=_user_or_none(user),
                )
            elif record.sha256 != result.sha256:
                raise UploadError(_("Nội dung tệp đã lưu không khớp mã SHA-256 lúc tải lên; hãy tải tệp lên lại."))
            record.rows_total = len(result.rows)
            record.rows_saved = len(result.rows)
            record.state = NominationImport.State.SAVED
            record.save()
            result.record = record
            result.saved = _save_rows(result, user, record)
            return result
    except IntegrityError:
        if result is None:
            raise
        # Someone else saved one of these people between our checks and our insert: the
        # database constraints decided, and the whole file was rolled back.
        result.saved = []
        result.record = None
        result.file_problems.append(
            _(
                "Trong lúc lưu, một số người trong tệp vừa được nhập ở nơi khác (trùng số CCCD). "
                "Không lưu hồ sơ nào; hãy xem lại bản kiểm tra và thử lại."
            )
        )
        return result


def _user_or_none(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _save_rows(result: ImportResult, user, record: NominationImport) -> list[Nomination]:
    union, federation = result.union, result.union.federation
    now = timezone.now()
    user = _user_or_none(user)
    asked_for = [row for row in result.rows if row.held_elsewhere is not None]
    for row in asked_for:
        progress.step()
        _request_transfer(row, result, user, record)
    rows = [row for row in result.rows if row.held_elsewhere is None]
    new_people, changed_people, people = [], [], []
    for row in rows:
        progress.step()  # ... and saving the second
        person = row.existing or Person(federation=federation, union=union)
        person.federation, person.union = federation, union
        for key, value in row.data.items():
            setattr(person, key, value)
        prepare_person(person)
        if person.pk is None:
            new_people.append(person)
        else:
            person.updated_at = now
            changed_people.append(person)
        people.append(person)
    # Bulk writes skip save(): the *_with_history helpers write the audit history too.
    bulk_create_with_history(new_people, Person, batch_size=1000, default_user=user)
    if changed_people:
        bulk_update_with_history(
            changed_people,
            Person,
            ["federation", "union", *PERSON_IMPORT_FIELDS, "name_folded", "search_folded", "lives_in_district"]
            + ["updated_at"],
            batch_size=500,
            default_user=user,
        )

    nominations = []
    for row, person in zip(rows, people, strict=True):
        nomination = Nomination(
            person=person,
            union=union,
            federation=federation,
            year=result.year,
            status=Status.NOMINATED,
            stage=1,
            nominated_on=result.nominated_on,
            voluntary_application=bool(row.voluntary_application),
            chair_assessment=row.chair_assessment,
            warnings=[f.as_dict() for f in row.findings if not f.is_block],
            source_import=record,
            created_by=user,
        )
        nomination.refresh_search()
        nominations.append(nomination)
    bulk_create_with_history(nominations, Nomination, batch_size=1000, default_user=user)
    NominationEvent.objects.bulk_create(
        [
            NominationEvent(
                nomination=nomination,
                from_status="",
                to_status=Status.NOMINATED,
                happened_on=result.nominated_on,
                recorded_by=user,
                reason=_("Nhập từ tệp %(file)s, dòng %(row)s.") % {"file": record.file_name, "row": row.number},
                details={"warnings": nomination.warnings, "import": record.pk, "row": row.number},
            )
            for row, nomination in zip(rows, nominations, strict=True)
        ],
        batch_size=1000,
    )
    return nominations


def _request_transfer(row: ImportRow, result: ImportResult, user, record: NominationImport) -> None:
    """A row whose citizen ID is held elsewhere: kept as a request for the holder's staff."""
    request = services.NominationRequest(
        person={k: v for k, v in row.data.items() if k in services.PERSON_FIELDS},
        union=result.union,
        year=result.year,
        nominated_on=result.nominated_on,
        voluntary_application=False,
        source_import=record,
    )
    transfers.request_transfer(row.held_elsewhere, request, user, row=row.number)


PERSON_IMPORT_FIELDS = [column.key for column in COLUMNS if column.key not in ("number", *NOMINATION_COLUMNS)]


def prepare_person(person: Person) -> None:
    """What `Person.save()` derives, for rows written with bulk_create/bulk_update."""
    for name in (*TEXT_FIELDS, "profession", "current_address"):
        setattr(person, name, clean_text(getattr(person, name)))
    person.name_folded = fold(person.full_name)
    person.search_folded = fold(f"{person.full_name} {person.residence_commune} {person.residence_district}")
    person.lives_in_district = district_matches(person.residence_district, person.federation)
