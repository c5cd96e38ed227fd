"""Import a nomination upload file for one union: the same import as the web upload.

    python manage.py import_nominations FILE --union CODE [--year YYYY] [--dry-run]

Exit status 0 when every row was saved (or, with --dry-run, would be); 1 when nothing was
saved: a bad row (each problem printed as `row N, column "HEADER": message`, N being the
row number Excel shows), a file that cannot be read, or an unknown union. The command acts
as the system: no user scope applies and the import is recorded without an uploader.
"""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from candidates import imports
from tienlang.lib.xlsx import MAX_UPLOAD_BYTES, CellError, UploadError
from unions.models import GrassrootsUnion


class Command(BaseCommand):
    help = (
        "Nhập danh sách đoàn viên giới thiệu học lớp nhận thức về Đảng từ tệp Excel cho một công đoàn cơ sở "
        "(giống tải lên trên web): lưu tất cả hoặc không lưu dòng nào."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp .xlsx theo mẫu tải lên.")
        parser.add_argument("--union", required=True, help="Mã công đoàn cơ sở, ví dụ CD-M2.")
        parser.add_argument("--year", type=int, help="Năm giới thiệu (mặc định: năm nay).")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra và báo cáo, không lưu.")

    def handle(self, *args, file, union, year=None, dry_run=False, **options):
        this_year = timezone.localdate().year
        year = year or this_year
        if not 2000 <= year <= this_year + 1:
            raise CommandError(_("Năm %(y)s không hợp lệ (từ 2000 đến %(max)s).") % {"y": year, "max": this_year + 1})
        target = self.find_union(union)
        data = self.read_file(file)

        try:
            result = imports.import_file(
                data, target, year, file_name=os.path.basename(file), dry_run=dry_run, user=None
            )
        except CellError as exc:
            self.stdout.write(str(imports.Problem(exc.row, imports.HEADERS.get(exc.key, exc.header), exc.reason)))
            raise CommandError(_("Không lưu hồ sơ nào: tệp có ô không đọc được.")) from exc
        except UploadError as exc:
            raise CommandError(_("Tệp “%(f)s”: %(e)s") % {"f": os.path.basename(file), "e": exc}) from exc

        self.report(result)
        warned = result.rows_with_warnings
        note = _(" %(n)s hồ sơ có cảnh báo, đã đánh dấu để cán bộ xem xét.") % {"n": warned} if warned else ""
        if dry_run:
            message = _("Kiểm tra xong: %(n)s hồ sơ hợp lệ, chưa lưu (--dry-run).%(note)s")
            self.stdout.write(self.style.SUCCESS(message % {"n": len(result.rows), "note": note}))
            return
        self.stdout.write(self.style.SUCCESS(_("Đã lưu %(n)s hồ sơ.") % {"n": len(result.saved)}))
        details = _("Công đoàn cơ sở %(code)s, năm %(y)s, tệp SHA-256 %(sha)s.")
        self.stdout.write(details % {"code": target.code, "y": year, "sha": result.sha256} + note)

    @staticmethod
    def find_union(code: str) -> GrassrootsUnion:
        unions = GrassrootsUnion.objects.select_related("federation")
        target = unions.filter(code=code.strip()).first() or unions.filter(code__iexact=code.strip()).first()
        if target is None:
            raise CommandError(_("Không có công đoàn cơ sở mã “%(code)s”.") % {"code": code})
        return target

    @staticmethod
    def read_file(file: str) -> bytes:
        try:
            with open(file, "rb") as handle:
                return handle.read(MAX_UPLOAD_BYTES + 1)
        except OSError as exc:
            message = _("Không mở được tệp “%(f)s”: %(e)s.") % {"f": file, "e": exc.strerror or exc}
            raise CommandError(message) from exc

    def report(self, result) -> None:
        """Every problem, one a line; a file with errors saves nothing."""
        for problem in result.errors:
            self.stdout.write(str(problem))
        for message in result.file_problems:
            self.stdout.write(message)
        for problem in result.warnings:
            self.stdout.write(f"{problem} ({_('cảnh báo')})")
        if not result.ok:
            if result.rows_with_errors:
                message = _("Không lưu hồ sơ nào: %(bad)s trong %(n)s dòng có lỗi.") % {
                    "bad": result.rows_with_errors,
                    "n": len(result.rows),
                }
            else:
                message = _("Không lưu hồ sơ nào.")
            raise CommandError(message)
