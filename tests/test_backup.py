"""`manage.py backup FILE` and `manage.py restore FILE`: a full copy, restored identically."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db(transaction=True)

APPS = {"unions", "candidates", "classes", "reports", "auth"}


def snapshot() -> dict:
    rows = {}
    for model in apps.get_models():
        if model._meta.app_label in APPS and model._meta.model_name != "permission":
            rows[model._meta.label] = sorted(map(repr, model.objects.order_by("pk").values_list()))
    return rows


@pytest.mark.parametrize("name", ["backup.json", "backup.json.gz"])
def test_backup_then_restore_into_an_empty_database_reproduces_every_row(tmp_path, name, demo):
    before = snapshot()
    assert sum(len(v) for v in before.values()) > 300
    path = tmp_path / name
    call_command("backup", str(path), verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    assert not apps.get_model("unions", "Federation").objects.exists()
    call_command("restore", str(path), verbosity=0)
    assert snapshot() == before
    # New rows get fresh IDs after the restored ones (the sequences were reset).
    from tests.factories import make_federation

    Federation = apps.get_model("unions", "Federation")
    highest = max(Federation.objects.values_list("pk", flat=True))
    assert make_federation().pk > highest


def test_restore_refuses_a_database_that_holds_data(tmp_path, demo):
    path = tmp_path / "b.json"
    call_command("backup", str(path), verbosity=0)
    with pytest.raises(CommandError, match="chỉ khôi phục vào cơ sở dữ liệu trống"):
        call_command("restore", str(path), verbosity=0)


def test_restore_refuses_a_broken_file(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    with pytest.raises(CommandError, match="hỏng"):
        call_command("restore", str(path), verbosity=0)


def test_a_postgresql_backup_restores_into_sqlite_row_for_row(tmp_path, demo):
    """The JSON copy is portable: restored into SQLite, then backed up again, it is the same data."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    from tests import factories

    # The demo holds the eligibility rules its data migration wrote, as a real database does;
    # a new SQLite database gets them from migrate too.
    person = factories.make_nomination(apps.get_model("unions", "GrassrootsUnion").objects.first()).person
    from candidates import privacy

    staff = factories.make_user("staff", federation=person.federation)
    privacy.record_consent(person, staff, given_on=person.created_at.date(), evidence="Phiếu đồng ý")
    original = tmp_path / "from-postgresql.json.gz"
    call_command("backup", str(original), verbosity=0)

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'restored.sqlite3'}"}

    def manage(*args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=root, env=env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    assert "Đã khôi phục" in manage("restore", str(original))
    again = tmp_path / "from-sqlite.json"
    manage("backup", str(again))

    import gzip

    def rows(data: bytes) -> list:
        return sorted(json.loads(data), key=lambda o: (o["model"], str(o.get("pk"))))

    before, after = rows(gzip.decompress(original.read_bytes())), rows(again.read_bytes())
    assert len(before) > 300
    assert after == before
