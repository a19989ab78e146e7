"""Bulk files of person-level records (test results, venue scans): the shared parts of their imports.

Each app keeps what is its own — the columns, the row validator and the SQL that writes its table — and
uses this module for the rest: reading the file, the fast ID-number check and keyed digest, Beijing times,
registering the file once by its SHA-256, running it all or nothing (inline when small, as a background
task when large) and a progress bar that moves while the data transaction is still open.

A file model has ``sha256``, ``content``, ``status``, ``progress``, ``row_count``, ``added_count``,
``error``, ``created_by``, ``created_at`` and ``finished_at``; statuses are pending/running/done/failed.
"""

import hashlib
import hmac
import io
import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, TypeVar

from django.conf import settings
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext as _

from sibao.core.errors import ServiceError
from sibao.core.imports import RowError, RowInvalid
from sibao.core.protected import _keys
from sibao.core.tabular import ReadLimits, TableReadError, iter_rows
from sibao.core.validators import validate_id_number

logger = logging.getLogger(__name__)

PENDING, RUNNING, DONE, FAILED = "pending", "running", "done", "failed"
BEIJING = timezone(timedelta(hours=8))  # Asia/Shanghai has had no daylight saving since 1991
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"

ProgressFn = Callable[[int], None]
Validate = Callable[[Any, ProgressFn], tuple[list[Any], list[RowError]]]
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
    """``protected.digest`` with the key derived once per file and OpenSSL's one-shot HMAC per person
    (a file often holds several rows of one person, so each digest is also remembered)."""
    key = _keys(settings.SIBAO_FIELD_KEY)[1]
    seen: dict[str, str] = {}
    one_shot = hmac.digest

    def digest(number: str) -> str:
        known = seen.get(number)
        if known is None:
            known = seen[number] = one_shot(key, number.encode(), "sha256").hex()
        return known

    return digest


def rows_of(content: bytes, file_name: str) -> Iterator[list[str]]:
    """Every row as text cells, within the bulk limits (``core.tabular``)."""
    yield from iter_rows(io.BytesIO(content), file_name, ReadLimits.for_bulk())


def copy_escape(text: str) -> str:
    """A value for PostgreSQL's COPY text format."""
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


# --- Rows ----------------------------------------------------------------------------------------------

T = TypeVar("T")
MAX_ERRORS = 50  # a file with thousands of bad rows is reported by its first ones
PROGRESS_EVERY_ROWS = 50_000


def validate_rows(
    content: bytes,
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
        rows = rows_of(content, file_name)
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
    total_hint = max(len(content) // 60, 1)  # a row is ~60 bytes: enough for a progress bar
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


class ProgressWriter:
    """Writes a file's ``progress`` so other requests see it while the import's transaction is open.

    PostgreSQL: a second connection in autocommit. SQLite allows one writer at a time, so there progress
    is written only outside a transaction (the validation phase of a background import)."""

    def __init__(self, model: type[models.Model], import_id: int) -> None:
        self.model = model
        self.import_id = import_id
        self.last = -1
        self._side: Any = None

    def __call__(self, percent: int) -> None:
        percent = max(0, min(99, percent))
        if percent < self.last + 5:
            return
        self.last = percent
        if connection.vendor == "postgresql":
            if self._side is None:
                self._side = connection.get_new_connection(connection.get_connection_params())
                self._side.autocommit = True
            table = self.model._meta.db_table
            self._side.execute(f"UPDATE {table} SET progress = %s WHERE id = %s", (percent, self.import_id))
        elif not connection.in_atomic_block:
            self.model._default_manager.filter(pk=self.import_id).update(progress=percent)

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


def file_register(
    model: type[models.Model], *, same_file: dict[str, Any], fields: dict[str, Any], content: bytes
) -> int:
    """The id of the file row to run: a new one, or a failed earlier attempt of the same file (it saved
    nothing, so sending it again retries it). The same file imported before is refused: it adds nothing."""
    sha256 = hashlib.sha256(content).hexdigest()
    manager = model._default_manager
    earlier: Any = manager.filter(sha256=sha256, **same_file).first()
    if earlier is not None and earlier.status == FAILED:
        manager.filter(pk=earlier.pk).update(status=PENDING, progress=0, error="", content=content, **fields)
        return int(earlier.pk)
    if earlier is not None:
        raise ServiceError(
            "duplicate_file",
            _("This file was already imported on %(date)s; nothing was added.")
            % {"date": dj_timezone.localtime(earlier.created_at).strftime("%Y-%m-%d %H:%M")},
            field="file",
        )
    try:
        with transaction.atomic():
            created: Any = manager.create(sha256=sha256, content=content, **same_file, **fields)
    except IntegrityError:  # the same file uploaded twice at the same moment
        raise ServiceError(
            "duplicate_file", _("This file was already imported; nothing was added."), field="file"
        ) from None
    return int(created.pk)


def file_start(import_id: int, content: bytes, *, inline_max_rows: int, run: Callable[[int], Any], task: Any) -> None:
    """Run a small file now; enqueue a large one once the registering transaction commits."""
    if content.count(b"\n") <= inline_max_rows:
        run(import_id)
    else:
        transaction.on_commit(lambda: task.enqueue(import_id))


def file_run(model: type[models.Model], import_id: int, *, validate: Validate, write: Write) -> Any:
    """Run one file, all or nothing: every row validated first, then written in one transaction together
    with the status "done" (so "done" holds exactly when the rows exist). Idempotent once finished."""
    manager = model._default_manager
    record: Any = manager.get(pk=import_id)
    if record.status in (DONE, FAILED):
        return record
    manager.filter(pk=import_id).update(status=RUNNING, progress=0)
    progress = ProgressWriter(model, import_id)
    try:
        rows, errors = validate(record, progress)
        if errors:
            manager.filter(pk=import_id).update(
                status=FAILED,
                progress=100,
                error="\n".join(str(error) for error in errors),
                content=b"",
                finished_at=dj_timezone.now(),
            )
        else:
            with transaction.atomic():
                added = write(rows, import_id, progress)
                manager.filter(pk=import_id).update(
                    status=DONE,
                    progress=100,
                    row_count=len(rows),
                    added_count=added,
                    content=b"",
                    finished_at=dj_timezone.now(),
                )
    except Exception:
        logger.exception("%s %s failed", model._meta.label, import_id)
        manager.filter(pk=import_id).update(
            status=FAILED, error=_("The import failed unexpectedly; nothing was saved.")
        )
        raise
    finally:
        progress.close()
    record.refresh_from_db()
    return record
