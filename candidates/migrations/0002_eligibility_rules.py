from django.db import migrations


def load_rules(apps, schema_editor):
    from candidates.eligibility import default_rule_rows

    EligibilityRule = apps.get_model("candidates", "EligibilityRule")
    for row in default_rule_rows():
        EligibilityRule.objects.update_or_create(code=row["code"], valid_from=row["valid_from"], defaults=row)


def unload_rules(apps, schema_editor):
    apps.get_model("candidates", "EligibilityRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("candidates", "0001_initial")]

    operations = [migrations.RunPython(load_rules, unload_rules)]
