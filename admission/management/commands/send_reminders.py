"""Daily: e-mail each user with an address the steps after the introduction that wait for them.

Idempotent per day: a user who got today's reminder is not sent another (`ReminderSent`). Run it
from cron or a systemd timer once a day; `--dry-run` prints what would be sent.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.db import IntegrityError, transaction
from django.utils import timezone

from admission.due import due_for
from admission.models import ReminderSent


class Command(BaseCommand):
    help = "Gửi thư nhắc việc hằng ngày (hồ sơ kết nạp còn thiếu, thời hạn sắp hết, xét chính thức)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Chỉ in ra, không gửi.")

    def handle(self, *args, dry_run=False, **options):
        today = timezone.localdate()
        sent = 0
        users = get_user_model().objects.filter(is_active=True).exclude(email="").select_related("profile")
        for user in users.order_by("username"):
            if ReminderSent.objects.filter(user=user, day=today).exists():
                continue
            items = due_for(user, today)
            if not items:
                continue
            lines = [
                f"- {item.nomination.person.full_name}: {item.what}"
                + (f" (hạn {item.due_on:%d/%m/%Y})" if item.due_on else "")
                for item in items
            ]
            if dry_run:
                self.stdout.write(f"{user.username}: {len(items)} việc")
                continue
            try:
                with transaction.atomic():
                    ReminderSent.objects.create(user=user, day=today, items=len(items))
                    send_mail(
                        f"Việc cần làm ngày {today:%d/%m/%Y}: {len(items)} việc",
                        "Các việc sau đang chờ anh/chị:\n" + "\n".join(lines),
                        None,
                        [user.email],
                    )
            except IntegrityError:
                continue  # another run sent today's reminder first
            sent += 1
        if options.get("verbosity", 1):
            self.stdout.write(self.style.SUCCESS(f"Đã gửi {sent} thư nhắc việc."))
