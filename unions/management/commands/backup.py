"""Write a full, consistent copy of the data to FILE (JSON; gzip-compressed when FILE ends in .gz).

The copy is taken in one read-only, repeatable-read transaction on PostgreSQL, so it is
consistent even while people keep working. Restore it with `manage.py restore FILE` into
an empty database. For large PostgreSQL installations `pg_dump -Fc` is faster; see
docs/operations.md.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

# Rebuilt by `migrate` on the target, so not copied.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]


class Command(BaseCommand):
    help = "Sao lưu toàn bộ dữ liệu ra tệp (JSON, nén gzip nếu tên tệp kết thúc bằng .gz)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp sao lưu cần ghi, ví dụ backup-2026-11-24.json.gz")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.parent.exists():
            raise CommandError(f"Thư mục không tồn tại: {path.parent}")
        buffer = io.StringIO()
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # One snapshot for every table: rows written meanwhile are either all in or all out.
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            call_command(
                "dumpdata",
                natural_foreign=True,
                exclude=EXCLUDED,
                format="exactjson",
                indent=None,
                stdout=buffer,
                verbosity=0,
            )
        data = buffer.getvalue().encode("utf-8")
        temporary = path.with_name(path.name + ".part")
        if path.suffix == ".gz":
            with gzip.open(temporary, "wb") as handle:
                handle.write(data)
        else:
            temporary.write_bytes(data)
        temporary.replace(path)  # never leave a half-written backup under the real name
        self.stdout.write(self.style.SUCCESS(f"Đã sao lưu vào {path} ({path.stat().st_size:,} byte)."))
