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


def test_an_older_backup_of_rows_only_still_restores(tmp_path, demo):
    """Backups written before the sequences and content types were kept: a bare list of rows."""
    import json

    path = tmp_path / "b.json"
    call_command("backup", str(path), verbosity=0)
    kept_by_migrate = {"contenttypes.contenttype", "auth.permission", "admin.logentry"}
    rows = [o for o in json.loads(path.read_bytes())["objects"] if o["model"] not in kept_by_migrate]
    older = tmp_path / "older.json"
    older.write_text(json.dumps(rows))
    before = snapshot()
    call_command("flush", interactive=False, verbosity=0)
    call_command("restore", str(older), verbosity=0)
    assert snapshot() == before


def test_restore_refuses_a_file_from_a_newer_version(tmp_path):
    path = tmp_path / "newer.json"
    path.write_text('{"format": "tienlang-backup", "version": 99, "sequences": {}, "objects": []}')
    with pytest.raises(CommandError, match="mới hơn"):
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
        return sorted(json.loads(data)["objects"], key=lambda o: (o["model"], str(o.get("pk"))))

    before, after = rows(gzip.decompress(original.read_bytes())), rows(again.read_bytes())
    assert len(before) > 300
    assert after == before
    # SQLite continues every ID where PostgreSQL would have.
    next_ids = json.loads(gzip.decompress(original.read_bytes()))["sequences"]
    assert next_ids["candidates_person"] > 1
    assert json.loads(again.read_bytes())["sequences"] == next_ids


# --- a restore into a new PostgreSQL database reproduces every table ------------------------

# Tables the backup leaves out on purpose (see LEFT_OUT in unions/management/commands/backup.py
# and docs/operations.md): a restore leaves them empty.
LEFT_OUT_TABLES = {"django_session", "jobs_job", "axes_accessattempt", "axes_accessattemptexpiration"}

TABLES_SQL = (
    "SELECT table_name FROM information_schema.tables"
    " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
)
SEQUENCES_SQL = """
    SELECT table_name, column_name, sequence FROM (
        SELECT table_name, column_name,
               pg_get_serial_sequence(quote_ident(table_schema) || '.' || quote_ident(table_name), column_name)
               AS sequence
        FROM information_schema.columns
        WHERE table_schema = current_schema()
    ) AS fed WHERE sequence IS NOT NULL
"""


def _connect(name: str):
    import psycopg2
    from django.db import connection

    settings = connection.settings_dict
    database = psycopg2.connect(
        dbname=name,
        user=settings["USER"],
        password=settings["PASSWORD"],
        host=settings["HOST"],
        port=settings["PORT"] or None,
    )
    database.autocommit = True
    return database


def _url(name: str) -> str:
    from urllib.parse import quote

    from django.db import connection

    settings = connection.settings_dict
    secret = f":{quote(settings['PASSWORD'], safe='')}" if settings["PASSWORD"] else ""
    return f"postgres://{quote(settings['USER'], safe='')}{secret}@{settings['HOST']}:{settings['PORT']}/{name}"


def _contents(name: str) -> tuple[dict, dict, set]:
    """Every table's row count and checksum, every sequence's next value, the applied migrations."""
    database = _connect(name)
    try:
        with database.cursor() as cursor:
            # Rows are compared as PostgreSQL writes them as text: the same zone on both sides.
            cursor.execute("SET TIME ZONE 'UTC'")
            cursor.execute(TABLES_SQL)
            tables = sorted(row[0] for row in cursor.fetchall())
            contents = {}
            for table in tables:
                if table == "django_migrations":
                    continue  # migrate's own record, with the time each migration ran: compared below
                cursor.execute(f"SELECT count(*), md5(string_agg(t::text, '|' ORDER BY t::text)) FROM \"{table}\" t")
                contents[table] = cursor.fetchone()
            cursor.execute(SEQUENCES_SQL)
            sequences = {}
            for table, column, sequence in cursor.fetchall():
                if table == "django_migrations":
                    continue
                cursor.execute(f"SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM {sequence}")
                sequences[f"{table}.{column}"] = cursor.fetchone()[0]
            cursor.execute("SELECT app, name FROM django_migrations")
            migrations = set(cursor.fetchall())
    finally:
        database.close()
    return contents, sequences, migrations


