"""Bulk files of person-level records (test results, venue scans): the shared parts of their imports.

Each app keeps what is its own — the columns, the row validator and the SQL that writes its table — and
uses this module for the rest: reading the file, the fast ID-number check and keyed digest, Beijing times,
registering the file once by its SHA-256, keeping it encrypted until its run ends (``core.uploads``),
running it all or nothing (inline when small, as a background task when large, recovered when a worker
dies: ``core.jobs``) and a progress bar that moves while the data transaction is still open.

A file model has ``sha256``, ``upload``, ``status``, ``progress``, ``attempts``, ``row_count``,
``added_count``, ``error``, ``created_by``, ``created_at``, ``queued_at``, ``started_at`` and
``finished_at``; statuses are pending/running/done/failed.
"""

import hashlib
import io
import logging
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache
from typing import IO, Any, TypeVar

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext as _

from sibao.core.errors import ServiceError
from sibao.core.imports import RowError, RowInvalid
from sibao.core.jobs import (
    ACTIVE,
    DONE,
    FAILED,
    PENDING,
    ProgressWriter,
    _waiting_in_queue,
    claim,
    finish,
    lock_is_held,
    run_lock,
)
from sibao.core.models import StoredUpload
from sibao.core.protected import _keys
from sibao.core.tabular import ReadLimits, Table, TableReadError, open_table
from sibao.core.uploads import SPREADSHEETS, upload_check, upload_discard, upload_open, upload_store
from sibao.core.validators import validate_id_number

logger = logging.getLogger(__name__)

BEIJING = timezone(timedelta(hours=8))  # Asia/Shanghai has had no daylight saving since 1991
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"

ProgressFn = Callable[[int], None]
Validate = Callable[[IO[bytes], Any, ProgressFn], tuple[list[Any], list[RowError]]]
Write = Callable[[list[Any], int, ProgressFn], int]


# --- Cells ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=262_144)
def id_prefix_sum(prefix: str) -> int | None:
    """Weighted sum of the region code and birth date (first 14 characters), or None if the date is not
    real. Many people share a prefix, so this is computed once per prefix, not per row."""
    try:
        date(int(prefix[6:10]), int(prefix[10:12]), int(prefix[12:14]))
    except ValueError:
        return None
    return sum(int(char) * weight for char, weight in zip(prefix, _ID_WEIGHTS[:14], strict=True))


def id_number_checked(value: str) -> str:
    """The normalised ID number. A fast check of the common case; anything doubtful goes through the
    project's validator, which also supplies the Chinese message (ValidationError)."""
    number = value.upper()
    if len(number) == 18 and number[:17].isdigit():
        head = id_prefix_sum(number[:14])
        if head is not None:
            total = head + int(number[14]) * 8 + int(number[15]) * 4 + int(number[16]) * 2
            if ID_CHECK[total % 11] == number[17]:
                return number
    return validate_id_number(number)


@lru_cache(maxsize=131_072)
def beijing_time(text: str) -> tuple[str, str] | None:
    """``YYYY-MM-DD HH:MM`` (seconds allowed) in Beijing time → (PostgreSQL text, SQLite text) in UTC."""
    try:
        local = datetime.fromisoformat(text.replace("/", "-").replace("T", " "))
    except ValueError:
        return None
    if local.tzinfo is not None:
        return None
    moment = local.replace(tzinfo=BEIJING).astimezone(UTC)
    plain = moment.strftime("%Y-%m-%d %H:%M:%S")
    return plain + "+00", plain


def digest_function() -> Callable[[str], str]:
    """``protected.digest`` with the key derived once per file and the HMAC's keyed inner and outer SHA-256
    states computed once too (RFC 2104): each person then costs two copies and two short hashes instead of
    OpenSSL setting the key up again — 2.4× faster than ``hmac.digest`` (200,000 numbers: 1.13 → 0.48 s), the
    same digest (a test compares them). Not remembered here: the importers' fast paths remember each cell's
    digest already, and a second cache of every person of a million-row file would cost ~80 MB (issue 8 #9)."""
    key = _keys(settings.SIBAO_FIELD_KEY)[1]
    block = key.ljust(hashlib.sha256().block_size, b"\0")  # the lookup key is 32 bytes: never longer than a block
    inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in block))
    outer = hashlib.sha256(bytes(byte ^ 0x5C for byte in block))

    def digest(number: str) -> str:
        step = inner.copy()
        step.update(number.encode())
        result = outer.copy()
        result.update(step.digest())
        return result.hexdigest()

    return digest


