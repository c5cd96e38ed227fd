"""Measure the main pages, the report exports and an upload on the data in the database.

    python manage.py bench --tier district|city|nation [--requests 20] [--skip-exports]

The last line of the output is one JSON object with every figure, for tools and for
docs/performance.md.
"""

from __future__ import annotations

import datetime
import json
import os
import platform

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from reports.exports import KINDS
from scale import bench
from scale.generate import TIERS

# From the lowest level up: the busiest federation's staff (district or commune level), the
# federation above it (province/city), the top of the tree (national), an administrator.
PERSONAS = ("staff", "upper", "top", "admin")


class Command(BaseCommand):
    help = "Đo thời gian các trang chính, các báo cáo Excel và việc tải lên danh sách trên dữ liệu hiện có."

    def add_arguments(self, parser):
        parser.add_argument("--tier", choices=list(TIERS), default="district", help="Tên quy mô ghi trong kết quả.")
        parser.add_argument("--requests", type=int, default=20, help="Số lần gọi mỗi trang (tối thiểu 20 khi đo thật).")
        parser.add_argument("--skip-exports", action="store_true")
        parser.add_argument("--skip-upload", action="store_true")
        parser.add_argument("--upload-rows", type=int, default=5000)
        parser.add_argument("--pages", nargs="*", help="Chỉ đo các trang này (tên).")
        parser.add_argument("--exports", nargs="*", choices=KINDS, help="Chỉ đo các báo cáo này.")
        parser.add_argument(
            "--as",
            dest="personas",
            nargs="*",
            choices=PERSONAS,
            default=list(PERSONAS),
            help="Đo các trang với tư cách: cán bộ LĐLĐ bận nhất (staff, cấp huyện/xã), LĐLĐ ngay trên nó "
            "(upper, cấp tỉnh/thành phố), LĐLĐ cao nhất (top, toàn quốc), quản trị (admin).",
        )
        parser.add_argument(
            "--user",
            dest="as_user",
            help="Cán bộ “staff” là tài khoản này (ví dụ cán bộ cấp thành phố, một công đoàn cấp xã) "
            "thay vì cán bộ của liên đoàn nhiều dữ liệu nhất.",
        )

    def handle(self, *args, tier, requests, skip_exports, skip_upload, upload_rows, pages, exports, **options):
        personas = options["personas"]
        write = self.stdout.write
        counts = bench.row_counts()
        as_user = options.get("as_user")
        staff = get_user_model().objects.filter(username=as_user).first() if as_user else None
        if as_user and (staff is None or getattr(staff, "profile", None) is None):
            raise CommandError(f"Không có tài khoản “{as_user}” với một vai trò trong hệ thống.")
        staff = staff or bench.staff_of_busiest_federation()
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
        write(
            f"Load average {load:.2f}. Tier {tier} on {connection.vendor} — {datetime.date.today():%d/%m/%Y}, "
            f"{os.cpu_count()} cores, "
            f"Python {platform.python_version()}; rows: "
            + ", ".join(f"{name} {value:,}" for name, value in counts.items())
        )
        # The same pages (the busiest federation's person, class, search) for every persona.
        urls = bench.page_urls(staff)
        users = {"staff": staff, "upper": bench.upper_staff(), "top": bench.top_staff(), "admin": bench.admin_user()}
        results_by_persona = {}
        measured = set()
        for persona in personas:
            user = users[persona]
            if user is None or user.pk in measured:  # a two-level tree: the upper level is the top
                continue
            measured.add(user.pk)
            where = getattr(getattr(user, "profile", None), "federation", None) or "toàn quốc"
            write(f"Pages as {user.username} ({persona}, {where}), {requests} requests each:")
            results_by_persona[persona] = bench.measure_pages(user, requests, log=write, only=pages, urls=urls)
        export_results = []
        year = bench.latest_year()
        wanted = not skip_exports and "quota" in (exports or KINDS)
        quota_by_persona = quota_at_depths({p: users[p] for p in results_by_persona}, year, write) if wanted else {}
        if not skip_exports:
            write(
                f"Exports at national scope, year {year} (time: the best of {bench.EXPORT_RUNS} builds, "
                "alternating with the writer floor's; peak under tracemalloc; one raw SQL query):"
            )
            export_results = bench.measure_exports(bench.admin_user(), year, kinds=exports or KINDS, log=write)
        upload = None
        if not skip_upload and upload_rows:
            write("Upload:")
            upload = bench.measure_upload(staff, upload_rows, log=write)

        write("")
        write(
            f"{'page':24}{'as':>7}{'p50 ms':>10}{'p95 ms':>10}{'SQL ms':>9}{'ratio':>7}{'CPU ms':>9}{'queries':>9}"
            "  target p95"
        )
        verdicts = []
        for persona, results in results_by_persona.items():
            for r in results:
                limit = page_target_ms(r.name)
                verdicts.append(r.p95 <= limit)
                write(
                    f"{r.name:24}{persona:>7}{r.p50:10.1f}{r.p95:10.1f}{r.sql_p50:9.1f}{r.ratio:7.1f}{r.cpu_p50:9.1f}"
                    f"{r.queries:9d}  ≤ {limit} ms {'met' if verdicts[-1] else 'not met'}"
                )
        if export_results:
            write(
                f"{'export':24}{'seconds':>10}{'CPU s':>8}{'peak MB':>10}{'SQL s':>8}{'floor s':>9}{'floor CPU':>10}"
                f"{'floor MB':>10}{'× floor':>9}{'× CPU':>7}  target ≤ 1.5× floor"
            )
            for e in export_results:
                met = "met" if e.writer_seconds and e.writer_ratio <= 1.5 else ("not met" if e.writer_seconds else "—")
                write(
                    f"{e.name:24}{e.seconds:10.2f}{e.cpu_seconds:8.2f}{e.peak_mb:10.1f}{e.floor_seconds:8.3f}"
                    f"{e.writer_seconds:9.2f}{e.writer_cpu_seconds:10.2f}{e.writer_peak_mb:10.1f}"
                    f"{e.writer_ratio:9.2f}{e.writer_cpu_ratio:7.2f}  {met}"
                )
        write(targets_line(verdicts, export_results, upload))
        summary = {
            "tier": tier,
            "date": datetime.date.today().isoformat(),
            "cores": os.cpu_count(),
            "database": connection.vendor,
            "rows": counts,
            "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
            # "pages": as the busiest federation's staff; "personas": every persona measured.
            "pages": page_figures(results_by_persona.get("staff", [])),
            "personas": {persona: page_figures(results) for persona, results in results_by_persona.items()},
            "quota_by_persona": quota_by_persona,
            "exports": {
                e.name: {
                    "seconds": round(e.seconds, 3),
                    "peak_mb": round(e.peak_mb, 1),
                    "sql_floor_seconds": round(e.floor_seconds, 4),
                    "cpu_seconds": round(e.cpu_seconds, 3),
                    "writer_floor_seconds": round(e.writer_seconds, 3),
                    "writer_floor_cpu_seconds": round(e.writer_cpu_seconds, 3),
                    "writer_floor_peak_mb": round(e.writer_peak_mb, 1),
                    "ratio_to_writer_floor": round(e.writer_ratio, 2),
                }
                for e in export_results
            },
        }
        if upload is not None:
            summary["upload"] = upload
        write(json.dumps(summary, ensure_ascii=False))


