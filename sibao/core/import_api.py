"""API of registry import jobs (issue 8 #8, X-5): each app's upload endpoint answers the job it started
(``job_response``: 200 when already finished, 202 while it runs); these endpoints follow it, confirm a
checked file or drop it. A job is its uploader's: anyone else gets 404."""

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status

from sibao.core.api_errors import responses
from sibao.core.api_types import Id
from sibao.core.import_jobs import import_job_cancel, import_job_confirm, import_job_get, is_running
from sibao.core.models import ImportJob

router = Router(tags=["imports"])


class ImportRowErrorOut(Schema):
    row: int
    record: int
    column: str
    message: str


class ImportJobOut(Schema):
    id: int
    kind: str
    status: Literal["pending", "running", "checked", "done", "failed", "cancelled"]
    dry_run: bool  # a check only: "checked" waits for POST /api/imports/{id}/confirm
    progress: int
    file_name: str
    total_rows: int
    saved: int
    committed: bool
    error: str  # why the whole file failed; row errors are in ``errors``
    errors: list[ImportRowErrorOut]
    error_count: int
    summary: dict[str, int]
    created_at: datetime
    finished_at: datetime | None


def job_out(job: ImportJob) -> dict[str, Any]:
    return {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "dry_run": not job.commit,
        "progress": job.progress,
        "file_name": job.file_name,
        "total_rows": job.total_rows,
        "saved": job.saved,
        "committed": job.status == "done",
        "error": job.error,
        "errors": job.row_errors,
        "error_count": job.error_count,
        "summary": job.summary,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


def job_response(job: ImportJob) -> Status:
    """202 Accepted while the job waits or runs (poll ``GET /api/imports/{id}``), else 200 with its outcome."""
    return Status(202 if is_running(job) else 200, job_out(job))


JOB_RESPONSES: dict[int, Any] = {200: ImportJobOut, 202: ImportJobOut}


@router.get("/{job_id}", response=responses({200: ImportJobOut}), summary="One import job of yours")
def get_job(request: HttpRequest, job_id: Id) -> Any:
    return job_out(import_job_get(user=request.user, pk=job_id))


@router.post(
    "/{job_id}/confirm",
    response=responses({**JOB_RESPONSES}),
    summary="Import a checked file (it is checked again, then saved all or nothing)",
)
def confirm_job(request: HttpRequest, job_id: Id) -> Any:
    job = import_job_get(user=request.user, pk=job_id)
    return job_response(import_job_confirm(actor=request.user, job=job))


@router.post("/{job_id}/cancel", response=responses({200: ImportJobOut}), summary="Drop a checked file")
def cancel_job(request: HttpRequest, job_id: Id) -> Any:
    job = import_job_get(user=request.user, pk=job_id)
    return job_out(import_job_cancel(actor=request.user, job=job))
