"""EP-7: bulk import of scan records from the venue-code system (format: docs/formats/venue-scans.md).

Same design as ``sibao.epidemic.ingest``: every row is checked first and nothing is written if any row
fails (row-numbered Chinese errors); then the rows are written in ONE transaction — on PostgreSQL by COPY
into a temporary staging table and one ``INSERT … SELECT … ON CONFLICT DO NOTHING``, on SQLite by one
``executemany`` of ``INSERT OR IGNORE``. The file's SHA-256 is unique, so the same file again adds nothing,
and a scan already stored (same venue, time and person) is skipped. ID numbers are digested at once and
never stored. Venue codes are resolved only among the venues the uploader may see.
"""

import hashlib
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext as _

from sibao.core.errors import ServiceError
from sibao.core.imports import RowError, RowInvalid
from sibao.core.permissions import require_capability
from sibao.core.roles import Capability
from sibao.core.tabular import TableReadError
from sibao.epidemic.ingest import _copy_escape, _digest_function, _id_number, _rows_of, _sampled_at
from sibao.venues.models import ImportStatus, ScanImport, Venue

logger = logging.getLogger(__name__)

COLUMNS = {
    "venue_code": "场所码",
    "id_number": "身份证号码",
    "scanned_at": "扫码时间",
    "name": "姓名",
}
REQUIRED = ("venue_code", "id_number", "scanned_at")
MAX_ERRORS = 50
INLINE_MAX_ROWS = 5_000  # larger files run as a background task
COPY_CHUNK_ROWS = 50_000

# One parsed row: (venue id, id digest, scan time as UTC text for the database).
Parsed = tuple[int, str, str]
ProgressFn = Callable[[int], None]


def token_of(value: str) -> str:
    """The token from a cell holding the token itself or the URL the QR code encodes (…/venues/c/<token>/
    or …?code=<token>)."""
    value = value.strip()
    if "/" not in value and "?" not in value:
        return value
    parts = urlsplit(value)
    query = parse_qs(parts.query)
    for key in ("code", "c", "token"):
        if query.get(key):
            return query[key][0].strip()
    segments = [segment for segment in parts.path.split("/") if segment]
    return segments[-1] if segments else ""


def parse_row(record: dict[str, str], *, venues: dict[str, int], digest: Callable[[str], str], vendor: str) -> Parsed:
    errors: list[tuple[str, str]] = []
    venue_id = venues.get(token_of(record.get("venue_code", "")))
    if venue_id is None:
        errors.append((COLUMNS["venue_code"], _("Unknown venue code (or a venue outside your area).")))
    digest_value = ""
    try:
        digest_value = digest(_id_number(record.get("id_number", "").strip()))
    except ValidationError as exc:
        errors.append((COLUMNS["id_number"], exc.messages[0]))
    times = _sampled_at(record.get("scanned_at", "").strip())
    if times is None:
        errors.append((COLUMNS["scanned_at"], _("Enter the scan time as YYYY-MM-DD HH:MM (Beijing time).")))
    if errors:
        raise RowInvalid(errors)
    assert venue_id is not None and times is not None
    return venue_id, digest_value, times[0] if vendor == "postgresql" else times[1]


