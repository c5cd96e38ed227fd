"""The next ID of every table, read for a backup and set again by a restore.

Resetting a sequence to "highest ID + 1" is not enough: the ID of a deleted row lives on
in its audit history (and in the admin's log, the access log), and a new row must never
take it over. So the backup keeps where each sequence stands, and the restore sets it
back there (or past the highest ID, should that ever be further). PostgreSQL keeps this
in its sequences, SQLite in `sqlite_sequence`; other databases are left to `loaddata`.
"""

from __future__ import annotations

from django.db import connection


def _tables() -> set[str]:
    # The models' tables (and their many-to-many tables): not django_migrations, which is
    # migrate's own record.
    return set(connection.introspection.django_table_names(only_existing=True, include_views=False))


def _postgresql_sequences(cursor) -> dict[str, tuple[str, str]]:
    """table -> (column, sequence) for every column fed by a sequence (serial or identity)."""
    cursor.execute(
        """
        SELECT table_name, column_name, sequence FROM (
            SELECT table_name, column_name,
                   pg_get_serial_sequence(quote_ident(table_schema) || '.' || quote_ident(table_name), column_name)
                   AS sequence
            FROM information_schema.columns
            WHERE table_schema = current_schema()
        ) AS fed WHERE sequence IS NOT NULL
        """
    )
    tables = _tables()
    return {table: (column, sequence) for table, column, sequence in cursor.fetchall() if table in tables}


def next_ids() -> dict[str, int]:
    """table -> the ID its next new row would get, for the tables that have used IDs."""
    found: dict[str, int] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table, (_column, sequence) in _postgresql_sequences(cursor).items():
                cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
                last, called = cursor.fetchone()
                found[table] = last + 1 if called else last
        elif connection.vendor == "sqlite":
            tables = _tables()
            cursor.execute("SELECT name, seq FROM sqlite_sequence")
            found = {name: seq + 1 for name, seq in cursor.fetchall() if name in tables}
    return {table: value for table, value in sorted(found.items()) if value > 1}


def continue_after(wanted: dict[str, int]) -> None:
    """Make each table's next ID the one in `wanted`, or the one after its highest ID if that is more."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sequences = _postgresql_sequences(cursor)
            for table, value in wanted.items():
                if table not in sequences:
                    continue  # a table this version of the application no longer has
                column, sequence = sequences[table]
                highest = f"COALESCE(MAX({quote(column)}), 0)"
                cursor.execute(
                    f"SELECT setval(%s, GREATEST(%s, {highest} + 1), false) FROM {quote(table)}", [sequence, int(value)]
                )
        elif connection.vendor == "sqlite":
            tables = _tables()
            for table, value in wanted.items():
                if table not in tables:
                    continue
                column = connection.introspection.get_primary_key_column(cursor, table)
                cursor.execute(f"SELECT COALESCE(MAX({quote(column)}), 0) FROM {quote(table)}")
                highest = max(int(value) - 1, cursor.fetchone()[0])
                cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [highest, table])
                if cursor.rowcount == 0:
                    cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, highest])
