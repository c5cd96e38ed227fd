"""Restore a copy written by `manage.py backup FILE` into an empty database.

Applies the migrations first, refuses a database that already holds data (so nothing is
mixed or overwritten; the rows data migrations write into a new database do not count and
are replaced by the backup's), loads everything in one transaction and resets the ID
sequences. Works on PostgreSQL and SQLite alike.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

CHECKED_APPS = {"unions", "candidates", "classes", "reports", "auth"}
# Rows that `migrate` itself writes into a new database (data migrations): they do not make
# it "hold data", and the backup's own copy replaces them.
SEEDED_BY_MIGRATIONS = {"candidates.EligibilityRule"}


class Command(BaseCommand):
    help = "Khôi phục dữ liệu từ tệp sao lưu vào một cơ sở dữ liệu trống."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp do lệnh backup tạo ra.")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp: {path}")
        try:
            raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
            objects = json.loads(raw)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Tệp sao lưu hỏng hoặc không đúng định dạng: {exc}") from exc
        if not isinstance(objects, list):
            raise CommandError("Tệp sao lưu không đúng định dạng.")
        call_command("migrate", interactive=False, verbosity=0)
        busy = [
            model._meta.label
            for model in apps.get_models()
            # Permissions are recreated by migrate itself, so they do not count as data.
            if model._meta.app_label in CHECKED_APPS
            and model._meta.label != "auth.Permission"
            and model._meta.label not in SEEDED_BY_MIGRATIONS
            and model.objects.exists()
        ]
        if busy:
            raise CommandError(
                "Cơ sở dữ liệu đã có dữ liệu (" + ", ".join(busy[:5]) + "): chỉ khôi phục vào cơ sở dữ liệu trống."
            )
        fixture = path if path.name.endswith((".json", ".json.gz")) else None
        in_backup = {item.get("model") for item in objects if isinstance(item, dict)}
        with transaction.atomic():
            for label in SEEDED_BY_MIGRATIONS:
                if label.lower() in in_backup:
                    # Plain SQL, not QuerySet.delete(): the delete signals would write a "deleted"
                    # history row for each, dated now, into history the backup already holds.
                    table = connection.ops.quote_name(apps.get_model(label)._meta.db_table)
                    with connection.cursor() as cursor:
                        cursor.execute(f"DELETE FROM {table}")
            if fixture is None:
                temporary = path.with_name(path.name + ".json")
                temporary.write_bytes(raw)
                try:
                    call_command("loaddata", str(temporary), verbosity=0)
                finally:
                    temporary.unlink(missing_ok=True)
            else:
                call_command("loaddata", str(fixture), verbosity=0)
        self.stdout.write(self.style.SUCCESS(f"Đã khôi phục {len(objects):,} bản ghi từ {path}."))