def validate_file(
    content: bytes,
    file_name: str,
    *,
    venues: dict[str, int],
    vendor: str,
    progress: ProgressFn | None = None,
    max_errors: int = MAX_ERRORS,
) -> tuple[list[Parsed], list[RowError]]:
    """Every row checked; the parsed rows, or the errors (at most ``max_errors``) and no rows."""
    try:
        rows = _rows_of(content, file_name)
        header = next(rows, None)
        while header is not None and not any(cell.strip() for cell in header):
            header = next(rows, None)
    except TableReadError as exc:
        return [], [RowError(0, "", str(exc))]
    if header is None:
        return [], [RowError(1, "", _("The file is empty: the first row must hold the column titles."))]
    by_title = {title: key for key, title in COLUMNS.items()} | {key: key for key in COLUMNS}
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        key = by_title.get(title.strip().lstrip("\ufeff*").strip())
        if key is not None and key not in positions:
            positions[key] = index
    missing = [
        RowError(1, COLUMNS[key], _("This required column is missing from the header row."))
        for key in REQUIRED
        if key not in positions
    ]
    if missing:
        return [], missing
    digest = _digest_function()
    parsed: list[Parsed] = []
    errors: list[RowError] = []
    width = max(positions.values()) + 1
    items = list(positions.items())
    total_hint = max(len(content) // 60, 1)
    try:
        for row_number, row in enumerate(rows, start=2):
            if len(row) < width:
                if not any(cell.strip() for cell in row):
                    continue
                row = row + [""] * (width - len(row))
            try:
                value = parse_row(
                    {key: row[index] for key, index in items}, venues=venues, digest=digest, vendor=vendor
                )
            except RowInvalid as invalid:
                errors.extend(RowError(row_number, column, message) for column, message in invalid.errors)
                if len(errors) >= max_errors:
                    break
                continue
            if not errors:
                parsed.append(value)
            if progress is not None and row_number % COPY_CHUNK_ROWS == 0:
                progress(min(60, 60 * row_number // total_hint))
    except TableReadError as exc:
        return [], [RowError(0, "", str(exc))]
    if errors:
        return [], errors[:max_errors]
    if not parsed:
        return [], [RowError(2, "", _("The file has no data rows."))]
    return parsed, []


# --- Writing ------------------------------------------------------------------------------------------


def _write_postgresql(rows: list[Parsed], import_id: int | None, progress: ProgressFn | None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE venues_scan_staging "
            "(venue_id bigint, id_digest text, scanned_at timestamptz) ON COMMIT DROP"
        )
        with cursor.copy("COPY venues_scan_staging FROM STDIN") as copy:
            for start in range(0, len(rows), COPY_CHUNK_ROWS):
                chunk = rows[start : start + COPY_CHUNK_ROWS]
                copy.write("".join(f"{v}\t{_copy_escape(d)}\t{t}\n" for v, d, t in chunk).encode())
                if progress is not None:
                    progress(60 + 30 * (start + COPY_CHUNK_ROWS) // len(rows))
        cursor.execute(
            "INSERT INTO venues_scan (venue_id, id_digest, scanned_at, scan_import_id) "
            "SELECT venue_id, id_digest, scanned_at, %s FROM venues_scan_staging "
            # In index order: the (venue, time) index is written page by page instead of at random.
            "ORDER BY venue_id, scanned_at "
            "ON CONFLICT (venue_id, scanned_at, id_digest) DO NOTHING",
            [import_id],
        )
        added = int(cursor.rowcount)
        cursor.execute("DROP TABLE venues_scan_staging")
    return added


def _write_sqlite(rows: list[Parsed], import_id: int | None) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT total_changes()")
        before = int(cursor.fetchone()[0])
        cursor.executemany(
            "INSERT OR IGNORE INTO venues_scan (venue_id, id_digest, scanned_at, scan_import_id) "
            "VALUES (%s, %s, %s, %s)",
            [(*row, import_id) for row in rows],
        )
        cursor.execute("SELECT total_changes()")
        return int(cursor.fetchone()[0]) - before


def write_scans(rows: list[Parsed], *, import_id: int | None, progress: ProgressFn | None = None) -> int:
    """Write validated rows; the number of new scans. Must run inside the caller's transaction."""
    if connection.vendor == "postgresql":
        return _write_postgresql(rows, import_id, progress)
    return _write_sqlite(rows, import_id)


class ProgressWriter:
    """``ScanImport.progress`` on a separate autocommit connection (PostgreSQL), so the bar moves while the
    data transaction is open; SQLite writes it only outside a transaction."""

    def __init__(self, import_id: int) -> None:
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
            self._side.execute("UPDATE venues_scanimport SET progress = %s WHERE id = %s", (percent, self.import_id))
        elif not connection.in_atomic_block:
            ScanImport.objects.filter(pk=self.import_id).update(progress=percent)

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


# --- Services ----------------------------------------------------------------------------------------


def scans_import_submit(*, actor: Any, file_name: str, content: bytes) -> ScanImport:
    """Register an uploaded file and import it (at once if small, else as a background task). The same
    file again is refused with ``duplicate_file``: it adds nothing."""
    require_capability(actor, Capability.EPIDEMIC_MANAGE)
    if not content:
        raise ServiceError("venues.import.empty", _("Choose a file."), field="file")
    sha256 = hashlib.sha256(content).hexdigest()
    earlier = ScanImport.objects.filter(sha256=sha256).first()
    if earlier is not None and earlier.status == ImportStatus.FAILED:
        ScanImport.objects.filter(pk=earlier.pk).update(
            status=ImportStatus.PENDING, progress=0, error="", content=content, created_by=actor,
            region=getattr(actor, "region", None), file_name=file_name[:255],
        )  # fmt: skip
        return _start(earlier.pk, content)
    if earlier is not None:
        raise ServiceError(
            "duplicate_file",
            _("This file was already imported on %(date)s; nothing was added.")
            % {"date": dj_timezone.localtime(earlier.created_at).strftime("%Y-%m-%d %H:%M")},
            field="file",
        )
    try:
        with transaction.atomic():
            scan_import = ScanImport.objects.create(
                region=getattr(actor, "region", None),
                file_name=file_name[:255],
                sha256=sha256,
                content=content,
                created_by=actor,
            )
    except IntegrityError:
        raise ServiceError(
            "duplicate_file", _("This file was already imported; nothing was added."), field="file"
        ) from None
    return _start(scan_import.pk, content)


def _start(import_id: int, content: bytes) -> ScanImport:
    from sibao.venues.tasks import run_scan_import

    if content.count(b"\n") <= INLINE_MAX_ROWS:
        return scans_import_run(import_id)
    transaction.on_commit(lambda: run_scan_import.enqueue(import_id))
    return ScanImport.objects.get(pk=import_id)


def venue_tokens(user: Any) -> dict[str, int]:
    """Code token → venue id for every venue the uploader may see (inactive codes too: old scans)."""
    return dict(Venue.objects.visible_to(user).values_list("token", "pk"))


def scans_import_run(import_id: int) -> ScanImport:
    """Run one import, all or nothing. Idempotent: a finished import is returned unchanged."""
    scan_import = ScanImport.objects.select_related("created_by__region").get(pk=import_id)
    if scan_import.status in (ImportStatus.DONE, ImportStatus.FAILED):
        return scan_import
    ScanImport.objects.filter(pk=import_id).update(status=ImportStatus.RUNNING, progress=0)
    progress = ProgressWriter(import_id)
    content = bytes(scan_import.content)
    try:
        rows, errors = validate_file(
            content,
            scan_import.file_name,
            venues=venue_tokens(scan_import.created_by) if scan_import.created_by else {},
            vendor=connection.vendor,
            progress=progress,
        )
        if errors:
            ScanImport.objects.filter(pk=import_id).update(
                status=ImportStatus.FAILED,
                progress=100,
                error="\n".join(str(error) for error in errors),
                content=b"",
                finished_at=dj_timezone.now(),
            )
        else:
            with transaction.atomic():
                added = write_scans(rows, import_id=import_id, progress=progress)
                ScanImport.objects.filter(pk=import_id).update(
                    status=ImportStatus.DONE,
                    progress=100,
                    row_count=len(rows),
                    added_count=added,
                    content=b"",
                    finished_at=dj_timezone.now(),
                )
    except Exception:
        logger.exception("scan import %s failed", import_id)
        ScanImport.objects.filter(pk=import_id).update(
            status=ImportStatus.FAILED, error=_("The import failed unexpectedly; nothing was saved.")
        )
        raise
    finally:
        progress.close()
    scan_import.refresh_from_db()
    return scan_import
