"""Earlier years as a year or a period of years (start and end years as numbers).

Each existing row keeps its year as start and end, except a row whose source names the
period it really covers ("từ năm 2020 đến 03/2022", the demo's row filed under 2021): it
becomes that period, so the multi-year report stops adding it on top of the years it overlaps.
"""

import re

import django.core.validators
from django.db import migrations, models

YEAR_VALIDATORS = [
    django.core.validators.MinValueValidator(2000),
    django.core.validators.MaxValueValidator(2100),
]
# "từ năm 2020 đến 03/2022", "từ 2020 đến năm 2022": only a period the source says the figure
# covers ("từ … đến"), not any two years it mentions.
PERIOD = re.compile(
    r"từ\s+(?:năm\s+)?((?:19|20)\d\d)\s+đến\s+(?:năm\s+)?(?:(?:\d{1,2}/){0,2})((?:19|20)\d\d)",
    re.IGNORECASE,
)


def period_of(year: int, source: str) -> tuple[int, int]:
    """The years a row covers: the period its source names when that period contains its year."""
    for match in PERIOD.finditer(source or ""):
        start, end = int(match.group(1)), int(match.group(2))
        if start < end and start <= year <= end:
            return start, end
    return year, year


def split_years(apps, schema_editor):
    Aggregate = apps.get_model("reports", "YearlyAggregate")
    taken = {(f, y, y) for f, y in Aggregate.objects.values_list("federation_id", "year")}
    for row in Aggregate.objects.order_by("year", "pk"):
        start, end = period_of(row.year, row.source)
        if (row.federation_id, start, end) in taken:
            start = end = row.year  # that period is there already: keep the row's own year
        taken.add((row.federation_id, start, end))
        row.start_year, row.end_year = start, end
        row.save(update_fields=["start_year", "end_year"])


def join_years(apps, schema_editor):
    Aggregate = apps.get_model("reports", "YearlyAggregate")
    seen = set()
    for row in Aggregate.objects.order_by("start_year", "end_year", "pk"):
        # Back to one row per year: a period goes under its last year already in the past
        # (the old demo's 2020 – 03/2022 under 2021) when that year is free.
        year = row.start_year if not row.end_year > row.start_year else row.end_year - 1
        while (row.federation_id, year) in seen:
            year += 1
        seen.add((row.federation_id, year))
        row.year = year
        row.save(update_fields=["year"])


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_historicalfederationtarget_historicalplan_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="yearlyaggregate",
            name="start_year",
            field=models.PositiveSmallIntegerField(null=True, validators=YEAR_VALIDATORS, verbose_name="từ năm"),
        ),
        migrations.AddField(
            model_name="yearlyaggregate",
            name="end_year",
            field=models.PositiveSmallIntegerField(null=True, validators=YEAR_VALIDATORS, verbose_name="đến năm"),
        ),
        migrations.AlterField(
            model_name="yearlyaggregate",
            name="year",
            field=models.PositiveSmallIntegerField(null=True, validators=YEAR_VALIDATORS, verbose_name="năm"),
        ),
        migrations.RemoveConstraint(
            model_name="yearlyaggregate",
            name="reports_yearlyaggregate_one_per_year",
        ),
        migrations.RunPython(split_years, join_years),
        migrations.RemoveField(model_name="yearlyaggregate", name="year"),
        migrations.RemoveField(model_name="historicalyearlyaggregate", name="year"),
        migrations.AlterField(
            model_name="yearlyaggregate",
            name="start_year",
            field=models.PositiveSmallIntegerField(validators=YEAR_VALIDATORS, verbose_name="từ năm"),
        ),
        migrations.AlterField(
            model_name="yearlyaggregate",
            name="end_year",
            field=models.PositiveSmallIntegerField(validators=YEAR_VALIDATORS, verbose_name="đến năm"),
        ),
        migrations.AddField(
            model_name="historicalyearlyaggregate",
            name="start_year",
            field=models.PositiveSmallIntegerField(default=2015, validators=YEAR_VALIDATORS, verbose_name="từ năm"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalyearlyaggregate",
            name="end_year",
            field=models.PositiveSmallIntegerField(default=2015, validators=YEAR_VALIDATORS, verbose_name="đến năm"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="yearlyaggregate",
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False, verbose_name="phiên bản"),
        ),
        migrations.AddField(
            model_name="historicalyearlyaggregate",
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False, verbose_name="phiên bản"),
        ),
        migrations.AlterModelOptions(
            name="yearlyaggregate",
            options={
                "ordering": ["start_year", "end_year"],
                "verbose_name": "số liệu tổng hợp năm trước",
                "verbose_name_plural": "số liệu tổng hợp các năm trước",
            },
        ),
        migrations.AddConstraint(
            model_name="yearlyaggregate",
            constraint=models.CheckConstraint(
                condition=models.Q(("end_year__gte", models.F("start_year"))),
                name="reports_yearlyaggregate_period_order",
                violation_error_message="Năm kết thúc phải sau hoặc bằng năm bắt đầu.",
            ),
        ),
        migrations.AddConstraint(
            model_name="yearlyaggregate",
            constraint=models.UniqueConstraint(
                fields=("federation", "start_year", "end_year"),
                name="reports_yearlyaggregate_one_per_period",
                violation_error_message="Năm (giai đoạn) này đã có số liệu tổng hợp.",
            ),
        ),
    ]
