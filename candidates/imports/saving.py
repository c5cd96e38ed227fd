"""Saving an upload, all or nothing, judged again inside the transaction."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

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
from . import writing
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


def _save_rows(result: ImportResult, user, record: NominationImport) -> SavedNominations:
    union, federation = result.union, result.union.federation
    now = timezone.now()
    user = _user_or_none(user)
    asked_for = [row for row in result.rows if row.held_elsewhere is not None]
    for row in asked_for:
        progress.step()
        _request_transfer(row, result, user, record)
    rows = [row for row in result.rows if row.held_elsewhere is None]
    people = _save_people(rows, union, federation, user, now)

    template = writing.blank_row(Nomination, now)
    nominations = []
    for row, person in zip(rows, people, strict=True):
        values = {
            **template,
            "person_id": person.id,
            "union_id": union.pk,
            "federation_id": federation.pk,
            "year": result.year,
            "status": Status.NOMINATED,
            "stage": 1,
            "nominated_on": result.nominated_on,
            "voluntary_application": bool(row.voluntary_application),
            "chair_assessment": row.chair_assessment,
            "warnings": [f.as_dict() for f in row.findings if not f.is_block],
            "source_import_id": record.pk,
            "created_by_id": user.pk if user is not None else None,
        }
        Nomination.refresh_search(_Attributes(values, person=person, union=union))  # what save() derives
        nominations.append(values)
    ids = writing.write_rows(Nomination, nominations, history_user=user, now=now)
    reason = _("Nhập từ tệp %(file)s, dòng %(row)s.")
    template = writing.blank_row(NominationEvent, now)
    events = [
        {
            **template,
            "nomination_id": nomination_id,
            "from_status": "",
            "to_status": Status.NOMINATED,
            "happened_on": result.nominated_on,
            "recorded_by_id": user.pk if user is not None else None,
            "reason": reason % {"file": record.file_name, "row": row.number},
            "details": {"warnings": nomination["warnings"], "import": record.pk, "row": row.number},
        }
        for row, nomination, nomination_id in zip(rows, nominations, ids, strict=True)
    ]
    writing.write_rows(NominationEvent, events, now=now)
    return SavedNominations(ids)


def _save_people(rows: list[ImportRow], union: GrassrootsUnion, federation, user, now) -> list:
    """Every row's person, as `_Attributes` of the new rows or the updated `Person` on record."""
    lives_in = functools.lru_cache(maxsize=None)(functools.partial(district_matches, federation=federation))
    template = writing.blank_row(Person, now)
    people, new_people, changed_people = [], [], []
    for row in rows:
        progress.step()  # ... and saving the second
        if row.existing is None:
            values = {**template, "federation_id": federation.pk, "union_id": union.pk, **row.data}
            person = _Attributes(values, federation=federation)
            prepare_person(person, lives_in=lives_in)
            new_people.append(values)
        else:
            person = row.existing
            person.federation, person.union = federation, union
            for key, value in row.data.items():
                setattr(person, key, value)
            prepare_person(person, lives_in=lives_in)
            person.updated_at = now
            changed_people.append(person)
        people.append(person)
    ids = writing.write_rows(Person, new_people, history_user=user, now=now)
    for values, person_id in zip(new_people, ids, strict=True):
        values["id"] = person_id
    if changed_people:
        # Bulk writes skip save(): the *_with_history helper writes the audit history too.
        bulk_update_with_history(
            changed_people,
            Person,
            ["federation", "union", *PERSON_IMPORT_FIELDS, "name_folded", "search_folded", "lives_in_district"]
            + ["updated_at"],
            batch_size=500,
            default_user=user,
        )
    return people


class _Attributes:
    """A row's dict of column values seen as attributes, so that `prepare_person` and
    `Nomination.refresh_search` derive its columns exactly as they do for a model instance."""

    def __init__(self, values: dict, **related):
        object.__setattr__(self, "_values", values)
        object.__setattr__(self, "_related", related)

    def __getattr__(self, name):
        if name in self._related:
            return self._related[name]
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name, value):
        self._values[name] = value


class SavedNominations(Sequence):
    """The nominations an upload saved: counted without a query, loaded when first looked at."""

    def __init__(self, ids: list[int]):
        self.ids = list(ids)
        self._loaded: list[Nomination] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):
        if self._loaded is None:
            by_pk = Nomination.objects.select_related("person", "union").in_bulk(self.ids)
            self._loaded = [by_pk[pk] for pk in self.ids]
        return self._loaded[index]


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


def prepare_person(person: Person, lives_in=district_matches) -> None:
    """What `Person.save()` derives, for rows written with COPY or bulk_update.

    `lives_in` is `district_matches` (or a cached version of it, for many rows of one federation).
    """
    for name in (*TEXT_FIELDS, "profession", "current_address"):
        setattr(person, name, clean_text(getattr(person, name)))
    person.name_folded = fold(person.full_name)
    person.search_folded = fold(f"{person.full_name} {person.residence_commune} {person.residence_district}")
    person.lives_in_district = lives_in(person.residence_district, federation=person.federation)
