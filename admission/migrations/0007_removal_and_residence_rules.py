"""The rules for removal from the list and the wait for the residence cell's reply, as rows."""

from django.db import migrations

NEW = ("removal", "residence_reply", "cell_vote", "official")


def load(apps, schema_editor):
    from admission.rules import default_rule_rows

    AdmissionRule = apps.get_model("admission", "AdmissionRule")
    for row in default_rule_rows():
        if row["code"] in NEW:
            AdmissionRule.objects.update_or_create(code=row["code"], valid_from=row["valid_from"], defaults=row)


def unload(apps, schema_editor):
    apps.get_model("admission", "AdmissionRule").objects.filter(code__in=NEW[:3]).delete()


class Migration(migrations.Migration):
    dependencies = [("admission", "0006_residence_comment_requests")]

    operations = [migrations.RunPython(load, unload)]