# Issue 18's targets: every page p95 within 50 ms, the dashboard 80, the people search 60;
# exports within 1.5× the writer floor; a 5,000-row upload within 5 s.
PAGE_TARGETS_MS = {"dashboard": 80, "person_search": 60, "person_search_one_word": 60, "person_search_three_words": 60}
PAGE_TARGET_MS = 50
UPLOAD_TARGET_SECONDS = 5.0


def page_target_ms(name: str) -> int:
    return PAGE_TARGETS_MS.get(name, PAGE_TARGET_MS)


def targets_line(page_verdicts: list[bool], exports, upload: dict | None) -> str:
    """One line: how many of the measured figures are within their target."""
    parts = []
    if page_verdicts:
        parts.append(f"pages {sum(page_verdicts)} of {len(page_verdicts)}")
    measured = [e for e in exports if e.writer_seconds]
    if measured:
        parts.append(f"exports {sum(e.writer_ratio <= 1.5 for e in measured)} of {len(measured)}")
    if upload and upload.get("rows", 0) >= 5000:
        parts.append(f"upload {'met' if upload['seconds'] <= UPLOAD_TARGET_SECONDS else 'not met'}")
    return "Targets met: " + (", ".join(parts) if parts else "nothing measured")


def quota_at_depths(users: dict, year: int, write) -> dict:
    """Report 1 at each depth of the tree: as each persona measured, for everything below it."""
    figures_by_persona = {}
    for persona, user in users.items():
        figures = bench.measure_quota(user, year)
        figures_by_persona[persona] = figures
        write(
            f"Quota report {year} as {user.username} ({persona}): {figures['seconds']:.2f} s "
            f"(CPU {figures['cpu_seconds']:.2f} s), peak {figures['peak_mb']:.1f} MB, {figures['queries']} queries, "
            f"{figures['unions']:,} unions in scope"
        )
    return figures_by_persona


def page_figures(results) -> dict:
    return {
        r.name: {
            "p50_ms": round(r.p50, 1),
            "p95_ms": round(r.p95, 1),
            "sql_ms": round(r.sql_p50, 1),
            "cpu_ms": round(r.cpu_p50, 1),
            "queries": r.queries,
        }
        for r in results
    }
