"""Write a full, consistent copy of the data to FILE (JSON; gzip-compressed when FILE ends in .gz).

The copy is taken in one read-only, repeatable-read transaction on PostgreSQL, so it is
consistent even while people keep working. It holds every table a restore needs, with the
IDs as they are: the records, their audit history, the admin's change log, the content
types and permissions (so every reference to them stays right), and where each ID
sequence stands. Restore it with `manage.py restore FILE` into an empty database. For
large PostgreSQL installations `pg_dump -Fc` is faster; see docs/operations.md.

The file is a JSON object: {"format": "tienlang-backup", "version": 2, "sequences":
{table: next ID}, "objects": [the rows, in Django's fixture format]}.
"""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from tienlang.lib import sequences

FORMAT = "tienlang-backup"
VERSION = 2

# Left out on purpose: a restore leaves these tables empty (docs/operations.md, section 2).
LEFT_OUT = (
    # Sign-ins. A restored copy signs everyone out instead of reviving the sessions (and
    # with them the cookies) of the night of the backup.
    "sessions.Session",
    # Background work. Its files are exports of personal data kept for JOB_KEEP_HOURS only,
    # and a restored queued or running job would be run again. An upload waiting to be
    # saved is kept (candidates.NominationImport): it is saved again from its preview page.
    "jobs.Job",
    # Sign-in lockout counters: they expire after AXES_COOLOFF_TIME. The log of sign-ins
    # and failed sign-ins (axes.AccessLog, axes.AccessFailureLog) is kept.
    "axes.AccessAttempt",
    "axes.AccessAttemptExpiration",
)


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
                exclude=list(LEFT_OUT),
                format="exactjson",
                indent=None,
                stdout=buffer,
                verbosity=0,
            )
            # Read after the rows: a sequence only moves forward, so it is at or past every ID copied.
            next_ids = sequences.next_ids()
        header = json.dumps({"format": FORMAT, "version": VERSION, "sequences": next_ids}, sort_keys=True)
        data = (header[:-1] + ', "objects": ' + buffer.getvalue().strip() + "}").encode("utf-8")
        temporary = path.with_name(path.name + ".part")
        if path.suffix == ".gz":
            with gzip.open(temporary, "wb") as handle:
                handle.write(data)
        else:
            temporary.write_bytes(data)
        temporary.replace(path)  # never leave a half-written backup under the real name
        self.stdout.write(self.style.SUCCESS(f"Đã sao lưu vào {path} ({path.stat().st_size:,} byte)."))