def _changes_through_the_application(client):
    """History rows of every kind, admin log entries, permissions given, a session."""
    import datetime

    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.management import create_contenttypes
    from django.contrib.contenttypes.models import ContentType

    from candidates import privacy, services
    from candidates.models import Status
    from tests import factories

    # A database that grew over the releases: a model added later has a higher content type
    # id (and permission ids) than a fresh `migrate` gives it, a model since removed left its own.
    ContentType.objects.filter(app_label="reports", model="yearlyaggregate").delete()
    ContentType.objects.clear_cache()
    create_contenttypes(apps.get_app_config("reports"), verbosity=0)
    create_permissions(apps.get_app_config("reports"), verbosity=0)
    removed = ContentType.objects.create(app_label="reports", model="oldsummary")
    Permission.objects.create(content_type=removed, codename="view_oldsummary", name="Can view old summary")

    union = apps.get_model("unions", "GrassrootsUnion").objects.order_by("pk").first()
    staff = factories.make_user("staff", federation=union.federation, username="staff_backup")
    nomination = factories.make_nomination(union, user=staff, full_name="Phạm Thị Sao Lưu")
    services.move(nomination, Status.APPROVED, staff)
    privacy.record_consent(nomination.person, staff, given_on=datetime.date(2022, 2, 1), evidence="Phiếu đồng ý")
    withdrawn = factories.make_nomination(union, user=staff, full_name="Ngô Văn Rút Hồ Sơ")
    services.move(withdrawn, Status.WITHDRAWN, staff, reason="Chuyển công tác")
    # The newest committee member is deleted: its history keeps its id, which no new member
    # may take after a restore, so the sequence must not go back to the highest id left.
    member = factories.make_committee_member(union=union, full_name="Đỗ Thị Tạm Thời")
    member._history_user = staff
    member.delete()
    staff.user_permissions.add(Permission.objects.get(codename="view_nomination"))

    root = factories.make_user(username="root_backup", is_superuser=True, is_staff=True)
    client.force_login(root)
    permissions = Permission.objects.filter(codename__in=["view_person", "view_enterprise"])
    response = client.post(
        "/admin/auth/group/add/", {"name": "Nhóm xem hồ sơ", "permissions": [p.pk for p in permissions]}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    group = Group.objects.get(name="Nhóm xem hồ sơ")
    response = client.post(
        f"/admin/auth/group/{group.pk}/change/",
        {"name": "Nhóm xem hồ sơ và doanh nghiệp", "permissions": [p.pk for p in permissions]},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    staff.groups.add(group)


def test_a_restore_into_a_new_postgresql_database_reproduces_every_table(tmp_path, demo, client):
    """Row for row, table by table (history and the admin's log included), ids and sequences too."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from django.contrib.admin.models import LogEntry
    from django.db import connection

    from unions.management.commands.backup import LEFT_OUT

    if connection.vendor != "postgresql":
        pytest.skip("compares two PostgreSQL databases")
    assert {apps.get_model(label)._meta.db_table for label in LEFT_OUT} == LEFT_OUT_TABLES

    _changes_through_the_application(client)
    assert LogEntry.objects.count() == 2
    path = tmp_path / "backup.json.gz"
    call_command("backup", str(path), verbosity=0)

    source = connection.settings_dict["NAME"]
    target = f"{source}_restored"
    server = _connect(source)
    try:
        with server.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')
            cursor.execute(f'CREATE DATABASE "{target}"')
        root = Path(__file__).resolve().parent.parent
        env = {**os.environ, "DATABASE_URL": _url(target)}
        result = subprocess.run(
            [sys.executable, "manage.py", "restore", str(path)],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, result.stdout + result.stderr

        before, sequences_before, migrations_before = _contents(source)
        after, sequences_after, migrations_after = _contents(target)
    finally:
        with server.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        server.close()

    assert set(after) == set(before)
    assert LEFT_OUT_TABLES <= set(before)
    assert before["django_session"][0] > 0, "the admin's sign-in is in the source, not in the copy"
    for table in LEFT_OUT_TABLES:
        assert after[table][0] == 0, table
    # The write counter (tienlang.lib.kept) is no data: it counts writes, the restore's own included.
    held = {t for t in before if t not in LEFT_OUT_TABLES and t != "reports_figures_version"}
    for table in [
        "django_admin_log",
        "django_content_type",
        "auth_permission",
        "auth_group_permissions",
        "auth_user_groups",
        "auth_user_user_permissions",
        "candidates_historicalperson",
        "candidates_historicalnomination",
        "candidates_historicalconsent",
        "unions_historicalcommitteemember",
        "unions_historicalenterprise",
    ]:
        assert table in held and before[table][0] > 0, table
    assert sum(before[t][0] for t in held if "_historical" in t) > 300
    differ = {t: (before[t], after[t]) for t in held if before[t] != after[t]}
    assert not differ, f"tables that differ after the restore (rows, checksum): {differ}"
    assert sequences_after == sequences_before
    assert migrations_after == migrations_before
