"""Enqueue, claim and run jobs; tell the jobs whose process died.

`JOBS_RUN` chooses how a new job starts: "thread" (default: a thread of the web process
starts it at once, so a single-machine install needs nothing more), "worker" (only
`manage.py run_jobs` runs jobs: several machines, or web processes that must not do long
work) or "inline" (in the request itself: tests). Whatever the mode, a job is claimed
with a row lock first, so a job is never run twice.

While a job runs, its process writes a heartbeat every `JOB_HEARTBEAT_SECONDS`. A process
that dies (killed, restarted, out of memory) stops beating: once a running job has given no
sign of life for `JOB_DEAD_AFTER_SECONDS`, the next look at it (its page, the progress bar's
status, the admin list, `run_jobs`, a purge) marks it failed. Its work was one transaction,
rolled back with the process; the job is then purged like any finished job.
"""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

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


class Abandoned(Exception):
    """The job was judged dead while it still ran (a frozen process): its work must not be kept."""


# kind -> function(job) returning an Outcome (or a (file bytes, file name) pair)
RUNNERS: dict[str, Callable[[Job], Outcome | tuple[bytes, str]]] = {}
# kind -> function(job params) giving the page where the user starts the work again
AGAIN_URLS: dict[str, Callable[[dict], str]] = {}
# kind -> function(user, what, year text) giving a new job's (label, params, estimated rows), or raising
# Http404, PermissionDenied or ValueError (its message shown): how a view queues a job of that kind
STARTERS: dict[str, Callable[[object, str, str], tuple[str, dict, int | None]]] = {}
# kind -> function(user, job params): may the job's owner still download its file?
DOWNLOAD_CHECKS: dict[str, Callable[[object, dict], bool]] = {}
# kind -> function(job params): does the job's file list people? (its download is then access-logged)
LISTS_PEOPLE: dict[str, Callable[[dict], bool]] = {}


def register(
    kind: str,
    function: Callable | None = None,
    *,
    again: Callable[[dict], str] | None = None,
    start: Callable[[object, str, str], tuple[str, dict, int | None]] | None = None,
    may_download: Callable[[object, dict], bool] | None = None,
    lists_people: Callable[[dict], bool] | None = None,
):
    """Register the runner of job `kind`: `register(kind, run, ...)`, or as `@register(kind, ...)`.

    The app that owns the work says, with it, where to start it again, how a view starts
    it, who may download its file and whether that file lists people.
    """

    def decorator(run):
        RUNNERS[kind] = run
        for registry, value in (
            (AGAIN_URLS, again),
            (STARTERS, start),
            (DOWNLOAD_CHECKS, may_download),
            (LISTS_PEOPLE, lists_people),
        ):
            if value is not None:
                registry[kind] = value
        return run

    return decorator(function) if function is not None else decorator


def may_download(job: Job, user) -> bool:
    check = DOWNLOAD_CHECKS.get(job.kind)
    return check is None or check(user, job.params)


def lists_people(job: Job) -> bool:
    check = LISTS_PEOPLE.get(job.kind)
    return check is not None and check(job.params)


def mode() -> str:
    return getattr(settings, "JOBS_RUN", "thread")


def heartbeat_seconds() -> float:
    return float(getattr(settings, "JOB_HEARTBEAT_SECONDS", 10))


def dead_after_seconds() -> float:
    return float(getattr(settings, "JOB_DEAD_AFTER_SECONDS", 60))


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
        job.heartbeat_at = job.started_at  # the first sign of life
        Job.objects.filter(pk=job.pk).update(state=job.state, started_at=job.started_at, heartbeat_at=job.heartbeat_at)
    return job


def run_one(pk: int | None = None) -> bool:
    """Claim one job and run it to the end; False when there was nothing to run."""
    job = claim(pk)
    if job is None:
        return False

    heartbeat = _Heartbeat(job.pk)
    # A job judged dead meanwhile keeps that verdict: the final writes are for running jobs only.
    still_running = Job.objects.filter(pk=job.pk, state=JobState.RUNNING)
    try:
        with progress.reporting(heartbeat.progress) as reporter:
            heartbeat.follow(reporter)
            outcome = RUNNERS[job.kind](job)
        if not isinstance(outcome, Outcome):
            outcome = Outcome(data=outcome[0], name=outcome[1])
        still_running.update(
            state=JobState.FAILED if outcome.failed else JobState.DONE,
            result=outcome.data,
            result_name=outcome.name,
            message=outcome.message[:500],
            result_url=outcome.url[:300],
            error=outcome.message[:500] if outcome.failed else "",
            done=reporter.done,
            finished_at=timezone.now(),
        )
    except Abandoned:
        logger.warning("job %s (%s) was judged dead before it ended; its work was rolled back", job.pk, job.kind)
    except Exception:
        # The message shown stays generic: exceptions can carry personal data.
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        still_running.update(
            state=JobState.FAILED,
            error=_("Không thực hiện được; quản trị hệ thống xem nhật ký máy chủ."),
            finished_at=timezone.now(),
        )
    finally:
        heartbeat.stop()
    return True


def confirm_alive(job: Job) -> None:
    """Call inside a job's transaction, just before it commits: is the job still running?

    Raises Abandoned (rolling the transaction back) when the job was judged dead meanwhile,
    since its page then says nothing was saved. Otherwise the heartbeat written here holds the
    job's row until the commit, so it cannot be judged dead between this check and the commit.
    """
    if not Job.objects.filter(pk=job.pk, state=JobState.RUNNING).update(heartbeat_at=timezone.now()):
        raise Abandoned


