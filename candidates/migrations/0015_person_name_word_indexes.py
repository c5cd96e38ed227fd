# A people search reads, after the names starting with the text, the names whose given name
# (the folded name's last word) starts with one word typed, then the names whose words after
# the family name start with the text, each in the order of what it matched
# (PersonQuerySet.closest_first): expression indexes, an administrator's and a federation's
# for each, on PostgreSQL only (14 or newer for split_part's negative position; SQLite, for
# the demo, ranks in one query and needs none). The expressions are those of
# `given_name_folded` and `after_family_name_folded`: keep them alike.

from django.db import migrations

INDEXES = {
    "cand_person_given_name": "split_part(name_folded, ' ', -1), name_folded, id",
    "cand_person_fed_given_name": "federation_id, split_part(name_folded, ' ', -1), name_folded, id",
    "cand_person_after_family": "substr(name_folded, strpos(name_folded, ' ') + 1), name_folded, id",
    "cand_person_fed_after_family": "federation_id, substr(name_folded, strpos(name_folded, ' ') + 1), name_folded, id",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, columns in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON candidates_person ({columns})")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("candidates", "0014_person_restricted_processing_index")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
