"""Drop the pattern-matching twin of the citizen ID's unique index.

Django adds a `varchar_pattern_ops` index beside every unique text column on PostgreSQL, for
`LIKE 'prefix%'` lookups. Citizen IDs are looked up whole (the unique index) or by digits
anywhere in the number (`LIKE '%…%'`, which no B-tree serves), so the twin only costs every
insert: about a tenth of the people's share of a 5,000-row upload (docs/performance.md).
"""

from django.db import migrations

INDEX = "candidates_person_citizen_id_6a8a3224_like"


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


def restore(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "candidates_person" ("citizen_id" varchar_pattern_ops)'
        )


class Migration(migrations.Migration):
    dependencies = [("candidates", "0012_name_order_indexes")]

    operations = [migrations.RunPython(drop, restore)]
