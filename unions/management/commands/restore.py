"""Restore a copy written by `manage.py backup FILE` into an empty database.

Applies the migrations first, refuses a database that already holds data (so nothing is
mixed or overwritten; the rows `migrate` itself writes into a new database — content types,
permissions, the eligibility rules — do not count and are replaced by the backup's, IDs
included), loads everything in one transaction and sets every ID sequence where it stood
when the backup was taken. Works on PostgreSQL and SQLite alike, and still reads the older
backups that were a bare list of rows.
"""

from __future__ import annotations

import gzip
import json
import tempfile
from pathlib import Path

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from tienlang.lib import sequences

from .backup import FORMAT, VERSION

CHECKED_APPS = {"unions", "candidates", "classes", "admission", "reports", "auth"}
# Rows that `migrate` itself writes into a new database (post-migrate signals and data
# migrations): they do not make it "hold data", and the backup's own copy replaces them, so
# the IDs that other rows (group permissions, the admin's log) refer to stay those of the
# backup. Permissions before their content types.
SEEDED_BY_MIGRATIONS = (
    "auth.Permission",
    "contenttypes.ContentType",
    "candidates.EligibilityRule",
    "admission.AdmissionRule",
    "admission.DossierItemType",
)


def _read(raw: bytes) -> tuple[list, dict[str, int]]:
    """The rows and the next IDs of a backup file; a bare list of rows is an older backup."""
    content = json.loads(raw)
    if isinstance(content, list):
        return content, {}
    if not isinstance(content, dict) or content.get("format") != FORMAT or not isinstance(content.get("objects"), list):
        raise ValueError("không phải tệp sao lưu")
    if not isinstance(content.get("version"), int) or content["version"] > VERSION:
        raise ValueError(f"phiên bản tệp {content.get('version')!r} mới hơn phiên bản phần mềm đọc được")
    next_ids = content.get("sequences") or {}
    if not isinstance(next_ids, dict) or not all(isinstance(v, int) for v in next_ids.values()):
        raise ValueError("phần số thứ tự không hợp lệ")
    return content["objects"], next_ids


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
            objects, next_ids = _read(raw)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Tệp sao lưu hỏng hoặc không đúng định dạng: {exc}") from exc
        del raw
        call_command("migrate", interactive=False, verbosity=0)
        busy = [
            model._meta.label
            for model in apps.get_models()
            if model._meta.app_label in CHECKED_APPS
            and model._meta.label not in SEEDED_BY_MIGRATIONS
            and model.objects.exists()
        ]
        if busy:
            raise CommandError(
                "Cơ sở dữ liệu đã có dữ liệu (" + ", ".join(busy[:5]) + "): chỉ khôi phục vào cơ sở dữ liệu trống."
            )
        in_backup = {item.get("model") for item in objects if isinstance(item, dict)}
        with tempfile.TemporaryDirectory(prefix="tienlang-restore-") as folder, transaction.atomic():
            for label in SEEDED_BY_MIGRATIONS:
                if label.lower() in in_backup:
                    # Plain SQL, not QuerySet.delete(): the delete signals would write a "deleted"
                    # history row for each, dated now, into history the backup already holds.
                    table = connection.ops.quote_name(apps.get_model(label)._meta.db_table)
                    with connection.cursor() as cursor:
                        cursor.execute(f"DELETE FROM {table}")
            # The content types just deleted are still cached, by natural key, with the IDs migrate
            # gave them: forget them, so the rows below refer to the backup's own.
            ContentType.objects.clear_cache()
            # Only the rows go to loaddata (the folder is the user's own: the rows are personal data).
            fixture = Path(folder) / "backup.json"
            fixture.write_text(json.dumps(objects, ensure_ascii=False), encoding="utf-8")
            call_command("loaddata", str(fixture), verbosity=0)
            ContentType.objects.clear_cache()
            sequences.continue_after(next_ids)
            # Models this version has and the backup's does not: their content types and
            # permissions, with IDs after the restored ones.
            for app_config in apps.get_app_configs():
                create_contenttypes(app_config, verbosity=0, using=connection.alias)
                create_permissions(app_config, verbosity=0, using=connection.alias)
        self.stdout.write(self.style.SUCCESS(f"Đã khôi phục {len(objects):,} bản ghi từ {path}."))
