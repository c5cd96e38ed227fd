"""Writing an upload's new rows: COPY on PostgreSQL, Django's bulk_create (with history) elsewhere.

An upload of 5,000 rows writes 25,000 rows (people, nominations, their simple-history rows,
the nominations' events). Through `bulk_create` every one of them is a model instance and
every value is prepared one by one by its field; here the rows are plain dicts of column
values (the derived ones computed by the same functions `save()` uses, see `saving`), their
primary keys are taken from the table's own sequence in one query, and each table is
written with one COPY. The history rows are what `bulk_create_with_history` writes: every
tracked field, `history_type` "+", the user, the date and no change reason.

Other databases (SQLite for `make run`) go through `bulk_create_with_history`, which gives
the same rows. Either way the writes run inside the caller's transaction; a constraint that
fails (a citizen ID saved meanwhile by another upload) raises Django's `IntegrityError`.
"""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, models
from django.db.backends.utils import CursorDebugWrapper
from simple_history.utils import bulk_create_with_history, get_history_manager_for_model


def blank_row(model: type[models.Model], now: datetime.datetime) -> dict:
    """A row of `model` holding every field's default, and `now` in its auto_now(_add) fields."""
    row = {}
    for field in model._meta.concrete_fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            row[field.attname] = now
        elif not field.primary_key:
            row[field.attname] = field.get_default()
    return row


def uses_copy() -> bool:
    return connection.vendor == "postgresql"


def write_rows(model: type[models.Model], rows: list[dict], *, history_user=None, now=None) -> list[int]:
    """Insert `rows` (dicts of attname -> value, without the primary key) and return their new keys.

    With `history_user` given or not, a model with simple history also gets its "+" rows.
    """
    if not rows:
        return []
    history = _history_model(model)
    if not uses_copy():
        objects = [model(**row) for row in rows]
        if history is not None:
            bulk_create_with_history(objects, model, batch_size=1000, default_user=history_user, default_date=now)
        else:
            model._default_manager.bulk_create(objects, batch_size=1000)
        return [obj.pk for obj in objects]
    pk = model._meta.pk.attname
    ids = _next_ids(model, len(rows))
    for row, new_id in zip(rows, ids, strict=True):
        row[pk] = new_id
    _copy(model, [f.attname for f in model._meta.concrete_fields], rows)
    if history is not None:
        _copy_history(history, rows, history_user, now)
    return ids


def _history_model(model):
    if not hasattr(model, "history") or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return None
    return get_history_manager_for_model(model).model


def _copy_history(history, rows: list[dict], user, now) -> None:
    """The "+" rows `bulk_history_create` writes: the tracked fields, who, when, no reason."""
    user = user or history.get_default_history_user(history.instance_type())
    extra = {
        "history_date": now,
        "history_change_reason": None,
        "history_type": "+",
        "history_user_id": user.pk if user is not None else None,
    }
    tracked = [field.attname for field in history.tracked_fields]
    names = [f.attname for f in history._meta.concrete_fields if not f.primary_key]
    unknown = set(names) - set(tracked) - set(extra)
    if unknown:
        raise TypeError(f"No value for the history columns {sorted(unknown)}")
    history_rows = ({**extra, **{name: row[name] for name in tracked}} for row in rows)
    _copy(history, names, history_rows)


def _next_ids(model, count: int) -> list[int]:
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, column, count]
        )
        return [value for (value,) in cursor.fetchall()]


def _copy(model, names: list[str], rows: Iterable[dict]) -> None:
    fields = {f.attname: f for f in model._meta.concrete_fields}
    columns = ", ".join(connection.ops.quote_name(fields[name].column) for name in names)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    buffer = io.StringIO()
    write = buffer.write
    for row in rows:
        write("\t".join([_copy_text(row[name]) for name in names]))
        write("\n")
    buffer.seek(0)

    def run(sql, params, many, context):
        raw = context["cursor"].cursor
        with connection.wrap_database_errors:
            if hasattr(raw, "copy_expert"):  # psycopg2
                raw.copy_expert(sql, buffer)
            else:  # psycopg 3
                with raw.copy(sql) as copy:
                    copy.write(buffer.getvalue())

    with connection.cursor() as cursor:
        # Through the cursor's wrappers, so query counters and the debug log see the COPY.
        if isinstance(cursor, CursorDebugWrapper):
            with cursor.debug_sql(sql):
                cursor._execute_with_wrappers(sql, None, False, run)
        else:
            cursor._execute_with_wrappers(sql, None, False, run)


def _copy_text(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return _copy_text(json.dumps(value, ensure_ascii=False))
    raise TypeError(f"Cannot COPY {type(value).__name__}")
