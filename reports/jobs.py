"""Report exports as background jobs: the same builders as the direct download.

The job kind "report" is registered with `jobs.runner` from `ReportsConfig.ready()`, with
who may start and download it and whether its file lists people (then its download is
access-logged with the people the job recorded).
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from classes.models import Enrollment, StipendPayment
from jobs.runner import Job, register  # the runner is the one part of jobs an app uses
from tienlang.lib import disclosure

from . import exports
from .exports import KINDS, TITLES
from .permissions import lists_people, may_see_report
from .queries import Scope, introductions

# Exports estimated above this many rows run as a job the page follows.
LARGE_EXPORT_ROWS = 5_000


def estimate_rows(kind: str, scope: Scope, year: int) -> int | None:
    """Rows the report will list (one count query), or None for the small summary reports."""
    if kind == "quota":
        return 2 * scope.unions().count()  # the results and, in the same order, the breakdown
    if kind == "roster":
        return scope.rows(Enrollment.objects).filter(training_class__year=year).count()
    if kind == "stipends":
        return scope.rows(StipendPayment.objects).filter(enrollment__training_class__year=year).count()
    if kind == "introductions":
        return introductions(scope, year).count()
    return None


def is_large(kind: str, scope: Scope, year: int) -> bool:
    rows = estimate_rows(kind, scope, year)
    return rows is not None and rows > LARGE_EXPORT_ROWS


def _report_centre(params: dict) -> str:
    """Where an export that did not finish is started again: the report centre for its year."""
    year = params.get("year")
    return f"{reverse('reports:centre')}?{urlencode({'year': year})}" if year else reverse("reports:centre")


def start(user: User, kind: str, year: str) -> tuple[str, dict, int | None]:
    """The label, parameters and estimated rows of a new export of report `kind` for `year`.

    Raises Http404 (no such report), PermissionDenied, or ValueError (a year that is not one).
    """
    if kind not in KINDS:
        raise Http404
    if not may_see_report(user, kind):
        raise PermissionDenied
    if not year.isdigit() or not 2000 <= int(year) <= 2100:
        raise ValueError(_("Năm không hợp lệ."))
    total = estimate_rows(kind, Scope(user=user), int(year))
    return f"{TITLES[kind]} — {year}", {"kind": kind, "year": int(year)}, total


def may_download(user: User, params: dict) -> bool:
    return may_see_report(user, params.get("kind", ""))


def download_lists_people(params: dict) -> bool:
    return lists_people(params.get("kind", ""))


def run_report(job: Job) -> tuple[bytes, str]:
    kind, year = job.params["kind"], int(job.params["year"])
    # Scope and permission as of now, not as of the request: a role may have changed.
    if not may_see_report(job.user, kind) or not job.user.is_active:
        raise PermissionDenied
    with disclosure.collecting() as seen:
        data = exports.build_report(kind, Scope(user=job.user), year)
    # Kept for the access log of the download: which people the file lists, which fields.
    job.params = {**job.params, "person_ids": sorted(seen.person_ids), "fields": sorted(seen.fields)}
    type(job).objects.filter(pk=job.pk).update(params=job.params)
    return data, f"{kind}-{year}.xlsx"


def register_jobs() -> None:
    register(
        "report",
        run_report,
        again=_report_centre,
        start=start,
        may_download=may_download,
        lists_people=download_lists_people,
    )
