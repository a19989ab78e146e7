"""Registry imports as background jobs (issue 8 #8, EN-4, X-4): no page or API call waits for a big file.

A 10,000-row enterprise file took longer than gunicorn's 30 s to check and save inside the request, so
every registry import now goes through an ``ImportJob`` row (``core.models``):

1. **Submit** (``import_job_submit``): the upload validator checks the file and the store keeps it
   encrypted (``core.uploads``); a job row is written; a small file is run at once, a larger one enqueued
   (django-tasks, after commit). The page redirects to the job, the API answers it (202 while it runs).
2. **Run** (``import_job_run``, the task body): under the run lock (``core.jobs``) every row is checked
   with the importer's single-record validation, with progress; then either the job waits, *checked*, for
   the user's confirmation (a preview), or — confirmed, or ``dry_run=false`` — the rows are saved in one
   transaction together with ``status = done``. Messages are written in the uploader's language.
3. **Confirm / cancel** (``import_job_confirm`` / ``import_job_cancel``) a checked job; the stored file is
   deleted when the job is done, failed, cancelled, or its upload expired (``uploads_purge``).

Apps declare what they import as ``ImportKind``s listed on their AppConfig (``import_kinds``), so the kernel
runs them without importing any app. A job is visible to its uploader only (others get 404).
"""

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from sibao.core.errors import ServiceError, StateRefused
from sibao.core.imports import Importer, ImportResult, RowError, run_import, save
from sibao.core.jobs import DONE, FAILED, ProgressWriter, claim, finish, run_lock
from sibao.core.models import ImportJob, ImportJobStatus
from sibao.core.permissions import require_capability
from sibao.core.uploads import SPREADSHEETS, upload_check, upload_discard, upload_keep, upload_open, upload_store

PREVIEW_ROWS = 200
STORED_ERRORS = 500
# Files up to this size are checked (or imported) within the request: a few hundred rows take a second or
# two. Anything larger runs in the worker, and the page follows its progress.
INLINE_MAX_BYTES = 16 * 1024
# A checked file waits this long for its confirmation (and a queued one for a worker).
KEEP_FOR = timedelta(hours=24)


@dataclass(frozen=True)
class ImportKind:
    """What one app imports, for the kernel's job pages and API."""

    key: str
    title: str | Promise  # the page's heading, e.g. "Import enterprises"
    capability: str
    importer: Callable[[Any, Mapping[str, Any]], Importer[Any]]  # (actor, params) → importer; refuses bad params
    preview_template: str  # renders ``rows`` (what ``preview_row`` returned) above the confirmation
    preview_row: Callable[[int, Any], dict[str, Any]]  # (sheet row, checked value) → what the preview shows
    upload_url: Callable[[ImportJob], str]  # "upload another file"
    done_url: Callable[[ImportJob], str]  # where the imported rows are listed
    done_message: Callable[[ImportJob], str]
    context: Callable[[Any, ImportJob], dict[str, Any]] | None = None  # more for the preview template


def import_kinds() -> dict[str, ImportKind]:
    kinds: dict[str, ImportKind] = {}
    for config in apps.get_app_configs():
        for path in getattr(config, "import_kinds", ()):
            kind = import_string(path)
            kinds[kind.key] = kind
    return kinds


def import_kind(key: str) -> ImportKind:
    try:
        return import_kinds()[key]
    except KeyError:
        raise Http404 from None


# --- Services ------------------------------------------------------------------------------------------


def _start(job: ImportJob, size: int) -> None:
    from sibao.core.tasks import run_import_job

    if size <= INLINE_MAX_BYTES:
        import_job_run(job.pk)
    else:
        transaction.on_commit(lambda: run_import_job.enqueue(job.pk))


def import_job_submit(
    *, actor: Any, kind: str, upload: Any, file_name: str, params: Mapping[str, Any] | None = None, commit: bool
) -> ImportJob:
    """Check and keep the file, and run (or enqueue) its job: a preview when ``commit`` is false."""
    spec = import_kind(kind)
    require_capability(actor, spec.capability)
    params = dict(params or {})
    spec.importer(actor, params)  # refuses what the job could not run (an enterprise out of scope: 404)
    name = upload_check(
        upload, name=file_name, extensions=SPREADSHEETS, max_bytes=settings.IMPORT_MAX_BYTES, code=f"{kind}.import"
    )
    stored = upload_store(
        owner=actor,
        purpose=f"import:{kind}",
        upload=upload,
        name=name,
        max_bytes=settings.IMPORT_MAX_BYTES,
        ttl=KEEP_FOR,
    )
    job = ImportJob.objects.create(
        kind=kind,
        params=params,
        commit=commit,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        file_name=name,
        upload=stored,
        created_by=actor,
        queued_at=timezone.now(),
    )
    _start(job, stored.size)
    job.refresh_from_db()
    return job


