"""The dashboard's figures, kept for a short time per user and scope, and never older than the data.

Computing the dashboard means a dozen grouped queries over the year's nominations, classes,
payments and quotas and the legal clocks of up to 2,000 people after the introduction: most of
a request's time at the size of a city or the nation. The figures are kept in Django's cache
(`CACHES`, per process by default) for `DASHBOARD_CACHE_SECONDS`, under a key made of
everything they depend on: the user, their role, federation and union, the federation opened
(`?federation=`), the year, today's date, the language, and the **data version**.

The data version is a change counter kept by the database itself: on PostgreSQL every
statement that writes to a table the figures come from (any table of the five apps but the
access log and the history copies) adds one to it in the same transaction, through a
statement trigger (`install_counter`, run after every `migrate`, so new tables are covered).
The count becomes visible together with the rows written, in every process at once: a user's
own write is always in the figures of their next page, and a page never keeps figures read
before a write it can see. Bulk writes, `update()`, the upload's COPY-free batches, restores and
reorganisations count like any other, since the trigger sees statements, not Django's signals.
`TRUNCATE` (`manage.py flush`, the tests' demo copy) is not counted: it empties the counter too.

Each database connection counts in its own row (keyed by the server process), so two writers
never wait for each other on the counter; rows of connections that have ended are folded into
row 0 by the next new writer (sum unchanged), so the table stays as small as the pool. Other
databases (SQLite, a developer's `make run`) have no counter: the figures are computed every time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.utils import timezone, translation

TABLE = "reports_figures_version"
FUNCTION = "reports_figures_bump"
TRIGGER = "reports_figures_version_bump"
# The apps whose tables the figures are read from.
COUNTED_APPS = ("unions", "candidates", "classes", "admission", "reports")
# Written on reading pages (who saw whom), or copies written with their row: not figures.
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


def cache_seconds() -> int:
    return max(0, int(getattr(settings, "DASHBOARD_CACHE_SECONDS", 60)))


def dashboard_key(user, scope_key: str, year: int, version: int) -> str:
    profile = getattr(user, "profile", None)
    parts = [
        "dashboard",
        f"u{user.pk}",
        f"r{getattr(profile, 'role', '') or ('admin' if user.is_superuser else '')}",
        f"f{getattr(profile, 'federation_id', '') or ''}",
        f"c{getattr(profile, 'union_id', '') or ''}",
        f"s{scope_key}",
        f"y{year}",
        f"d{timezone.localdate().isoformat()}",
        f"l{translation.get_language() or ''}",
        f"v{version}",
    ]
    return ":".join(parts)


def cached_figures(user, scope_key: str, year: int, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """`compute()`'s figures, from the cache when nothing was written since they were computed.

    The version is read before computing: figures computed while a write commits are kept
    under the older version, which no later page asks for."""
    seconds = cache_seconds()
    version = data_version() if seconds else None
    if version is None:
        return compute()
    key = dashboard_key(user, scope_key, year, version)
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, seconds)
    return found
