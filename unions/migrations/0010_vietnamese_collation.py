"""The Vietnamese collation that the name columns use (tienlang/lib/collation.py).

On PostgreSQL it is ICU's Vietnamese (the collation PostgreSQL itself calls ``vi-x-icu``), created
here under the name ``vietnamese`` because SQLite, which gets a collation of that name from Python on
every connection, cannot name one with hyphens in a column definition.
"""

from django.db import migrations


def create_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE COLLATION IF NOT EXISTS vietnamese (provider = icu, locale = 'vi')")


class Migration(migrations.Migration):
    dependencies = [("unions", "0009_version")]

    operations = [migrations.RunPython(create_collation, migrations.RunPython.noop, elidable=False)]
