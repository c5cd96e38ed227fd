"""Fast bulk writing of generated rows: COPY on PostgreSQL, bulk_create elsewhere.

Rows are given by attribute name and written with explicit primary keys, so generated
rows can point at each other without reading anything back. Fields left out take their
model default; `auto_now`/`auto_now_add` fields take the generation time.
"""

from __future__ import annotations

import datetime
import io
import json
from decimal import Decimal

from django.core.management.color import no_style
from django.db import connection, models
from django.utils import timezone


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return value
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return _copy_text(json.dumps(value, ensure_ascii=False))
    if isinstance(value, bytes):
        return "\\\\x" + value.hex()
    raise TypeError(f"Cannot COPY {type(value).__name__}")


class TableWriter:
    """Collects rows of one model and writes them in chunks."""

    def __init__(self, model: type[models.Model], chunk_size: int = 20_000, now: datetime.datetime | None = None):
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.names = [field.attname for field in self.fields]
        self.index = {name: i for i, name in enumerate(self.names)}
        now = now or timezone.now()
        template = []
        for field in self.fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                template.append(now if isinstance(field, models.DateTimeField) else now.date())
            else:
                # The model's default; "" for a text field without one (as Django saves it).
                template.append(field.get_default())
        self.template = template
        self.json_columns = {i for i, f in enumerate(self.fields) if isinstance(f, models.JSONField)}
        self.chunk_size = chunk_size
        self.rows: list[list] = []
        self.count = 0
        self.is_postgres = connection.vendor == "postgresql"

    def add(self, **values) -> None:
        row = list(self.template)
        index = self.index
        for name, value in values.items():
            row[index[name]] = value
        self.rows.append(row)
        if len(self.rows) >= self.chunk_size:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        if self.is_postgres:
            buffer = io.StringIO()
            write = buffer.write
            for row in self.rows:
                write("\t".join(map(_copy_text, row)))
                write("\n")
            buffer.seek(0)
            columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
            table = connection.ops.quote_name(self.model._meta.db_table)
            with connection.cursor() as cursor:
                cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
        else:
            objects = []
            for row in self.rows:
                obj = self.model(**dict(zip(self.names, row, strict=True)))
                objects.append(obj)
            self.model.objects.bulk_create(objects, batch_size=500)
        self.count += len(self.rows)
        self.rows = []


def reset_sequences(model_list) -> None:
    """After writing explicit primary keys, move each table's id sequence past them."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
