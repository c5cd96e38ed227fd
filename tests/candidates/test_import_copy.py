"""An upload's rows written with COPY are the rows Django's bulk_create wrote, history included."""

from __future__ import annotations

import threading
import tracemalloc

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from candidates import imports
from candidates.imports import writing
from candidates.models import Nomination, NominationEvent, NominationImport, Person, Status
from tests import factories
from tests.candidates.test_import_support import citizen_id, make_xlsx, row

YEAR = 2022
# Reading, judging and saving 5,000 rows by COPY: a few lookups, one COPY per table.
QUERY_CEILING_5000 = 25
# What holding 5,000 rows costs (cells, parsed values, findings, the COPY text of one table at a time).
PEAK_MB_5000 = 60  # measured: 35 MB with the bench file at the nation tier

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")


class _Rollback(Exception):
    pass


def run(data: bytes, union, **kwargs) -> imports.ImportResult:
    return imports.import_file(data, union, YEAR, file_name="danh-sach.xlsx", **kwargs)


def _without(values: dict, *names: str) -> dict:
    return {k: v for k, v in values.items() if k not in names}


def snapshot() -> dict:
    """Every row the upload wrote, with generated keys replaced by the person's citizen ID."""
    by_person = dict(Person.objects.values_list("pk", "citizen_id"))
    nomination_of = {pk: by_person[person] for pk, person in Nomination.objects.values_list("pk", "person_id")}
    people = [_without(p, "id", "created_at", "updated_at") for p in Person.objects.order_by("citizen_id").values()]
    history = []
    for h in Person.history.model.objects.order_by("citizen_id", "history_id").values():
        assert h["history_date"] is not None
        history.append(_without(h, "id", "history_id", "history_date", "created_at", "updated_at"))
    record = NominationImport.objects.get().pk
    nominations = []
    for n in Nomination.objects.order_by("person__citizen_id").values():
        n["person_id"] = by_person[n["person_id"]]
        n["source_import_id"] = n["source_import_id"] == record  # this upload's, or made before it
        nominations.append(_without(n, "id", "created_at", "updated_at"))
    nomination_history = []
    for h in Nomination.history.model.objects.order_by("history_id").values():
        h["person_id"] = by_person[h["person_id"]]
        h["source_import_id"] = h["source_import_id"] == record
        nomination_history.append(_without(h, "id", "history_id", "history_date", "created_at", "updated_at"))
    events = []
    for e in NominationEvent.objects.values():
        e["nomination_id"] = nomination_of[e["nomination_id"]]
        e["details"] = _without(e["details"], "import")
        events.append(_without(e, "id", "recorded_at"))
    events.sort(key=lambda e: e["nomination_id"])
    nomination_history.sort(key=lambda h: (h["person_id"], h["history_type"]))
    return {
        "people": people,
        "people_history": history,
        "nominations": nominations,
        "nominations_history": nomination_history,
        "events": events,
    }


def saved_with(monkeypatch, copy: bool, data: bytes, union, user) -> dict:
    monkeypatch.setattr(writing, "uses_copy", lambda: copy)
    try:
        with transaction.atomic():
            result = run(data, union, user=user)
            assert result.ok, result.problems
            assert len(result.saved) == 4
            snap = snapshot()
            raise _Rollback
    except _Rollback:
        pass
    return snap


@needs_postgres
@pytest.mark.django_db
def test_copy_writes_exactly_what_bulk_create_wrote(monkeypatch, union_a, union_b, staff):
    earlier = factories.make_nomination(union_b, year=2020, citizen_id=citizen_id(), ethnicity="Tày")
    Nomination.objects.filter(pk=earlier.pk).update(status=Status.WITHDRAWN)
    lookalike = factories.make_nomination(union_b, year=2021, citizen_id=citizen_id(), full_name="Lê Thị Giống")
    rows = [
        row(full_name="Đặng Thị Ánh", chair_assessment="Dòng một\nDòng hai\tcó tab \\ và gạch ngược"),
        row(citizen_id=earlier.person.citizen_id, full_name="Tên Mới Đổi", phone="0987654321"),
        row(full_name="Lê Thị Giống", date_of_birth=lookalike.person.date_of_birth.strftime("%d/%m/%Y")),
        row(voluntary_application="", chair_assessment="", note="Ghi chú có “ngoặc kép” và 'nháy'"),
    ]
    data = make_xlsx(rows)
    by_orm = saved_with(monkeypatch, False, data, union_a, staff)
    by_copy = saved_with(monkeypatch, True, data, union_a, staff)
    assert by_copy == by_orm
    # What the comparison stands on: the rows are there, with their history, warnings and text.
    assert len(by_copy["people"]) == 5 and len(by_copy["events"]) == 6  # two made before the upload
    new = [h for h in by_copy["people_history"] if h["history_type"] == "+" and h["history_user_id"] == staff.pk]
    assert len(new) == 3  # the updated person's history row is "~"
    assert any(n["warnings"] for n in by_copy["nominations"])
    assert any("có tab \\ và gạch ngược" in n["chair_assessment"] for n in by_copy["nominations"])


