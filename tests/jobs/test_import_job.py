"""A large nomination upload is saved by a background job; the all-or-nothing rules hold."""

from __future__ import annotations

import pytest
from django.urls import reverse

from candidates import jobs as job_imports
from candidates.models import Nomination, NominationImport
from jobs.models import Job, JobState
from tests.candidates.test_import_support import make_xlsx, row
from tests.candidates.test_import_views import _pk_from, preview_url, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def background(settings, monkeypatch):
    settings.JOBS_RUN = "inline"
    monkeypatch.setattr(job_imports, "BACKGROUND_IMPORT_ROWS", 2)


def test_a_large_upload_is_saved_by_a_job_with_progress(client, chair_a, union_a, background):
    client.force_login(chair_a)
    record = NominationImport.objects.get(pk=_pk_from(upload(client, union_a, make_xlsx([row() for _ in range(4)]))))
    response = client.post(preview_url(record), {"save": "1"})
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert (job.kind, job.total, job.state) == ("nomination_import", 8, JobState.DONE)
    assert job.done == 8  # each row read, then saved
    status = client.get(f"/jobs/{job.pk}/status.json").json()
    assert status["message"] == "Đã lưu 4 hồ sơ." and status["result_url"] == reverse("candidates:nomination_list")
    assert status["download_url"] is None
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404
    assert Nomination.objects.filter(source_import=record, created_by=chair_a).count() == 4
    record.refresh_from_db()
    assert record.state == NominationImport.State.SAVED

    # A second click finds the file saved and saves nothing twice.
    client.post(preview_url(record), {"save": "1"})
    assert Nomination.objects.count() == 4


def test_a_file_with_errors_saves_nothing_and_the_job_says_so(client, chair_a, union_a, background):
    client.force_login(chair_a)
    rows = [row() for _ in range(4)]
    rows[1]["date_of_birth"] = "30/02/1996"
    record = NominationImport.objects.get(pk=_pk_from(upload(client, union_a, make_xlsx(rows))))
    client.post(preview_url(record), {"save": "1"})
    job = Job.objects.get()
    assert job.state == JobState.FAILED and "Chưa lưu hồ sơ nào" in job.error
    assert job.result_url == preview_url(record)
    assert Nomination.objects.count() == 0


def test_small_uploads_are_still_saved_at_once(client, chair_a, union_a, background):
    client.force_login(chair_a)
    record = NominationImport.objects.get(pk=_pk_from(upload(client, union_a, make_xlsx([row(), row()]))))
    response = client.post(preview_url(record), {"save": "1"})
    assert response.url == reverse("candidates:nomination_list") and not Job.objects.exists()
    assert Nomination.objects.count() == 2


def test_another_unions_chair_cannot_start_the_save(client, chair_a, chair_b, union_a, background):
    client.force_login(chair_a)
    record = NominationImport.objects.get(pk=_pk_from(upload(client, union_a, make_xlsx([row() for _ in range(3)]))))
    client.force_login(chair_b)
    assert client.post(preview_url(record), {"save": "1"}).status_code == 404
    assert not Job.objects.exists() and Nomination.objects.count() == 0
