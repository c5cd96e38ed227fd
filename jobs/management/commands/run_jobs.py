"""Run background jobs (large exports) from the database queue.

    python manage.py run_jobs            # keep running, polling every 2 s
    python manage.py run_jobs --once     # run what is queued now, then stop

Needed when JOBS_RUN=worker; with the default (JOBS_RUN=thread) the web process starts
each job itself. Either way, running jobs whose heartbeat stopped (their process died) are
marked failed when it starts and whenever the queue is empty; they are not run again.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from jobs.runner import fail_dead_jobs, purge_finished, run_one


class Command(BaseCommand):
    help = "Chạy các tác vụ nền (xuất báo cáo lớn) trong hàng đợi."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Chạy hết hàng đợi hiện có rồi dừng.")
        parser.add_argument("--sleep", type=float, default=2.0, help="Số giây chờ giữa hai lần xem hàng đợi.")
        parser.add_argument("--max-jobs", type=int, default=0, help="Dừng sau chừng này tác vụ (0: không giới hạn).")

    def handle(self, *args, once, sleep, max_jobs, verbosity, **options):
        ran = 0
        fail_dead_jobs()
        while True:
            if not connection.in_atomic_block:  # (inside a test's transaction: keep it)
                close_old_connections()
            if run_one():
                ran += 1
                if verbosity >= 2:
                    self.stdout.write(f"Đã chạy {ran} tác vụ.")
                if max_jobs and ran >= max_jobs:
                    break
                continue
            if once:
                break
            purge_finished()  # (marks dead jobs failed first)
            time.sleep(sleep)
        if verbosity >= 1:
            self.stdout.write(self.style.SUCCESS(f"Đã chạy {ran} tác vụ."))