@needs_postgres
@pytest.mark.django_db
def test_copied_history_is_dated_and_signed_like_the_rows(union_a, chair_a):
    run(make_xlsx([row(), row()]), union_a, user=chair_a)
    for person in Person.objects.all():
        history = person.history.get()
        assert (history.history_type, history.history_user, history.history_change_reason) == ("+", chair_a, None)
        assert history.history_date == person.created_at == person.updated_at
        assert history.full_name == person.full_name and history.citizen_id == person.citizen_id
        nomination = person.nominations.get()
        assert nomination.history.get().history_date == nomination.created_at
        assert nomination.search_folded and nomination.sort_name == person.full_name
    assert [e.recorded_by for e in NominationEvent.objects.all()] == [chair_a, chair_a]


@pytest.mark.django_db
def test_a_bad_last_row_is_named_and_nothing_is_written(union_a, staff):
    rows = [row() for _ in range(30)] + [row(date_of_birth="31/02/1995")]
    result = run(make_xlsx(rows), union_a, user=staff)
    assert not result.ok
    assert [(p.row, p.column) for p in result.errors] == [(32, "Ngày sinh")]
    assert not Person.objects.exists() and not Nomination.objects.exists()
    assert not Person.history.model.objects.exists() and not NominationImport.objects.exists()


@pytest.mark.django_db
def test_a_last_row_refused_by_the_database_rolls_back_every_table(union_a, union_b, staff, monkeypatch):
    taken = factories.make_nomination(union_b, year=2021, citizen_id=citizen_id())
    before = (Person.history.model.objects.count(), Nomination.history.model.objects.count())
    monkeypatch.setattr(imports.judging, "database_findings", lambda *args: [])  # as if checked a moment earlier
    rows = [row() for _ in range(5)] + [row(citizen_id=taken.person.citizen_id)]
    result = run(make_xlsx(rows), union_a, user=staff)
    assert not result.ok and result.saved == []
    assert "trùng số CCCD" in result.file_problems[0]
    assert Person.objects.count() == 1 and Nomination.objects.count() == 1
    assert NominationEvent.objects.filter(nomination__union=union_a).count() == 0
    assert (Person.history.model.objects.count(), Nomination.history.model.objects.count()) == before
    assert not NominationImport.objects.exists()


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_uploads_at_once_with_the_same_citizen_id_save_one_person(union_a, union_b, staff):
    """The second upload judged the ID free (the first had not committed), then the constraint decides."""
    shared = citizen_id()
    first_file = make_xlsx([row(citizen_id=shared, full_name="Người Tải Trước")])
    second_file = make_xlsx([row(), row(citizen_id=shared, full_name="Người Tải Sau")])
    second_writing = threading.Event()
    outcome = {}
    real_write_rows = writing.write_rows

    def write_rows(model, rows, **kwargs):
        if threading.current_thread().name == "second-upload":
            second_writing.set()  # judged; now its COPY waits for the first upload's transaction
        return real_write_rows(model, rows, **kwargs)

    def second_upload():
        try:
            outcome["result"] = imports.import_file(second_file, union_b, YEAR, user=staff, file_name="b.xlsx")
        except Exception as exc:  # noqa: BLE001 - reported by the assertions below
            outcome["error"] = exc
        finally:
            connections.close_all()

    writing.write_rows = write_rows
    try:
        with transaction.atomic():
            first = imports.import_file(first_file, union_a, YEAR, user=staff, file_name="a.xlsx")
            assert first.ok, first.problems
            second = threading.Thread(target=second_upload, name="second-upload")
            second.start()
            assert second_writing.wait(120), "the second upload never reached its save"
        second.join(120)
    finally:
        writing.write_rows = real_write_rows
    assert "error" not in outcome, outcome.get("error")
    result = outcome["result"]
    assert not result.ok and result.saved == [] and result.record is None
    assert "trùng số CCCD" in result.file_problems[0]
    assert Person.objects.filter(citizen_id=shared).count() == 1
    assert Person.objects.get(citizen_id=shared).full_name == "Người Tải Trước"
    assert Person.objects.count() == 1 and Nomination.objects.count() == 1
    assert NominationImport.objects.count() == 1


@pytest.mark.django_db
def test_five_thousand_rows_within_query_and_memory_bounds(union_a, staff):
    rows = [row(full_name=f"Nguyễn Thị Số {i}") for i in range(imports.MAX_IMPORT_ROWS)]
    data = make_xlsx(rows)
    tracemalloc.start()
    try:
        with CaptureQueriesContext(connection) as queries:
            result = run(data, union_a, user=staff)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.ok, result.problems[:3]
    assert len(result.saved) == 5000 == Nomination.objects.filter(union=union_a).count()
    assert Person.history.model.objects.filter(history_type="+", history_user=staff).count() == 5000
    assert NominationEvent.objects.filter(nomination__union=union_a).count() == 5000
    if connection.vendor == "postgresql":
        assert len(queries) <= QUERY_CEILING_5000, [q["sql"][:80] for q in queries]
        assert sum(q["sql"].startswith("COPY ") for q in queries) == 5
    assert peak / 2**20 <= PEAK_MB_5000, peak / 2**20
    assert result.saved[4999].person.full_name == "Nguyễn Thị Số 4999"
