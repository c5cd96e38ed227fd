"""Large exports as background jobs: start, follow, download; only the owner sees a job."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.management import call_command

from jobs.models import Job, JobState
from jobs.runner import enqueue
from reports import jobs as job_reports
from tests import factories
from unions.models import AccessLog, Role


@pytest.fixture
def inline_jobs(settings):
    settings.JOBS_RUN = "inline"


def test_staff_starts_a_report_job_and_downloads_the_file(client, staff, union_a, inline_jobs):
    client.force_login(staff)
    response = client.post("/jobs/report/quota/", {"year": "2022"})
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == f"/jobs/{job.pk}/"
    page = client.get(response.url)
    assert page.status_code == 200 and b"js/jobs.js" in page.content and b"<script>" not in page.content
    status = client.get(f"/jobs/{job.pk}/status.json").json()
    assert status["state"] == "done" and status["percent"] == 100
    assert status["download_url"] == f"/jobs/{job.pk}/download/"
    download = client.get(status["download_url"])
    assert download.status_code == 200 and download["Cache-Control"] == "no-store, private"
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).worksheets[0]
    assert any(cell.value == union_a.name for row in sheet.iter_rows() for cell in row)


def test_job_progress_counts_the_rows_written(staff, union_a, union_b, inline_jobs):
    job = enqueue("report", staff, "Chỉ tiêu", {"kind": "quota", "year": 2022}, total=4)
    assert job.state == JobState.DONE
    assert job.done == 4  # one row per union in scope, in each of the report's two tables


def test_another_user_cannot_see_or_download_a_job(client, staff, leadership, union_a, inline_jobs):
    job = enqueue("report", staff, "Chỉ tiêu", {"kind": "quota", "year": 2022})
    client.force_login(leadership)
    for url in (f"/jobs/{job.pk}/", f"/jobs/{job.pk}/status.json", f"/jobs/{job.pk}/download/"):
        assert client.get(url).status_code == 404


def test_anonymous_is_sent_to_login(client, staff, inline_jobs):
    job = enqueue("report", staff, "Chỉ tiêu", {"kind": "quota", "year": 2022})
    response = client.get(f"/jobs/{job.pk}/status.json")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_party_viewer_cannot_start_a_personal_list(client, party_viewer, inline_jobs):
    client.force_login(party_viewer)
    assert client.post("/jobs/report/roster/", {"year": "2022"}).status_code == 403
    assert not Job.objects.exists()


def test_bad_year_and_unknown_kind_are_refused(client, staff, inline_jobs):
    client.force_login(staff)
    assert client.post("/jobs/report/quota/", {"year": "20x2"}).status_code == 400
    assert client.post("/jobs/report/nothing/", {"year": "2022"}).status_code == 404
    assert client.get("/jobs/report/quota/?year=2022").status_code == 405


def test_worker_runs_queued_jobs(settings, staff, union_a):
    settings.JOBS_RUN = "worker"
    job = enqueue("report", staff, "Chỉ tiêu", {"kind": "quota", "year": 2022})
    assert Job.objects.get(pk=job.pk).state == JobState.QUEUED
    call_command("run_jobs", "--once", verbosity=0)
    job.refresh_from_db()
    assert job.state == JobState.DONE and bytes(job.result)[:2] == b"PK"


def test_failed_job_says_so_without_details(settings, staff, union_a, monkeypatch):
    settings.JOBS_RUN = "inline"

    def broken(kind, scope, year):
        raise RuntimeError("Nguyễn Văn A 031234567890")

    monkeypatch.setattr("reports.exports.build_report", broken)
    job = enqueue("report", staff, "Chỉ tiêu", {"kind": "quota", "year": 2022})
    assert job.state == JobState.FAILED
    assert "031234567890" not in job.error and job.error


def test_downloading_a_personal_list_is_logged(client, staff, inline_jobs):
    job = enqueue("report", staff, "Danh sách học viên — 2022", {"kind": "roster", "year": 2022})
    client.force_login(staff)
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 200
    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORT, what__startswith="Danh sách học viên").exists()


def test_report_centre_offers_a_job_for_large_reports(client, staff, union_a, monkeypatch):
    client.force_login(staff)
    page = client.get("/reports/?year=2022").content.decode()
    assert "/jobs/report/quota/" not in page and "/reports/quota.xlsx?year=2022" in page
    monkeypatch.setattr(job_reports, "LARGE_EXPORT_ROWS", 0)
    page = client.get("/reports/?year=2022").content.decode()
    assert 'action="/jobs/report/quota/"' in page


def test_finished_jobs_are_purged_after_keep_hours(settings, staff, union_a):
    settings.JOBS_RUN = "inline"
    settings.JOB_KEEP_HOURS = 0
    enqueue("report", staff, "Chỉ tiêu", {"kind": "quota", "year": 2022})
    other = factories.make_user(Role.STAFF, federation=staff.profile.federation)
    enqueue("report", other, "Chỉ tiêu", {"kind": "quota", "year": 2022})
    assert Job.objects.count() == 1
