"""What pages may keep between requests: computed once, kept until the data changes.

A list's page count, a filter's choices in the user's scope and the dashboard's figures are
the same on every request until someone writes. They are kept in Django's cache (`CACHES`,
each process's memory by default) under a key that holds the **data version**, so they are
never older than the data a page can see.

The data version is a change counter kept by the database itself: on PostgreSQL every
statement that writes to a table kept answers come from (any table of the five apps but the
access log and the history copies) adds one to it in the same transaction, through a
statement trigger (`install_counter`, run after every `migrate`, so new tables are covered).
The count becomes visible together with the rows written, in every process at once: a user's
own write is always in their next page, and a page never keeps an answer read before a
write it can see. Bulk writes, `update()`, the upload's COPY (it fires the statement
triggers of INSERT), restores and
reorganisations count like any other, since the trigger sees statements, not Django's signals.
`TRUNCATE` (`manage.py flush`, the tests' demo copy) is not counted: it empties the counter too.

Each database connection counts in its own row (keyed by the server process), so two writers
never wait for each other on the counter; rows of connections that have ended are folded into
row 0 by the next new writer (sum unchanged), so the table stays as small as the pool. Other
databases (SQLite, a developer's `make run`) have no counter: everything is computed every time.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections

# The table keeps its first name (databases in use have it): it was the dashboard's counter.
TABLE = "reports_figures_version"
FUNCTION = "reports_figures_bump"
TRIGGER = "reports_figures_version_bump"
# The apps whose tables kept answers are read from.
COUNTED_APPS = ("unions", "candidates", "classes", "admission", "reports")
# Written on reading pages (who saw whom): not data that kept answers come from.
NOT_COUNTED = {"unions.accesslog"}

_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE {TABLE} SET writes = writes + 1 WHERE backend = pg_backend_pid();
  IF NOT FOUND THEN
    -- No other connection has this server process: no one else inserts this key meanwhile.
    INSERT INTO {TABLE} (backend, writes) VALUES (pg_backend_pid(), 1);
    -- A new connection's first write folds row 0 and the rows of connections that have ended
    -- into one row 0 (the sum, the version, is unchanged); one folder at a time (the others
    -- skip it), so no one waits for it.
    IF pg_try_advisory_xact_lock(hashtext('{TABLE}')) THEN
      WITH gone AS (
        DELETE FROM {TABLE}
        WHERE backend <> pg_backend_pid()
          AND (backend = 0 OR backend NOT IN (SELECT pid FROM pg_stat_activity WHERE pid IS NOT NULL))
        RETURNING writes
      )
      INSERT INTO {TABLE} (backend, writes) SELECT 0, COALESCE(SUM(writes), 0) FROM gone;
    END IF;
  END IF;
  RETURN NULL;
END
$$;
"""


def counted_tables() -> list[str]:
    """The tables whose writes change the data version."""
    tables = []
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label not in COUNTED_APPS or meta.label_lower in NOT_COUNTED:
            continue
        if not meta.managed or meta.proxy or meta.object_name.startswith("Historical"):
            continue
        tables.append(meta.db_table)
    return sorted(set(tables))


def install_counter(using: str = "default") -> None:
    """Create the counter, its function and a trigger on every counted table (idempotent)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        # No unique key: a copy of the table loaded back (the tests' demo, a restore) may repeat one.
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (backend integer NOT NULL, writes bigint NOT NULL)")
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_backend ON {TABLE} (backend)")
        cursor.execute(f"INSERT INTO {TABLE} (backend, writes) SELECT 0, 0 WHERE NOT EXISTS (SELECT FROM {TABLE})")
        cursor.execute(_FUNCTION_SQL)  # the triggers call it by name: replacing it updates them all
        cursor.execute("SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = %s", [TRIGGER])
        triggered = {name.strip('"') for (name,) in cursor.fetchall()}
        for table in counted_tables():
            if table not in existing or table in triggered:
                continue  # a trigger is only added where missing: no table is locked for nothing
            quoted = connection.ops.quote_name(table)
            cursor.execute(
                f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE ON {quoted} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
            )


def installed(sender=None, using: str = "default", **kwargs) -> None:
    """`post_migrate`: (re)install the counter once the schema is there."""
    install_counter(using)


def data_version(using: str = "default") -> int | None:
    """The number of writes to the counted tables, as this connection sees them (None: no counter)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(SUM(writes), 0) FROM {TABLE}")
        return int(cursor.fetchone()[0])


def request_version(request) -> int | None:
    """The data version for a reading request, read once per request (None: no counter).

    Only GET and HEAD keep it: a request that writes must read the version after its write."""
    if request is None or request.method not in ("GET", "HEAD"):
        return data_version()
    if not hasattr(request, "_kept_data_version"):
        request._kept_data_version = data_version()
    return request._kept_data_version


def list_seconds() -> int:
    return max(0, int(getattr(settings, "LIST_CACHE_SECONDS", 300)))


def kept(
    kind: str, key: str, version: int | None, compute: Callable[[], Any], seconds: int | None = None, hold=True
) -> Any:
    """`compute()`, from the cache when it was computed at this data version.

    `key` must hold everything the answer depends on besides the data (the SQL and its
    parameters hold the user's scope); it is hashed, so it may be long. Kept `seconds` at most
    (`LIST_CACHE_SECONDS` unless given); without a counter (`version` None) or with 0 seconds,
    computed every time. `hold` keeps the answer in this process as it is too: only for
    answers no reader changes."""
    seconds = list_seconds() if seconds is None else seconds
    if version is None or not seconds:
        return compute()
    digest = hashlib.sha256(key.encode()).hexdigest()
    cache_key = f"kept:{kind}:{digest}:v{version}"
    found = _recent.get(cache_key) if hold else None
    if found is not None and found[0] > time.monotonic():
        return found[1]
    found = cache.get(cache_key)
    if found is None:
        found = compute()
        cache.set(cache_key, found, seconds)
    if hold:
        _remember(cache_key, found, seconds)
    return found


# The latest answers also held as they are in this process: the cache hands back a copy
# (a thousand communes unpickled on every page); answers are never changed by their readers.
_recent: OrderedDict[str, tuple[float, Any]] = OrderedDict()
_RECENT_MAX = 256
_recent_lock = threading.Lock()


def _remember(cache_key: str, value: Any, seconds: int) -> None:
    with _recent_lock:
        _recent[cache_key] = (time.monotonic() + seconds, value)
        _recent.move_to_end(cache_key)
        while len(_recent) > _RECENT_MAX:
            _recent.popitem(last=False)


def forget_recent() -> None:
    """Drop the answers held in this process (the tests do, with `cache.clear()`)."""
    with _recent_lock:
        _recent.clear()


def query_key(queryset) -> str | None:
    """The SQL and parameters of a queryset: what its answer depends on besides the data
    (None: a queryset that can match nothing, e.g. `none()`, has no SQL)."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return None
    return f"{queryset.db}|{sql}|{params!r}"


def kept_query(kind: str, queryset, version: int | None, compute: Callable[[], Any]) -> Any:
    """`compute()` of a queryset's rows, kept until the next write under the queryset's SQL."""
    key = query_key(queryset)
    return compute() if key is None else kept(kind, key, version, compute)


def kept_count(queryset, version: int | None) -> int:
    """`queryset.count()`, kept until the next write."""
    return kept_query("count", queryset.order_by(), version, queryset.count)