def import_job_confirm(*, actor: Any, job: ImportJob) -> ImportJob:
    """Import a checked file: it is checked again (the registry may have changed since) and saved."""
    require_capability(actor, import_kind(job.kind).capability)
    if job.status != ImportJobStatus.CHECKED:
        raise StateRefused("import.confirm.state", _("Only a checked file waiting for confirmation can be imported."))
    if job.upload_id is None:
        raise StateRefused("import.expired", _("The checked file has expired; please upload it again."), field="file")
    now = timezone.now()
    moved = ImportJob.objects.filter(pk=job.pk, status=ImportJobStatus.CHECKED).update(
        status=ImportJobStatus.PENDING, commit=True, progress=0, queued_at=now, attempts=0, finished_at=None
    )
    if not moved:
        raise StateRefused("import.confirm.state", _("Only a checked file waiting for confirmation can be imported."))
    stored = job.upload
    assert stored is not None
    upload_keep(stored, until=now + KEEP_FOR)
    _start(job, stored.size)
    job.refresh_from_db()
    return job


def import_job_cancel(*, actor: Any, job: ImportJob) -> ImportJob:
    """Drop a checked file instead of importing it; the stored file is deleted."""
    require_capability(actor, import_kind(job.kind).capability)
    with transaction.atomic():
        moved = ImportJob.objects.filter(pk=job.pk, status=ImportJobStatus.CHECKED).update(
            status=ImportJobStatus.CANCELLED, finished_at=timezone.now(), upload=None
        )
        if not moved:
            raise StateRefused("import.cancel.state", _("Only a checked file waiting for confirmation can be dropped."))
        upload_discard(job.upload)
    job.refresh_from_db()
    return job


def _row_errors(errors: Sequence[RowError]) -> list[dict[str, Any]]:
    return [
        {"row": error.row, "record": error.record, "column": error.column, "message": str(error)}
        for error in errors[:STORED_ERRORS]
    ]


def import_job_run(job_id: int) -> ImportJob:
    """The task body: check (and, for a confirmed job, save) one file. Idempotent and safe to run twice at
    once (one runner holds the lock; a finished job is left as it is)."""
    with run_lock(ImportJob, job_id) as lock:
        if not lock.held or not claim(ImportJob, job_id):
            return ImportJob.objects.get(pk=job_id)
        job = ImportJob.objects.select_related("upload", "created_by").get(pk=job_id)
        with translation.override(job.language or settings.LANGUAGE_CODE):
            _run(job, ProgressWriter(ImportJob, job_id, lock))
        lock.finished = True
    return ImportJob.objects.get(pk=job_id)


def _run(job: ImportJob, progress: ProgressWriter) -> None:
    spec = import_kind(job.kind)
    if job.upload is None or job.created_by is None:
        gone = _("The uploaded file is no longer available; send it again.")
        with transaction.atomic():
            finish(ImportJob, job.pk, status=FAILED, progress=100, error=gone)
        return
    try:
        importer = spec.importer(job.created_by, job.params)
        with upload_open(job.upload) as stream:
            result: ImportResult[Any] = run_import(importer, stream, job.file_name, commit=False, progress=progress)
        outcome: dict[str, Any] = {"total_rows": result.total_rows, "progress": 100}
        if result.errors:
            with transaction.atomic():
                finish(
                    ImportJob,
                    job.pk,
                    status=FAILED,
                    row_errors=_row_errors(result.errors),
                    error_count=len(result.errors),
                    **outcome,
                )
        elif not job.commit:
            preview = [spec.preview_row(row, value) for row, value in result.values[:PREVIEW_ROWS]]
            finish(ImportJob, job.pk, status=ImportJobStatus.CHECKED, discard=False, preview=preview, **outcome)
        else:
            with transaction.atomic():  # the rows and "done" commit together
                save(importer, result)
                finish(ImportJob, job.pk, status=DONE, saved=result.saved, summary=result.summary, **outcome)
    except (ServiceError, Http404) as refused:
        # A refusal while saving (a permission withdrawn, a concurrent registration) saves nothing.
        message = refused.message if isinstance(refused, ServiceError) else _("Not found.")
        with transaction.atomic():
            finish(ImportJob, job.pk, status=FAILED, progress=100, error=message)
    except Exception:
        with transaction.atomic():
            finish(ImportJob, job.pk, status=FAILED, error=_("The import failed unexpectedly; nothing was saved."))
        raise


# --- Selectors ------------------------------------------------------------------------------------------


def import_job_get(*, user: Any, pk: Any) -> ImportJob:
    """One of the user's own jobs; anyone else's is 404."""
    try:
        return ImportJob.objects.select_related("upload").get(pk=int(pk), created_by=user)
    except (ImportJob.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def import_job_list(*, user: Any, kind: str, limit: int = 10) -> Iterator[ImportJob]:
    return iter(ImportJob.objects.filter(created_by=user, kind=kind).defer("preview", "row_errors")[:limit])


def is_running(job: ImportJob) -> bool:
    return job.status in (ImportJobStatus.PENDING, ImportJobStatus.RUNNING)
