"""Start a background export, follow its progress, download its file.

A job is visible only to the user who started it: anyone else gets 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from tienlang.lib.audit import record_access
from tienlang.lib.xlsx import xlsx_response

from .models import Job, JobState
from .runner import STARTERS, enqueue, fail_if_dead, lists_people, may_download

# The access log's action for a file exported (unions.models.AccessLog.Action.EXPORT).
EXPORTED = "export"


def _own_job(request, pk: int) -> Job:
    """The user's job; one whose process died is marked failed as it is read."""
    job = get_object_or_404(Job.objects.defer("result").filter(user=request.user), pk=pk)
    fail_if_dead(job)
    return job


@require_POST
def start_report(request, kind: str):
    """Queue the Excel file of report `kind` for `?year=` and show its progress page."""
    return _start(request, "report", kind)


def _start(request, job_kind: str, what: str):
    starter = STARTERS.get(job_kind)
    if starter is None:
        raise Http404
    year = request.POST.get("year") or request.GET.get("year") or ""
    try:
        label, params, total = starter(request.user, what, year)
    except ValueError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    job = enqueue(job_kind, request.user, label, params, total=total)
    return redirect(job)


@require_GET
def job_detail(request, pk: int):
    job = _own_job(request, pk)
    section = (
        (_("Hồ sơ nguồn"), "candidates:nomination_list")
        if job.kind == "nomination_import"
        else (_("Báo cáo"), "reports:centre")
    )
    return render(request, "jobs/job_detail.html", {"job": job, "breadcrumbs": [section, (job.label, None)]})


@never_cache
@require_GET
def job_status(request, pk: int):
    """What the progress page polls: state, rows done, total, percent, and the file's URL when done."""
    job = _own_job(request, pk)
    return JsonResponse(
        {
            "state": job.state,
            "state_label": job.get_state_display(),
            "done": job.done,
            "total": job.total,
            "percent": job.percent,
            "error": job.error,
            "message": job.message,
            "result_url": job.result_url or None,
            "download_url": reverse("jobs:download", args=[job.pk])
            if job.state == JobState.DONE and job.result_name
            else None,
        }
    )


@require_GET
def job_download(request, pk: int):
    job = get_object_or_404(Job.objects.filter(user=request.user, state=JobState.DONE).exclude(result_name=""), pk=pk)
    if not may_download(job, request.user):
        raise PermissionDenied
    if lists_people(job):
        record_access(
            request,
            EXPORTED,
            job.label,
            job.params.get("person_ids", []),
            fields=job.params.get("fields", []),
        )
    return xlsx_response(bytes(job.result), job.result_name)