class _Heartbeat:
    """Writes a running job's progress and a sign of life where the page polling it sees them at once.

    A job may run inside a transaction (saving an upload is all or nothing), which would hide
    its progress until the end: on PostgreSQL a daemon thread writes both through a connection
    of its own, whenever the progress moves and at least every JOB_HEARTBEAT_SECONDS while the
    work is silent (one long query), each time with the rows done so far. The thread dies with
    its process, and so does the beat.
    On SQLite a second writer would wait for the first: there progress is written only outside
    a transaction, and there is no beat (see `fail_dead_jobs`).
    """

    def __init__(self, pk: int):
        self.pk = pk
        self.done = 0
        self._reporter = None
        self.every = heartbeat_seconds()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread = None
        if connection.vendor == "postgresql":
            self._thread = threading.Thread(target=self._beat, name=f"job-{pk}-heartbeat", daemon=True)
            self._thread.start()

    def follow(self, reporter) -> None:
        """Count from the job's progress reporter, which throttles its own calls to `progress`."""
        self._reporter = reporter

    def progress(self, done: int) -> None:
        self.done = done
        if self._thread is not None:
            self._wake.set()
        elif not connection.in_atomic_block:
            Job.objects.filter(pk=self.pk).update(done=done)

    def _beat(self) -> None:
        own = connections.create_connection(DEFAULT_DB_ALIAS)
        sql = f"UPDATE {Job._meta.db_table} SET done = %s, heartbeat_at = %s WHERE id = %s AND state = %s"
        try:
            while not self._stopping.is_set():
                self._wake.wait(self.every)
                self._wake.clear()
                if self._stopping.is_set():
                    break
                try:
                    with own.cursor() as cursor:
                        done = self._reporter.done if self._reporter is not None else self.done
                        cursor.execute(sql, [done, timezone.now(), self.pk, JobState.RUNNING])
                except DatabaseError:
                    # The database restarted, say: the next beat connects again.
                    logger.warning("job %s: heartbeat not written", self.pk, exc_info=True)
                    own.close()
        finally:
            own.close()

    def stop(self) -> None:
        if self._thread is not None:
            self._stopping.set()
            self._wake.set()
            self._thread.join(timeout=30)


def _dead(now) -> Q:
    """Running jobs whose last sign of life (heartbeat, else start, else request) is too old."""
    cutoff = now - datetime.timedelta(seconds=dead_after_seconds())
    no_beat = Q(heartbeat_at__isnull=True)
    return Q(state=JobState.RUNNING) & (
        Q(heartbeat_at__lt=cutoff)
        | (no_beat & Q(started_at__lt=cutoff))
        | (no_beat & Q(started_at__isnull=True, created_at__lt=cutoff))
    )


def fail_dead_jobs(pk: int | None = None) -> int:
    """Mark failed the running jobs (or job `pk`) that gave no sign of life for JOB_DEAD_AFTER_SECONDS.

    Only on PostgreSQL, where the heartbeat is written during the job's transaction; on SQLite
    (development) a job killed mid-run stays running.
    """
    if connection.vendor != "postgresql":
        return 0
    now = timezone.now()
    dead = Job.objects.filter(_dead(now))
    if pk is not None:
        dead = dead.filter(pk=pk)
    failed = 0
    for job in dead.only("pk", "kind", "params", "created_at", "started_at", "heartbeat_at"):
        seen = job.heartbeat_at or job.started_at or job.created_at
        local = timezone.localtime(seen)
        error = _(
            "Tiến trình xử lý đã dừng đột ngột lúc %(time)s ngày %(date)s; không có dữ liệu nào được lưu. Hãy chạy lại."
        ) % {"time": f"{local:%H:%M}", "date": f"{local:%d/%m/%Y}"}
        again = AGAIN_URLS.get(job.kind)
        # Conditional: a job that beat or ended since the query above is left as it is.
        failed += Job.objects.filter(_dead(now), pk=job.pk).update(
            state=JobState.FAILED,
            error=error,
            result_url=again(job.params)[:300] if again else "",
            finished_at=seen,
        )
    if failed:
        logger.warning("%s background job(s) lost their process and were marked failed", failed)
    return failed


def fail_if_dead(job: Job) -> None:
    """The same check for one job already read (its page): no query while it is alive."""
    if job.state != JobState.RUNNING or connection.vendor != "postgresql":
        return
    seen = job.heartbeat_at or job.started_at or job.created_at
    if timezone.now() - seen < datetime.timedelta(seconds=dead_after_seconds()):
        return
    fail_dead_jobs(pk=job.pk)
    job.refresh_from_db(fields=["state", "done", "error", "message", "result_url", "finished_at", "heartbeat_at"])


def purge_finished() -> int:
    """Finished jobs (and their files, which may hold personal data) are kept JOB_KEEP_HOURS.

    Jobs that lost their process are marked failed first, and go the same way.
    """
    fail_dead_jobs()
    hours = getattr(settings, "JOB_KEEP_HOURS", 24)
    cutoff = timezone.now() - datetime.timedelta(hours=hours)
    deleted, _by_model = Job.objects.filter(created_at__lt=cutoff).exclude(state=JobState.RUNNING).delete()
    return deleted
