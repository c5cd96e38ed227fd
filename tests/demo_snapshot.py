"""The demo scenario, seeded once per test session and copied into every test that asks for it.

`seed_demo` runs the whole Python path (rules, history, hashing) and takes seconds; dozens of
tests start from its result. At the start of the session each worker seeds its own fresh
test database once, copies every table out with PostgreSQL's COPY, and rolls the seeding back.
A test that asks for the demo gets exactly that state back: every table emptied, the copy
loaded, the sequences moved past the loaded ids. On SQLite (a developer's quick run) the
demo is simply seeded again.

`tests/test_seed_demo.py` runs the command itself; this is only a faster way to the same rows.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import override_settings

from tienlang.lib import kept

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Snapshot:
    tables: list[str] = field(default_factory=list)
    rows: dict[str, bytes] = field(default_factory=dict)


_snapshot: Snapshot | None = None


def _quoted(table: str) -> str:
    return connection.ops.quote_name(table)


def _tables() -> list[str]:
    return sorted(t for t in connection.introspection.table_names() if t != "django_migrations")


def take() -> None:
    """Seed the demo in this worker's fresh database, copy every table out, roll it back."""
    global _snapshot
    if connection.vendor != "postgresql":
        return
    snapshot = Snapshot(tables=_tables())
    with override_settings(PASSWORD_HASHERS=FAST_HASHER), transaction.atomic():
        call_command("seed_demo", verbosity=0)
        with connection.cursor() as cursor:
            for table in snapshot.tables:
                buffer = io.BytesIO()
                cursor.copy_expert(f"COPY {_quoted(table)} TO STDOUT", buffer)
                snapshot.rows[table] = buffer.getvalue()
        transaction.set_rollback(True)
    cache.clear()
    kept.forget_recent()
    _snapshot = snapshot


def load() -> None:
    """Make the database hold exactly the demo scenario (in the test's transaction, if it has one)."""
    if _snapshot is None:
        with override_settings(PASSWORD_HASHERS=FAST_HASHER):
            call_command("seed_demo", verbosity=0)
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE " + ", ".join(map(_quoted, _snapshot.tables)) + " CASCADE")
        for table in _snapshot.tables:
            if _snapshot.rows[table]:
                cursor.copy_expert(f"COPY {_quoted(table)} FROM STDIN", io.BytesIO(_snapshot.rows[table]))
        for sequence in connection.introspection.sequence_list():
            table, column = _quoted(sequence["table"]), _quoted(sequence["column"])
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(MAX({column}), 0) + 1, false) FROM {table}",
                [table, sequence["column"]],
            )
    # Content types are cached by id, and the ids may differ from before the copy.
    ContentType.objects.clear_cache()
    cache.clear()
    kept.forget_recent()