def rows_of(source: IO[bytes] | bytes, file_name: str) -> Table:
    """The file's rows as text cells, streamed within the bulk limits (``core.tabular``)."""
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    return open_table(stream, file_name, ReadLimits.for_bulk())


def copy_escape(text: str) -> str:
    """A value for PostgreSQL's COPY text format."""
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


# --- Rows ----------------------------------------------------------------------------------------------

T = TypeVar("T")
MAX_ERRORS = 50  # a file with thousands of bad rows is reported by its first ones
PROGRESS_EVERY_ROWS = 50_000


def validate_rows(
    source: IO[bytes] | bytes,
    file_name: str,
    *,
    columns: dict[str, str],
    required: Iterable[str],
    parse: Callable[[dict[str, str]], T],
    fast: Callable[[dict[str, int]], Callable[[list[str]], T | None]] | None = None,
    progress: ProgressFn | None = None,
    max_errors: int = MAX_ERRORS,
) -> tuple[list[T], list[RowError]]:
    """Every row checked: the parsed rows, or the errors (at most ``max_errors``, row-numbered) and no rows.

    ``columns`` maps keys to the Chinese column titles (English keys are accepted as titles too); ``parse``
    validates one row (a dict by key) and raises ``RowInvalid``; ``fast``, given the column positions, may
    return a cheaper check that answers the parsed row or None for "let ``parse`` decide and explain".
    Validation fills the first 60 % of the progress bar."""
    try:
        table = rows_of(source, file_name)
        rows = table.rows
        header = next(rows, None)
        while header is not None and not any(cell.strip() for cell in header):
            header = next(rows, None)
    except TableReadError as exc:
        return [], [RowError(0, "", str(exc))]
    if header is None:
        return [], [RowError(1, "", _("The file is empty: the first row must hold the column titles."))]
    by_title = {title: key for key, title in columns.items()} | {key: key for key in columns}
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        key = by_title.get(title.strip().lstrip("\ufeff*").strip())
        if key is not None and key not in positions:
            positions[key] = index
    missing = [
        RowError(1, columns[key], _("This required column is missing from the header row."))
        for key in required
        if key not in positions
    ]
    if missing:
        return [], missing
    quick = fast(positions) if fast is not None else None
    parsed: list[T] = []
    errors: list[RowError] = []
    width = max(positions.values()) + 1
    items = list(positions.items())
    total_hint = max(table.total, 1)
    try:
        for row_number, row in enumerate(rows, start=2):
            if len(row) < width:
                if not any(cell.strip() for cell in row):
                    continue
                row = row + [""] * (width - len(row))
            value = quick(row) if quick is not None else None
            if value is None:
                try:
                    value = parse({key: row[index] for key, index in items})
                except RowInvalid as invalid:
                    errors.extend(RowError(row_number, column, message) for column, message in invalid.errors)
                    if len(errors) >= max_errors:
                        break
                    continue
            if not errors:
                parsed.append(value)
            if progress is not None and row_number % PROGRESS_EVERY_ROWS == 0:
                progress(min(60, 60 * row_number // total_hint))
    except TableReadError as exc:
        return [], [RowError(0, "", str(exc))]
    if errors:
        return [], errors[:max_errors]
    if not parsed:
        return [], [RowError(2, "", _("The file has no data rows."))]
    return parsed, []


# --- Files ---------------------------------------------------------------------------------------------


def file_store(*, actor: Any, purpose: str, content: IO[bytes] | bytes, file_name: str, code: str) -> StoredUpload:
    """Check an uploaded file (``core.uploads``: CSV or .xlsx, the bulk size cap) and keep it encrypted for the
    run; it is read once, in chunks, never whole (issue 8 #9)."""
    source = io.BytesIO(content) if isinstance(content, bytes) else content
    name = upload_check(
        source, name=file_name, extensions=SPREADSHEETS, max_bytes=settings.BULK_IMPORT_MAX_BYTES, code=code
    )
    return upload_store(
        owner=actor, purpose=purpose, upload=source, name=name, max_bytes=settings.BULK_IMPORT_MAX_BYTES
    )


def file_register(
    model: type[models.Model], *, same_file: dict[str, Any], fields: dict[str, Any], stored: StoredUpload, task: Any
) -> tuple[int, bool]:
    """The id of the file row to run, and whether to start it.

    - Not seen before: a new row.
    - Imported before: refused with ``duplicate_file`` (it would add nothing).
    - Being imported now (a live runner, or its task waiting in the queue): that row, not started again.
    - An earlier attempt failed or was interrupted (it saved nothing): that row again, with this upload.
    """
    manager = model._default_manager
    earlier: Any = manager.filter(sha256=stored.sha256, **same_file).first()
    if earlier is not None and earlier.status == DONE:
        upload_discard(stored)
        raise ServiceError(
            "duplicate_file",
            _("This file was already imported on %(date)s; nothing was added.")
            % {"date": dj_timezone.localtime(earlier.created_at).strftime("%Y-%m-%d %H:%M")},
            field="file",
        )
    if (
        earlier is not None
        and earlier.status in ACTIVE
        and (lock_is_held(model, earlier.pk) or (earlier.status == PENDING and _waiting_in_queue(task, earlier.pk)))
    ):
        upload_discard(stored)
        return int(earlier.pk), False
    now = dj_timezone.now()
    if earlier is not None:
        previous = earlier.upload
        manager.filter(pk=earlier.pk).update(
            status=PENDING,
            progress=0,
            error="",
            attempts=0,
            upload=stored,
            queued_at=now,
            started_at=None,
            finished_at=None,
            **fields,
        )
        upload_discard(previous)
        return int(earlier.pk), True
    try:
        with transaction.atomic():
            created: Any = manager.create(sha256=stored.sha256, upload=stored, queued_at=now, **same_file, **fields)
    except IntegrityError:  # the same file uploaded twice at the same moment
        upload_discard(stored)
        raise ServiceError(
            "duplicate_file", _("This file was already imported; nothing was added."), field="file"
        ) from None
    return int(created.pk), True


def file_start(import_id: int, size: int, *, inline_max_bytes: int, run: Callable[[int], Any], task: Any) -> None:
    """Run a small file now; enqueue a large one once the registering transaction commits."""
    if size <= inline_max_bytes:
        run(import_id)
    else:
        transaction.on_commit(lambda: task.enqueue(import_id))


def file_run(model: type[models.Model], import_id: int, *, validate: Validate, write: Write) -> Any:
    """Run one file, all or nothing: every row validated first (read from its stored upload), then written in
    one transaction together with the status "done" (so "done" holds exactly when the rows exist).

    Idempotent and safe to run twice at once: the run lock (``core.jobs``) admits one runner; a finished
    file is returned unchanged. Either way the run ends, the stored file is deleted."""
    manager = model._default_manager
    with run_lock(model, import_id) as lock:
        if not lock.held or not claim(model, import_id):
            return manager.get(pk=import_id)
        record: Any = manager.select_related("upload").get(pk=import_id)
        progress = ProgressWriter(model, import_id, lock)
        try:
            if record.upload is None:
                rows: list[Any] = []
                errors = [RowError(0, "", _("The uploaded file is no longer available; send it again."))]
            else:
                with upload_open(record.upload) as stream:
                    rows, errors = validate(stream, record, progress)
            if errors:
                with transaction.atomic():
                    finish(model, import_id, status=FAILED, progress=100, error="\n".join(map(str, errors)))
            else:
                with transaction.atomic():
                    added = write(rows, import_id, progress)
                    finish(model, import_id, status=DONE, progress=100, row_count=len(rows), added_count=added)
            lock.finished = True
        except Exception:
            logger.exception("%s %s failed", model._meta.label, import_id)
            with transaction.atomic():
                finish(model, import_id, status=FAILED, error=_("The import failed unexpectedly; nothing was saved."))
            lock.finished = True
            raise
    return manager.get(pk=import_id)
