"""Write one of the report centre's Excel reports to a file (the same builder as the web)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.exports import KINDS, build_report
from reports.queries import Scope, default_federation
from unions.models import Federation


class Command(BaseCommand):
    help = "Xuất báo cáo Excel: quota, roster, stipends, introductions, coverage, history."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS, help="Loại báo cáo.")
        parser.add_argument("--year", type=int, required=True, help="Năm báo cáo (YYYY).")
        parser.add_argument("--output", required=True, help="Tệp .xlsx cần ghi.")
        parser.add_argument(
            "--federation", help="Mã số (id) hoặc tên liên đoàn; mặc định là liên đoàn đang quản lý công đoàn cơ sở."
        )

    def handle(self, *args, kind, year, output, federation=None, **options):
        if not 2000 <= year <= 2100:
            raise CommandError(f"Năm không hợp lệ: {year}")
        chosen = self._federation(federation)
        if chosen is None:
            raise CommandError("Chưa có liên đoàn nào trong cơ sở dữ liệu.")
        data = build_report(kind, Scope(user=None, federation=chosen), year)
        path = Path(output)
        if path.parent and not path.parent.exists():
            raise CommandError(f"Thư mục không tồn tại: {path.parent}")
        path.write_bytes(data)
        self.stdout.write(self.style.SUCCESS(f"Đã ghi báo cáo {kind} năm {year} vào {path} ({len(data):,} byte)."))

    def _federation(self, value):
        if not value:
            return default_federation()
        found = Federation.objects.filter(pk=int(value)).first() if value.isdigit() else None
        found = found or Federation.objects.filter(name__iexact=value).first()
        if found is None:
            raise CommandError(f"Không tìm thấy liên đoàn: {value}")
        return found
