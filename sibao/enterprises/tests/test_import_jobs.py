"""Issue 8 #8 / issue 9 #6: an enterprise import is a background job. The page and the API return at once,
the page follows the job's progress and shows its errors or its preview, confirming imports it, dropping it
deletes the file; a job is its uploader's only; an interrupted job is run again; nothing is kept in the
session, and the stored file is gone once the job ends or expires."""

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import Personas, client_for
from sibao.core import import_jobs
from sibao.core.jobs import recover
from sibao.core.models import ImportJob, StoredUpload
from sibao.core.tasks import run_import_job
from sibao.core.uploads import path_of, uploads_purge
from sibao.enterprises.models import Enterprise
from sibao.enterprises.tests.test_import import three_rows, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_the_background(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file goes to the worker, however small (in production: above a few hundred rows)."""
    monkeypatch.setattr(import_jobs, "INLINE_MAX_BYTES", 0)


def names(rows: list[list[str]]) -> list[str]:
    return [row[0] for row in rows]


def test_the_page_returns_at_once_and_follows_the_job(
    personas: Personas, in_the_background: None, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(personas.tongxu_hq)
    rows = three_rows(False)
    with django_capture_on_commit_callbacks() as queued:  # the worker has not taken the task yet
        response = client.post("/enterprises/import/", {"file": xlsx(rows), "preview": "1"})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/enterprises/import/?job={job.pk}"
    assert job.status == "pending" and len(queued) == 1
    page = client.get(response["Location"]).content.decode()
    poll = reverse("core:import_job", args=[job.pk])
    assert f'hx-get="{poll}"' in page and 'hx-trigger="every 1s"' in page and "<progress" in page

    queued[0]()  # the worker runs the job (the immediate backend runs the task as it is enqueued)
    job.refresh_from_db()
    assert job.status == "checked" and job.progress == 100 and job.total_rows == 3
    fragment = client.get(poll, headers={"HX-Request": "true"}).content.decode()
    assert 'data-testid="import-preview-ok"' in fragment and "hx-trigger" not in fragment
    assert rows[0][1] in fragment and not Enterprise.objects.filter(name__in=names(rows)).exists()

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(reverse("core:import_job_confirm", args=[job.pk]))
    assert confirmed.status_code == 302  # back to the job while the worker imports
    job.refresh_from_db()
    assert job.status == "done" and job.saved == 3 and job.upload is None and not StoredUpload.objects.exists()
    assert Enterprise.objects.filter(name__in=names(rows)).count() == 3
    done = client.get(confirmed["Location"]).content.decode()
    assert 'data-testid="import-done"' in done and "3" in done
    assert not [key for key in client.session.keys() if "import" in key]  # noqa: SIM118 (a session is no dict)


def test_the_api_answers_the_job_to_poll(
    personas: Personas, in_the_background: None, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(personas.tongxu_hq)
    rows = three_rows(False)
    with django_capture_on_commit_callbacks() as queued:
        answer = client.post("/api/enterprises/import?dry_run=false", {"file": xlsx(rows)})
    body = answer.json()
    assert answer.status_code == 202 and body["status"] == "pending" and body["dry_run"] is False
    assert client.get(f"/api/imports/{body['id']}").json()["status"] == "pending"
    queued[0]()
    polled = client.get(f"/api/imports/{body['id']}").json()
    assert polled["status"] == "done" and polled["committed"] and polled["saved"] == 3 and polled["errors"] == []
    assert Enterprise.objects.filter(name__in=names(rows)).count() == 3
    # Someone else's job does not exist for them.
    assert client_for(personas.xinzheng_hq).get(f"/api/imports/{body['id']}").status_code == 404
    assert client_for(personas.tongxu_industry).get(f"/api/imports/{body['id']}").status_code == 404


def test_a_checked_file_is_confirmed_once_through_the_api(personas: Personas) -> None:
    client = client_for(personas.tongxu_hq)
    rows = three_rows(False)
    checked = client.post("/api/enterprises/import", {"file": xlsx(rows)})
    assert checked.status_code == 200 and checked.json()["status"] == "checked"  # small: checked at once
    job_id = checked.json()["id"]
    done = client.post(f"/api/imports/{job_id}/confirm")
    assert done.status_code == 200 and done.json()["status"] == "done" and done.json()["saved"] == 3
    again = client.post(f"/api/imports/{job_id}/confirm")
    assert again.status_code == 409 and again.json()["code"] == "import.confirm.state"
    assert Enterprise.objects.filter(name__in=names(rows)).count() == 3


def test_dropping_a_checked_file_deletes_it(personas: Personas, django_capture_on_commit_callbacks: Any) -> None:
    client = client_for(personas.tongxu_hq)
    client.post("/enterprises/import/", {"file": xlsx(three_rows(False)), "preview": "1"})
    job = ImportJob.objects.get()
    assert job.upload is not None
    stored = path_of(job.upload)
    with django_capture_on_commit_callbacks(execute=True):
        dropped = client.post(reverse("core:import_job_cancel", args=[job.pk]))
    assert dropped.status_code == 302 and dropped["Location"] == "/enterprises/import/"
    job.refresh_from_db()
    assert job.status == "cancelled" and not stored.exists() and not StoredUpload.objects.exists()
    assert client.post(reverse("core:import_job_confirm", args=[job.pk])).status_code == 302  # refused
    assert not Enterprise.objects.filter(name=three_rows(False)[0][0]).exists()


def test_an_expired_preview_cannot_be_confirmed(personas: Personas) -> None:
    client = client_for(personas.tongxu_hq)
    checked = client.post("/api/enterprises/import", {"file": xlsx(three_rows(False))}).json()
    uploads_purge(now=timezone.now() + import_jobs.KEEP_FOR + timedelta(minutes=1))
    assert not StoredUpload.objects.exists()
    refused = client.post(f"/api/imports/{checked['id']}/confirm")
    assert refused.status_code == 409 and refused.json()["code"] == "import.expired"
    page = client.post(reverse("core:import_job_confirm", args=[checked["id"]]), follow=True).content.decode()
    assert "过期" in page


def test_a_job_is_its_uploaders_only(personas: Personas) -> None:
    client_for(personas.tongxu_hq).post("/enterprises/import/", {"file": xlsx(three_rows(True)), "preview": "1"})
    job = ImportJob.objects.get()
    other = client_for(personas.kaifeng_hq)  # may import too, but this is not their file
    assert other.get(f"/enterprises/import/?job={job.pk}").status_code == 404
    assert other.get(reverse("core:import_job", args=[job.pk]), headers={"HX-Request": "true"}).status_code == 404
    assert other.post(reverse("core:import_job_confirm", args=[job.pk])).status_code == 404
    assert client_for(personas.tongxu_hq).get(f"/enterprises/import/?job={job.pk}").status_code == 200


def test_messages_are_in_the_uploaders_language(
    personas: Personas, in_the_background: None, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(personas.tongxu_hq)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    with django_capture_on_commit_callbacks() as queued:
        answer = client.post("/api/enterprises/import", {"file": xlsx(three_rows(True))}).json()
    queued[0]()  # the worker's own language is the default (Chinese)
    errors = client.get(f"/api/imports/{answer['id']}").json()["errors"]
    assert errors and errors[0]["message"].startswith("Data row 2")


def test_an_interrupted_job_is_run_again(
    personas: Personas, in_the_background: None, django_capture_on_commit_callbacks: Any
) -> None:
    """A job left running by a killed worker holds no lock: the recovery pass enqueues it again and it
    ends (see the epidemic ingest's tests for the same with real killed processes)."""
    client = client_for(personas.tongxu_hq)
    with django_capture_on_commit_callbacks():
        job_id = client.post("/api/enterprises/import", {"file": xlsx(three_rows(False))}).json()["id"]
    ImportJob.objects.filter(pk=job_id).update(status="running", attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert recover(ImportJob, task=run_import_job) == [job_id]
    job = ImportJob.objects.get(pk=job_id)
    assert job.status == "checked" and job.attempts == 2
