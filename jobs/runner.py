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

from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone

from tienlang.lib import progress

from .models import Job, JobState

logger = logging.getLogger("tienlang.jobs")

# kind -> function(job) returning (file bytes, file name)
RUNNERS: dict[str, Callable[[Job], tuple[bytes, str]]] = {}


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

    def report(done: int) -> None:
        Job.objects.filter(pk=job.pk).update(done=done)

    try:
        with progress.reporting(report) as reporter:
            data, name = RUNNERS[job.kind](job)
        Job.objects.filter(pk=job.pk).update(
            state=JobState.DONE, result=data, result_name=name, done=reporter.done, finished_at=timezone.now()
        )
    except Exception:
        # The message shown stays generic: exceptions can carry personal data.
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        Job.objects.filter(pk=job.pk).update(
            state=JobState.FAILED,
            error="Không tạo được tệp; quản trị hệ thống xem nhật ký máy chủ.",
            finished_at=timezone.now(),
        )
    return True


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
