"""Load the demo scenario of the 2022 pilot (invented people, demo accounts).

Safe to run repeatedly: rows are found by natural keys and created once, so a second
run changes nothing. `--reset` wipes the whole database first; `--if-empty` loads only
into a database that has no federation yet (what `make run` uses).
"""

from __future__ import annotations

import importlib
import importlib.util

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from unions import demo
from unions.models import Federation


class Command(BaseCommand):
    help = "Nạp dữ liệu trình diễn (thí điểm năm 2022, người và số liệu cá nhân là hư cấu)."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Xóa toàn bộ dữ liệu trước khi nạp.")
        parser.add_argument("--if-empty", action="store_true", help="Chỉ nạp khi cơ sở dữ liệu chưa có liên đoàn nào.")

    def handle(self, *args, reset=False, if_empty=False, **options):
        if if_empty and not reset and Federation.objects.exists():
            self.stdout.write("Cơ sở dữ liệu đã có dữ liệu; bỏ qua.")
            return
        if reset:
            call_command("flush", interactive=False, verbosity=0)
        with transaction.atomic():
            result = demo.seed()
            for hook in demo_hooks():
                hook(result)
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nạp dữ liệu trình diễn: {len(result['unions'])} công đoàn cơ sở. "
                f"Mật khẩu các tài khoản: {demo.DEMO_PASSWORD}"
            )
        )


def demo_hooks():
    """Other apps' demo seeders, in dependency order (each takes the organisation result)."""
    # candidates.demo_tree last: the second district's nominations, the reform of 01/07/2025, 2026.
    names = ("candidates.demo", "classes.demo", "admission.demo", "reports.demo", "candidates.demo_tree")
    return [importlib.import_module(name).seed for name in names if importlib.util.find_spec(name)]
