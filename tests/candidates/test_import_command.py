"""`manage.py import_nominations FILE --union CODE [--year YYYY] [--dry-run]` as CONTRACTS.md promises."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from candidates.models import Nomination, NominationImport
from tests import factories
from tests.candidates.test_import_support import make_xlsx, row

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PROBLEM_LINE = re.compile(r'^row (\d+), column "([^"]+)": (.+)$')


def write(tmp_path, rows, name="danh-sach.xlsx", **kwargs) -> str:
    path = tmp_path / name
    path.write_bytes(make_xlsx(rows, **kwargs))
    return str(path)


def call(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_nominations", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_clean_file_saves_every_row_and_prints_the_number(tmp_path, union_a):
    path = write(tmp_path, [row() for _ in range(12)])
    out, _ = call(path, "--union", union_a.code, "--year", "2022")
    assert "Đã lưu 12 hồ sơ." in out
    assert Nomination.objects.filter(union=union_a, year=2022).count() == 12
    record = NominationImport.objects.get()
    assert record.uploaded_by is None and record.file_name == "danh-sach.xlsx"
    assert record.sha256 in out


def test_bad_rows_print_every_problem_and_save_nothing(tmp_path, union_a):
    rows = [row(), row(date_of_birth="31/02/1995"), row(), row(sex="Không rõ", citizen_id="12345")]
    path = write(tmp_path, rows)
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_nominations", path, "--union", union_a.code, "--year", "2022", stdout=out)
    assert "Không lưu hồ sơ nào: 2 trong 4 dòng có lỗi." in str(caught.value)
    assert out.getvalue().splitlines() == [
        'row 3, column "Ngày sinh": “31/02/1995” không phải ngày có thật',
        'row 5, column "Giới tính": “Không rõ” không hợp lệ; ghi Nam hoặc Nữ.',
        'row 5, column "Số CCCD": “12345” không phải số CCCD: cần đúng 12 chữ số.',
    ]
    assert Nomination.objects.count() == 0 and NominationImport.objects.count() == 0


def test_warnings_only_rows_are_saved_and_listed(tmp_path, union_a):
    path = write(tmp_path, [row(), row(education="7/12")])
    out, _ = call(path, "--union", union_a.code, "--year", "2022")
    assert "Đã lưu 2 hồ sơ." in out
    assert 'row 3, column "Trình độ học vấn": ' in out and "(cảnh báo)" in out
    assert Nomination.objects.filter(warnings__0__code="education").count() == 1


def test_dry_run_reports_without_saving(tmp_path, union_a):
    path = write(tmp_path, [row(), row()])
    out, _ = call(path, "--union", union_a.code, "--year", "2022", "--dry-run")
    assert "2 hồ sơ hợp lệ" in out
    assert Nomination.objects.count() == 0 and NominationImport.objects.count() == 0


def test_unknown_union_and_unreadable_file_are_errors(tmp_path, union_a):
    path = write(tmp_path, [row()])
    with pytest.raises(CommandError, match="CD-KHONG-CO"):
        call(path, "--union", "CD-KHONG-CO")
    fake = tmp_path / "gia.xlsx"
    fake.write_text("STT;Họ và tên\n1;Trần Thị A\n", encoding="utf-8")
    with pytest.raises(CommandError, match="CSV"):
        call(str(fake), "--union", union_a.code)
    with pytest.raises(CommandError, match="Không mở được tệp"):
        call(str(tmp_path / "khong-co.xlsx"), "--union", union_a.code)


# --- the real process: exit codes and the printed format -----------------------------------


@pytest.fixture
def manage(transactional_db, settings):
    """Run manage.py in a child process against the test database."""
    from django.db import connection

    env = {**os.environ, "DATABASE_URL": _database_url(connection.settings_dict), "PYTHONIOENCODING": "utf-8"}

    def run(*args):
        return subprocess.run(
            [sys.executable, "manage.py", "import_nominations", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    return run


def _database_url(db: dict) -> str:
    if db["ENGINE"].endswith("sqlite3"):
        pytest.skip("the child process needs a database server it can share")
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def test_process_exit_codes_and_problem_lines(tmp_path, manage):
    union = factories.make_union(code="CD-LENH")
    bad = write(tmp_path, [row(), row(union_joined_on="32/01/2018"), row(full_name="")], name="loi.xlsx")
    done = manage(bad, "--union", "CD-LENH", "--year", "2022")
    assert done.returncode == 1
    lines = [line for line in done.stdout.splitlines() if PROBLEM_LINE.match(line)]
    assert [PROBLEM_LINE.match(line).groups()[:2] for line in lines] == [
        ("3", "Ngày vào Công đoàn"),
        ("4", "Họ và tên"),
    ]
    assert "“32/01/2018” không phải ngày có thật" in lines[0]
    assert Nomination.objects.count() == 0

    good = write(tmp_path, [row(), row(), row()], name="tot.xlsx")
    done = manage(good, "--union", "CD-LENH", "--year", "2022")
    assert done.returncode == 0, done.stderr
    assert re.search(r"Đã lưu 3 hồ sơ", done.stdout)
    assert Nomination.objects.filter(union=union).count() == 3

    dry = manage(write(tmp_path, [row()], name="thu.xlsx"), "--union", "CD-LENH", "--year", "2022", "--dry-run")
    assert dry.returncode == 0 and "1 hồ sơ hợp lệ" in dry.stdout
    assert Nomination.objects.count() == 3


def test_process_file_level_problems_exit_one(tmp_path, manage):
    factories.make_union(code="CD-LENH2")
    word = tmp_path / "van-ban.xlsx"
    word.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    done = manage(str(word), "--union", "CD-LENH2")
    assert done.returncode == 1 and "hỏng" in done.stderr

    formula = write(
        tmp_path, [row(), row()], name="cong-thuc.xlsx", sheet_hook=lambda s: s.cell(row=3, column=3, value="=TODAY()")
    )
    done = manage(formula, "--union", "CD-LENH2", "--year", "2022")
    assert done.returncode == 1
    assert 'row 3, column "Ngày sinh": ' in done.stdout and "công thức" in done.stdout

    done = manage(formula, "--union", "CD-KHONG-CO")
    assert done.returncode == 1 and "CD-KHONG-CO" in done.stderr
    assert Nomination.objects.count() == 0
