"""The admission rules as the regulations state them (rows, with their legal basis)."""

from django.db import migrations


def load(apps, schema_editor):
    from admission.rules import default_rule_rows

    AdmissionRule = apps.get_model("admission", "AdmissionRule")
    for row in default_rule_rows():
        AdmissionRule.objects.update_or_create(code=row["code"], valid_from=row["valid_from"], defaults=row)


def unload(apps, schema_editor):
    apps.get_model("admission", "AdmissionRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("admission", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
