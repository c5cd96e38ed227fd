"""Anonymise the people whose retention period has ended (run on a schedule, see docs/operations.md).

A person is due when every one of their nominations ended (rejected, not completed or
withdrawn) and nothing happened on any of them for `RETENTION_YEARS_AFTER_END` years
(default 5). People whose processing is restricted, who have an open request, or who were
paid a stipend within `RETENTION_YEARS_AFTER_PAYMENT` years are kept.

Names, citizen IDs, phone numbers, addresses and free-text notes are removed or replaced,
in the live rows and in their change history; sex, year of birth, the ethnic-minority and
religion flags, the in-district flag, statuses and stages stay, so every report's figures
are unchanged. Each person gets an anonymisation log entry naming the fields, never the
values. The command prints person IDs only.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from candidates import privacy


class Command(BaseCommand):
    help = "Ẩn danh hóa dữ liệu của những người đã hết thời hạn lưu trữ (mọi hồ sơ đã kết thúc từ lâu)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Chỉ liệt kê, không thay đổi dữ liệu.")
        parser.add_argument("--today", help="Tính thời hạn như thể hôm nay là ngày này (YYYY-MM-DD), để kiểm tra.")

    def handle(self, *args, dry_run=False, today=None, verbosity=1, **options):
        if today:
            try:
                today = datetime.date.fromisoformat(today)
            except ValueError as exc:
                raise CommandError(f"--today phải có dạng YYYY-MM-DD, không phải {today!r}.") from exc
        ids = list(privacy.expired_people(today).order_by("pk").values_list("pk", flat=True))
        rule = privacy.retention_rule(today)
        cutoff = privacy.retention_cutoff(today).strftime("%d/%m/%Y")
        if verbosity >= 1:
            self.stdout.write(f"{len(ids)} người có mọi hồ sơ kết thúc và không có bước nào từ ngày {cutoff}.")
        if verbosity >= 2 and ids:
            self.stdout.write("Mã đoàn viên: " + ", ".join(f"#{pk}" for pk in ids))
        if dry_run:
            self.stdout.write(self.style.NOTICE("Chạy thử (--dry-run): không thay đổi dữ liệu."))
            return
        done = 0
        for pk in ids:
            # One transaction per person: a failure leaves the others done and this one untouched.
            person = privacy.Person.objects.get(pk=pk)
            privacy.anonymise_person(person, rule=rule)
            done += 1
        self.stdout.write(self.style.SUCCESS(f"Đã ẩn danh hóa {done} người."))
