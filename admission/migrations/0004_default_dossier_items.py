"""The documents of the admission dossier, as data."""

from django.db import migrations


def load(apps, schema_editor):
    from admission.rules import default_dossier_rows

    DossierItemType = apps.get_model("admission", "DossierItemType")
    for row in default_dossier_rows():
        DossierItemType.objects.update_or_create(code=row["code"], defaults=row)


def unload(apps, schema_editor):
    apps.get_model("admission", "DossierItemType").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("admission", "0003_dossieritemtype_historicaldossieritem_dossieritem")]

    operations = [migrations.RunPython(load, unload)]
