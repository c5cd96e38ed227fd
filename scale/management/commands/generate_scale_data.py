"""Fill an empty database with invented data at the size of a district, a city or the nation.

    python manage.py generate_scale_data --tier district|city|nation [--seed N] [--if-empty]

Refuses a database that already holds data (it writes with explicit ids and never
deletes anything). `--if-empty` turns that refusal into a quiet skip, for `make bench`.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from scale.generate import BENCH_PASSWORD, TIERS, database_is_empty, generate


class Command(BaseCommand):
    help = "Điền dữ liệu giả lập (quy mô huyện, thành phố, toàn quốc) vào một cơ sở dữ liệu trống để đo hiệu năng."

    def add_arguments(self, parser):
        parser.add_argument("--tier", choices=list(TIERS), default="district")
        parser.add_argument(
            "--seed", type=int, default=2022, help="Hạt giống ngẫu nhiên (cùng hạt giống, cùng dữ liệu)."
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Bỏ qua (không báo lỗi) khi cơ sở dữ liệu đã có dữ liệu."
        )

    def handle(self, *args, tier, seed, if_empty, verbosity, **options):
        if not database_is_empty():
            if if_empty:
                self.stdout.write("Cơ sở dữ liệu đã có dữ liệu: không sinh thêm.")
                return
            raise CommandError(
                "Cơ sở dữ liệu đã có dữ liệu (liên đoàn, doanh nghiệp, đoàn viên, hồ sơ hoặc tài khoản). "
                "Lệnh này chỉ điền vào một cơ sở dữ liệu trống: hãy tạo cơ sở dữ liệu mới và chạy migrate trước."
            )
        log = self.stdout.write if verbosity >= 1 else (lambda message: None)
        counts = generate(tier, seed=seed, log=log)
        if verbosity >= 1:
            for label, count in sorted(counts.items()):
                self.stdout.write(f"  {label:32} {count:>10,}".replace(",", "."))
            self.stdout.write(
                self.style.SUCCESS(
                    f"Đã sinh dữ liệu quy mô “{tier}”. Tài khoản đo: bench.admin, bench.staff.N, bench.lead.N, "
                    f"bench.chair.N — mật khẩu {BENCH_PASSWORD}"
                )
            )
