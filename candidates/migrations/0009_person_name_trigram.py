# People are searched by name first (PersonQuerySet.search): a trigram GIN index on the
# folded name, on PostgreSQL only (SQLite, for the demo, has no such index and needs none).

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS cand_person_name_trgm ON candidates_person USING gin (name_folded gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS cand_person_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("candidates", "0008_version")]

    operations = [migrations.RunPython(create_index, drop_index)]
