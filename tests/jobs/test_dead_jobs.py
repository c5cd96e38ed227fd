"""A job whose process dies is reported failed once its heartbeat is old, then purged like any finished job."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone

from candidates import imports as candidate_imports, jobs as job_imports
from candidates.models import Nomination, NominationImport, Person
from jobs import runner
from jobs.models import Job, JobState
from jobs.runner import enqueue, fail_dead_jobs, purge_finished
from tests.candidates.test_import_support import make_xlsx, row
from tests.candidates.test_import_views import _pk_from, preview_url, upload

ROOT = Path(__file__).resolve().parent.parent.parent
# A shared two-core machine can be slow: waits poll until this deadline, and no test measures time.
DEADLINE_SECONDS = 60
PAUSE_SECONDS = 0.1
DEAD = "Tiến trình xử lý đã dừng đột ngột lúc"
NOTHING_SAVED = "không có dữ liệu nào được lưu. Hãy chạy lại."


def wait_until(condition, what: str, process: subprocess.Popen | None = None):
    """Poll `condition` until it returns something true; fail after the deadline (or when `process` ends)."""
    # Counted in pauses, not read off the clock: the wait is bounded, and nothing is timed.
    for _attempt in range(int(DEADLINE_SECONDS / PAUSE_SECONDS)):
        value = condition()
        if value:
            return value
        if process is not None and process.poll() is not None:
            output = process.stdout.read().decode(errors="replace") if process.stdout else ""
            raise AssertionError(f"the worker ended before {what}; it printed:\n{output}")
        time.sleep(PAUSE_SECONDS)
    raise AssertionError(f"no {what} within {DEADLINE_SECONDS} s")


def running_job(user, *, started_ago: float, beat_ago: float | None) -> Job:
    now = timezone.now()
    return Job.objects.create(
        kind="report",
        user=user,
        label="Chỉ tiêu — 2022",
        params={"kind": "quota", "year": 2022},
        state=JobState.RUNNING,
        total=10,
        done=3,
        started_at=now - datetime.timedelta(seconds=started_ago),
        heartbeat_at=None if beat_ago is None else now - datetime.timedelta(seconds=beat_ago),
    )


# --- the staleness check ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_job_with_an_old_heartbeat_is_marked_failed_by_its_status_page(client, staff, settings):
    settings.JOB_DEAD_AFTER_SECONDS = 60
    job = running_job(staff, started_ago=600, beat_ago=61)
    client.force_login(staff)
    status = client.get(f"/jobs/{job.pk}/status.json").json()
    assert status["state"] == "failed" and status["state_label"] == "Lỗi"
    last_beat = timezone.localtime(job.heartbeat_at)
    assert status["error"].startswith(f"{DEAD} {last_beat:%H:%M} ngày {last_beat:%d/%m/%Y}")
    assert status["error"].endswith(NOTHING_SAVED)
    assert status["result_url"] == "/reports/?year=2022"  # where to start it again
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.finished_at is not None


@pytest.mark.django_db
def test_a_job_with_a_fresh_heartbeat_stays_running(client, staff, settings):
    settings.JOB_DEAD_AFTER_SECONDS = 60
    job = running_job(staff, started_ago=600, beat_ago=1)  # running long, but alive
    client.force_login(staff)
    status = client.get(f"/jobs/{job.pk}/status.json").json()
    assert (status["state"], status["error"], status["done"]) == ("running", "", 3)
    assert Job.objects.get(pk=job.pk).state == JobState.RUNNING


@pytest.mark.django_db
def test_a_running_job_that_never_beat_is_dead_once_the_threshold_since_it_started_passed(client, staff, settings):
    settings.JOB_DEAD_AFTER_SECONDS = 60
    dead = running_job(staff, started_ago=61, beat_ago=None)
    young = running_job(staff, started_ago=1, beat_ago=None)
    client.force_login(staff)
    assert client.get(f"/jobs/{dead.pk}/status.json").json()["state"] == "failed"
    assert client.get(f"/jobs/{young.pk}/status.json").json()["state"] == "running"


@pytest.mark.django_db
def test_the_job_page_shows_a_dead_job_as_failed(client, staff, settings):
    settings.JOB_DEAD_AFTER_SECONDS = 60
    job = running_job(staff, started_ago=600, beat_ago=300)
    client.force_login(staff)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert DEAD in page and NOTHING_SAVED in page and "progress-bar-animated" not in page


@pytest.mark.django_db
def test_queued_and_finished_jobs_are_left_alone(client, staff, settings):
    settings.JOB_DEAD_AFTER_SECONDS = 60
    old = timezone.now() - datetime.timedelta(hours=1)
    queued = Job.objects.create(kind="report", user=staff, label="Đang chờ", params={})
    done = Job.objects.create(
        kind="report", user=staff, label="Xong", params={}, state=JobState.DONE, started_at=old, heartbeat_at=old
    )
    assert fail_dead_jobs() == 0
    assert Job.objects.get(pk=queued.pk).state == JobState.QUEUED
    assert Job.objects.get(pk=done.pk).state == JobState.DONE


@pytest.mark.django_db
def test_run_jobs_marks_dead_jobs_failed_and_does_not_run_them_again(staff, union_a, settings):
    settings.JOB_DEAD_AFTER_SECONDS = 60
    dead = running_job(staff, started_ago=3600, beat_ago=3600)
    alive = running_job(staff, started_ago=3600, beat_ago=1)  # a long export that still works
    call_command("run_jobs", "--once", verbosity=0)
    dead.refresh_from_db()
    assert dead.state == JobState.FAILED and dead.error.startswith(DEAD) and dead.result is None
    assert Job.objects.get(pk=alive.pk).state == JobState.RUNNING


@pytest.mark.django_db
def test_the_admin_job_list_marks_dead_jobs_failed(client, superuser, staff, settings):
    settings.JOB_DEAD_AFTER_SECONDS = 60
    dead = running_job(staff, started_ago=600, beat_ago=600)
    client.force_login(superuser)
    assert client.get("/admin/jobs/job/").status_code == 200
    assert Job.objects.get(pk=dead.pk).state == JobState.FAILED


@pytest.mark.django_db
def test_a_dead_job_is_purged_like_any_finished_job(staff, settings):
    settings.JOB_DEAD_AFTER_SECONDS = 60
    job = running_job(staff, started_ago=600, beat_ago=600)
    settings.JOB_KEEP_HOURS = 24
    purge_finished()
    assert Job.objects.get(pk=job.pk).state == JobState.FAILED  # judged dead, kept for now
    settings.JOB_KEEP_HOURS = 0
    purge_finished()
    assert not Job.objects.filter(pk=job.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_an_upload_whose_job_was_judged_dead_before_it_committed_saves_nothing(
    client, chair_a, union_a, settings, monkeypatch
):
    """A process frozen past the threshold that wakes up must not save what its page says was not saved."""
    settings.JOBS_RUN = "inline"
    settings.JOB_DEAD_AFTER_SECONDS = 60
    monkeypatch.setattr(job_imports, "BACKGROUND_IMPORT_ROWS", 2)
    real_import_file = candidate_imports.import_file
    verdicts = []

    def judge_elsewhere():
        # Another process (its own connection) finds the job silent for too long.
        try:
            with transaction.atomic():
                long_ago = timezone.now() - datetime.timedelta(minutes=5)
                Job.objects.filter(state=JobState.RUNNING).update(heartbeat_at=long_ago)
                verdicts.append(fail_dead_jobs())
        finally:
            connections.close_all()

    def judged_dead_meanwhile(*args, **kwargs):
        result = real_import_file(*args, **kwargs)  # everything written, not yet committed
        judge = threading.Thread(target=judge_elsewhere)
        judge.start()
        judge.join()
        return result

    monkeypatch.setattr(candidate_imports, "import_file", judged_dead_meanwhile)
    client.force_login(chair_a)
    record = NominationImport.objects.get(pk=_pk_from(upload(client, union_a, make_xlsx([row() for _ in range(3)]))))
    client.post(preview_url(record), {"save": "1"})
    assert verdicts == [1]
    job = Job.objects.get()
    assert job.state == JobState.FAILED and job.error.startswith(DEAD)
    assert job.result_url == preview_url(record)
    assert not Nomination.objects.exists() and not Person.objects.exists()
    record.refresh_from_db()
    assert record.state == NominationImport.State.PREVIEW


# --- the heartbeat --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_job_thread_keeps_beating_while_its_work_reports_no_progress(client, staff, settings, monkeypatch):
    settings.JOBS_RUN = "thread"
    settings.JOB_HEARTBEAT_SECONDS = 0.2
    release = threading.Event()

    def silent_work(job):
        release.wait(DEADLINE_SECONDS)
        return runner.Outcome(message="Xong việc thử.")

    monkeypatch.setitem(runner.RUNNERS, "silent", silent_work)
    job = enqueue("silent", staff, "Việc không báo tiến độ", {})
    try:
        claimed = wait_until(
            lambda: Job.objects.filter(pk=job.pk, state=JobState.RUNNING).values("started_at", "heartbeat_at").first(),
            "claim of the job",
        )
        assert claimed["heartbeat_at"] is not None  # the claim is the first sign of life
        wait_until(
            lambda: Job.objects.filter(pk=job.pk, heartbeat_at__gt=claimed["heartbeat_at"]).exists(),
            "heartbeat after the claim",
        )
        client.force_login(staff)
        assert client.get(f"/jobs/{job.pk}/status.json").json()["state"] == "running"
    finally:
        release.set()
    wait_until(lambda: Job.objects.filter(pk=job.pk, state=JobState.DONE).exists(), "end of the job")
    assert Job.objects.get(pk=job.pk).message == "Xong việc thử."


# --- a real worker process killed mid-save -------------------------------------------------

# More rows than the preview saves at once, so the save is a background job.
UPLOAD_ROWS = job_imports.BACKGROUND_IMPORT_ROWS + 500


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_save_leaves_a_failed_job_nothing_saved_and_is_purged(client, chair_a, union_a, settings):
    settings.JOBS_RUN = "worker"  # the job waits for a worker process
    settings.JOB_DEAD_AFTER_SECONDS = 2
    client.force_login(chair_a)
    record = NominationImport.objects.get(
        pk=_pk_from(upload(client, union_a, make_xlsx([row() for _ in range(UPLOAD_ROWS)])))
    )
    client.post(preview_url(record), {"save": "1"})
    job = Job.objects.get()
    assert (job.kind, job.state) == ("nomination_import", JobState.QUEUED)

    # Another session holds the nominations table: the worker reads every row, writes the
    # people (in its one transaction) and then waits there, certainly mid-save, to be killed.
    table = Nomination._meta.db_table
    holder = connections.create_connection(DEFAULT_DB_ALIAS)
    holder.set_autocommit(False)
    with holder.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {table} IN SHARE MODE")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(DATABASE_URL=_database_url(), JOBS_RUN="worker", JOB_HEARTBEAT_SECONDS="1")
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_jobs", "--once", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_until(lambda: Job.objects.filter(pk=job.pk, done__gt=0).exists(), "progress", worker)

        def waiting_backend():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pid FROM pg_locks WHERE relation = %s::regclass AND NOT granted", [table])
                found = cursor.fetchone()
            return found and found[0]

        backend = wait_until(waiting_backend, "save waiting for the nominations table", worker)
        # Every row read and the save's half under way: the heartbeat, written through the
        # worker's own connection, shows the count although the work's transaction is open.
        wait_until(lambda: Job.objects.filter(pk=job.pk, done__gt=UPLOAD_ROWS).exists(), "saving progress", worker)
        running = Job.objects.get(pk=job.pk)
        assert running.state == JobState.RUNNING and running.heartbeat_at is not None
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=DEADLINE_SECONDS)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        worker.stdout.close()
        holder.rollback()
        holder.close()

    # PostgreSQL ends the killed worker's session when it finds the client gone, rolling back.
    def session_ended():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [backend])
            return cursor.fetchone()[0] == 0

    wait_until(session_ended, "end of the killed worker's database session")
    assert Job.objects.get(pk=job.pk).state == JobState.RUNNING  # nobody has looked yet

    # Past the threshold, the page the progress bar polls says what happened.
    status = wait_until(
        lambda: (s := client.get(f"/jobs/{job.pk}/status.json").json())["state"] == "failed" and s, "failed status"
    )
    assert status["error"].startswith(DEAD) and status["error"].endswith(NOTHING_SAVED)
    assert status["result_url"] == preview_url(record)  # the preview, to save the file again
    assert not Nomination.objects.filter(source_import=record).exists()
    assert not Person.objects.exists()
    record.refresh_from_db()
    assert record.state == NominationImport.State.PREVIEW

    # Then it is kept, and purged, like any finished job.
    settings.JOB_KEEP_HOURS = 24
    purge_finished()
    assert Job.objects.filter(pk=job.pk, state=JobState.FAILED).exists()
    settings.JOB_KEEP_HOURS = 0
    purge_finished()
    assert not Job.objects.filter(pk=job.pk).exists()
