"""Enqueue, claim and run jobs.

`JOBS_RUN` chooses how a new job starts: "thread" (default: a thread of the web process
starts it at once, so a single-machine install needs nothing more), "worker" (only
`manage.py run_jobs` runs jobs: several machines, or web processes that must not do long
work) or "inline" (in the request itself: tests). Whatever the mode, a job is claimed
with a row lock first, so a job is never run twice; `run_jobs` also picks up jobs whose
thread died with its process.
"""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone

from tienlang.lib import progress

from .models import Job, JobState

logger = logging.getLogger("tienlang.jobs")


@dataclass
class Outcome:
    """What a job leaves: a file to download, and/or a message and a page to go to."""

    data: bytes | None = None
    name: str = ""
    message: str = ""
    url: str = ""
    failed: bool = False


# kind -> function(job) returning an Outcome (or a (file bytes, file name) pair)
RUNNERS: dict[str, Callable[[Job], Outcome | tuple[bytes, str]]] = {}


def register(kind: str):
    def decorator(function):
        RUNNERS[kind] = function
        return function

    return decorator


def mode() -> str:
    return getattr(settings, "JOBS_RUN", "thread")


def enqueue(kind: str, user, label: str, params: dict, total: int | None = None) -> Job:
    if kind not in RUNNERS:
        raise ValueError(kind)
    purge_finished()
    job = Job.objects.create(kind=kind, user=user, label=label[:255], params=params, total=total)
    how = mode()
    if how == "inline":
        run_one(job.pk)
        job.refresh_from_db()
    elif how == "thread":
        transaction.on_commit(lambda: start_thread(job.pk))
    return job


def start_thread(pk: int) -> None:
    def target():
        try:
            run_one(pk)
        finally:
            connections.close_all()

    threading.Thread(target=target, name=f"job-{pk}", daemon=True).start()


def claim(pk: int | None = None) -> Job | None:
    """Mark the oldest queued job (or job `pk`) as running and return it; None if there is none."""
    with transaction.atomic():
        queryset = Job.objects.filter(state=JobState.QUEUED).order_by("created_at", "pk")
        if pk is not None:
            queryset = queryset.filter(pk=pk)
        if connection.features.has_select_for_update_skip_locked:
            queryset = queryset.select_for_update(skip_locked=True)
        else:
            queryset = queryset.select_for_update()
        job = queryset.defer("result").first()
        if job is None:
            return None
        job.state, job.started_at = JobState.RUNNING, timezone.now()
        Job.objects.filter(pk=job.pk).update(state=job.state, started_at=job.started_at)
    return job


def run_one(pk: int | None = None) -> bool:
    """Claim one job and run it to the end; False when there was nothing to run."""
    job = claim(pk)
    if job is None:
        return False

    writer = _ProgressWriter(job.pk)
    try:
        with progress.reporting(writer.write) as reporter:
            outcome = RUNNERS[job.kind](job)
        if not isinstance(outcome, Outcome):
            outcome = Outcome(data=outcome[0], name=outcome[1])
        Job.objects.filter(pk=job.pk).update(
            state=JobState.FAILED if outcome.failed else JobState.DONE,
            result=outcome.data,
            result_name=outcome.name,
            message=outcome.message[:500],
            result_url=outcome.url[:300],
            error=outcome.message[:500] if outcome.failed else "",
            done=reporter.done,
            finished_at=timezone.now(),
        )
    except Exception:
        # The message shown stays generic: exceptions can carry personal data.
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        Job.objects.filter(pk=job.pk).update(
            state=JobState.FAILED,
            error="Không thực hiện được; quản trị hệ thống xem nhật ký máy chủ.",
            finished_at=timezone.now(),
        )
    finally:
        writer.close()
    return True


class _ProgressWriter:
    """Writes a job's progress where the page polling it can see it at once.

    A job may run inside a transaction (saving an upload is all or nothing), which would
    hide its progress until the end: on PostgreSQL the progress goes through a second
    connection of its own. (On SQLite a second writer would wait for the first, so there
    the progress shows when the work ends.)
    """

    def __init__(self, pk: int):
        self.pk = pk
        self.connection = None
        if connection.vendor == "postgresql":
            self.connection = connections.create_connection(DEFAULT_DB_ALIAS)

    def write(self, done: int) -> None:
        if self.connection is None:
            if not connection.in_atomic_block:
                Job.objects.filter(pk=self.pk).update(done=done)
            return
        with self.connection.cursor() as cursor:
            cursor.execute(f"UPDATE {Job._meta.db_table} SET done = %s WHERE id = %s", [done, self.pk])

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def purge_finished() -> int:
    """Finished jobs (and their files, which may hold personal data) are kept JOB_KEEP_HOURS."""
    hours = getattr(settings, "JOB_KEEP_HOURS", 24)
    cutoff = timezone.now() - datetime.timedelta(hours=hours)
    deleted, _ = Job.objects.filter(created_at__lt=cutoff).exclude(state=JobState.RUNNING).delete()
    return deleted


def requeue_stale(minutes: int = 30) -> int:
    """Jobs left running by a process that died go back to the queue."""
    cutoff = timezone.now() - datetime.timedelta(minutes=minutes)
    return Job.objects.filter(state=JobState.RUNNING, started_at__lt=cutoff).update(
        state=JobState.QUEUED, started_at=None, done=0
    )
