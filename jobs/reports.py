"""Report exports as background jobs: the same builders as the direct download."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.http import urlencode

from tienlang.lib import disclosure

from .runner import register

# Exports estimated above this many rows run as a job the page follows.
LARGE_EXPORT_ROWS = 5_000


def estimate_rows(kind: str, scope, year: int) -> int | None:
    """Rows the report will list (one count query), or None for the small summary reports."""
    from classes.models import Enrollment, StipendPayment
    from reports.queries import introductions

    if kind == "quota":
        return scope.unions().count()
    if kind == "roster":
        return scope._scoped(Enrollment.objects).filter(training_class__year=year).count()
    if kind == "stipends":
        return scope._scoped(StipendPayment.objects).filter(enrollment__training_class__year=year).count()
    if kind == "introductions":
        return introductions(scope, year).count()
    return None


def is_large(kind: str, scope, year: int) -> bool:
    rows = estimate_rows(kind, scope, year)
    return rows is not None and rows > LARGE_EXPORT_ROWS


def _report_centre(params: dict) -> str:
    """Where an export that did not finish is started again: the report centre for its year."""
    year = params.get("year")
    return f"{reverse('reports:centre')}?{urlencode({'year': year})}" if year else reverse("reports:centre")


@register("report", again=_report_centre)
def run_report(job) -> tuple[bytes, str]:
    from reports.exports import build_report
    from reports.queries import Scope
    from reports.views import _allowed

    kind, year = job.params["kind"], int(job.params["year"])
    # Scope and permission as of now, not as of the request: a role may have changed.
    if not _allowed(job.user, kind) or not job.user.is_active:
        raise PermissionDenied
    with disclosure.collecting() as seen:
        data = build_report(kind, Scope(user=job.user), year)
    # Kept for the access log of the download: which people the file lists, which fields.
    job.params = {**job.params, "person_ids": sorted(seen.person_ids), "fields": sorted(seen.fields)}
    type(job).objects.filter(pk=job.pk).update(params=job.params)
    return data, f"{kind}-{year}.xlsx"
