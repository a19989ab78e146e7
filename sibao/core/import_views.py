"""Pages of a registry import job (issue 8 #8): the fragment that follows its progress (htmx polls it while
the job runs) and the confirm / cancel buttons. Each app's upload page shows the job it redirected to
(``import_job_context``); the job lives here, in the kernel, once for every kind of import."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sibao.core.errors import ServiceError
from sibao.core.import_jobs import (
    ImportKind,
    import_job_cancel,
    import_job_confirm,
    import_job_get,
    import_job_list,
    import_kind,
    is_running,
)
from sibao.core.models import ImportJob, ImportJobStatus
from sibao.core.roles import has_capability


def job_page(job: ImportJob) -> str:
    """The upload page of the job's kind, showing this job."""
    return import_kind(job.kind).upload_url(job)


def _kind_for(request: HttpRequest, job: ImportJob) -> ImportKind:
    kind = import_kind(job.kind)
    if not has_capability(request.user, kind.capability):
        raise PermissionDenied
    return kind


def job_context(request: HttpRequest, job: ImportJob) -> dict[str, Any]:
    kind = _kind_for(request, job)
    extra = kind.context(request.user, job) if kind.context else {}
    return {
        "job": job,
        "kind": kind,
        "running": is_running(job),
        "rows": job.preview,
        "result": {"errors": [error["message"] for error in job.row_errors]},
        "filename": job.file_name,
        "done_message": kind.done_message(job) if job.status == ImportJobStatus.DONE else "",
        "done_url": kind.done_url(job),
        **extra,
    }


def import_job_context(request: HttpRequest, *, kind: str) -> dict[str, Any]:
    """For an app's upload page: the job named by ``?job=`` (the user's own, of this kind) and the user's
    recent jobs of this kind."""
    context: dict[str, Any] = {"recent_jobs": list(import_job_list(user=request.user, kind=kind))}
    job_id = request.GET.get("job")
    if job_id:
        job = import_job_get(user=request.user, pk=job_id)
        if job.kind != kind:
            raise Http404
        context.update(job_context(request, job))
    return context


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's fragment (htmx polls it every second while the job runs); a plain visit goes to the page."""
    job = import_job_get(user=request.user, pk=pk)
    if not request.headers.get("HX-Request"):
        _kind_for(request, job)
        return redirect(job_page(job))
    return render(request, "core/_import_job.html", job_context(request, job))


@require_POST
@login_required
def import_job_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = import_job_get(user=request.user, pk=pk)
    kind = _kind_for(request, job)
    try:
        job = import_job_confirm(actor=request.user, job=job)
    except ServiceError as refused:
        messages.error(request, refused.message)
        return redirect(job_page(job))
    if job.status == ImportJobStatus.DONE:
        messages.success(request, kind.done_message(job))
        return redirect(kind.done_url(job))
    return redirect(job_page(job))


@require_POST
@login_required
def import_job_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = import_job_get(user=request.user, pk=pk)
    kind = _kind_for(request, job)
    try:
        import_job_cancel(actor=request.user, job=job)
    except ServiceError as refused:
        messages.error(request, refused.message)
        return redirect(job_page(job))
    return redirect(kind.upload_url(job).split("?")[0])
