"""Let scheduled reorganisations take effect on their date (run daily, see docs/operations.md).

    python manage.py complete_reorganisations                  # those whose date is today or past
    python manage.py complete_reorganisations --date 2025-07-01
    python manage.py complete_reorganisations --dry-run

A reorganisation applied before its date D is scheduled: nothing moves until D. This command
moves the unions (with their enterprises, chairs, people and the nominations dated from D) of
every scheduled reorganisation whose D has come, each in its own transaction, and retires the
ended organisation on D. Running it twice, or twice at once, is harmless: a completed one is
no longer scheduled. One that cannot be completed (a union moved elsewhere meanwhile) stays
scheduled with the reason on its page; the command then exits with status 1.

Area merges (`AreaMerge`) recorded before their date wait the same way and are carried out
by the same run.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from unions import reorganisations
from unions.models import AreaMerge, Reorganisation


class Command(BaseCommand):
    help = "Thực hiện các việc sắp xếp tổ chức đã duyệt khi đến ngày hiệu lực."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Coi hôm nay là ngày này (YYYY-MM-DD); mặc định: hôm nay.")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ liệt kê, không thay đổi dữ liệu.")

    def handle(self, *args, date=None, dry_run=False, verbosity=1, **options):
        try:
            on = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--date phải có dạng YYYY-MM-DD, không phải {date!r}.") from exc
        if dry_run:
            due = Reorganisation.objects.filter(state=Reorganisation.State.SCHEDULED, effective_on__lte=on)
            merges = AreaMerge.objects.filter(completed_at__isnull=True, effective_on__lte=on)
            for record in [*due.order_by("effective_on", "pk"), *merges.order_by("effective_on", "pk")]:
                self.stdout.write(f"Sẽ thực hiện: {record} (#{record.pk})")
            count = due.count() + merges.count()
            self.stdout.write(f"{count} việc đến ngày hiệu lực ({on:%d/%m/%Y}); chưa thay đổi gì.")
            return
        results = reorganisations.complete_due(on)
        failed = [r for r in results if r.error]
        for result in results:
            if result.error:
                self.stderr.write(f"Chưa thực hiện được {result.record} (#{result.record.pk}): {result.error}")
            elif verbosity >= 1:
                self.stdout.write(f"Đã thực hiện: {result.record} (#{result.record.pk})")
        if verbosity >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{len(results) - len(failed)} việc sắp xếp, sáp nhập đã có hiệu lực ({on:%d/%m/%Y})."
                )
            )
        if failed:
            raise CommandError(f"{len(failed)} việc chưa thực hiện được.", returncode=1)
