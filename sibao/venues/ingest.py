"""EP-7: bulk import of scan records from the venue-code system (format: docs/formats/venue-scans.md).

Same design as ``sibao.epidemic.ingest``: every row is checked first and nothing is written if any row
fails (row-numbered Chinese errors); then the rows are written in ONE transaction — on PostgreSQL by COPY
into a temporary staging table and one ``INSERT … SELECT … ON CONFLICT DO NOTHING``, on SQLite by one
``executemany`` of ``INSERT OR IGNORE``. The file's SHA-256 is unique, so the same file again adds nothing,
and a scan already stored (same venue, time and person) is skipped. ID numbers are digested at once and
never stored. Venue codes are resolved only among the venues the uploader may see.
"""

import logging
from collections.abc import Callable
from typing import IO, Any
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from sibao.accounts.models import User
from sibao.core.bulk import (
    MAX_ERRORS,
    ProgressFn,
    beijing_time,
    copy_escape,
    digest_function,
    file_register,
    file_run,
    file_start,
    file_store,
    id_number_checked,
    validate_rows,
)
from sibao.core.imports import RowError, RowInvalid
from sibao.core.permissions import require_capability
from sibao.core.roles import Capability
from sibao.venues.models import ScanImport, Venue

logger = logging.getLogger(__name__)

COLUMNS = {
    "venue_code": "场所码",
    "id_number": "身份证号码",
    "scanned_at": "扫码时间",
    "name": "姓名",
}
REQUIRED = ("venue_code", "id_number", "scanned_at")
INLINE_MAX_BYTES = 300_000  # ~5,000 rows import at once; larger files run as a background task
COPY_CHUNK_ROWS = 50_000

# One parsed row: (venue id, id digest, scan time as UTC text for the database).
Parsed = tuple[int, str, str]


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
        digest_value = digest(id_number_checked(record.get("id_number", "").strip()))
    except ValidationError as exc:
        errors.append((COLUMNS["id_number"], exc.messages[0]))
    times = beijing_time(record.get("scanned_at", "").strip())
    if times is None:
        errors.append((COLUMNS["scanned_at"], _("Enter the scan time as YYYY-MM-DD HH:MM (Beijing time).")))
    if errors:
        raise RowInvalid(errors)
    assert venue_id is not None and times is not None
    return venue_id, digest_value, times[0] if vendor == "postgresql" else times[1]


def validate_file(
    source: IO[bytes] | bytes,
    file_name: str,
    *,
    venues: dict[str, int],
    vendor: str,
    progress: ProgressFn | None = None,
    max_errors: int = MAX_ERRORS,
) -> tuple[list[Parsed], list[RowError]]:
    """Every row checked; the parsed rows, or the errors (at most ``max_errors``) and no rows."""
    digest = digest_function()

    def parse(record: dict[str, str]) -> Parsed:
        return parse_row(record, venues=venues, digest=digest, vendor=vendor)

    return validate_rows(
        source,
        file_name,
        columns=COLUMNS,
        required=REQUIRED,
        parse=parse,
        progress=progress,
        max_errors=max_errors,
    )


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
                copy.write("".join(f"{v}\t{copy_escape(d)}\t{t}\n" for v, d, t in chunk).encode())
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


# --- Services ----------------------------------------------------------------------------------------


def scans_import_submit(*, actor: User, file_name: str, content: IO[bytes] | bytes) -> ScanImport:
    """Register an uploaded file and import it (at once if small, else as a background task). The file is
    checked by the upload validator and kept encrypted until its run ends. The same file again is refused
    with ``duplicate_file`` once imported; while it is being imported, it answers the running import."""
    from sibao.venues.tasks import run_scan_import

    require_capability(actor, Capability.EPIDEMIC_MANAGE)
    stored = file_store(actor=actor, purpose="venues.scans", content=content, file_name=file_name, code="venues.import")
    import_id, start = file_register(
        ScanImport,
        same_file={},
        fields={"file_name": stored.file_name, "created_by": actor, "region": getattr(actor, "region", None)},
        stored=stored,
        task=run_scan_import,
    )
    if start:
        file_start(
            import_id, stored.size, inline_max_bytes=INLINE_MAX_BYTES, run=scans_import_run, task=run_scan_import
        )
    return ScanImport.objects.get(pk=import_id)


def venue_tokens(user: Any) -> dict[str, int]:
    """Code token → venue id for every venue the uploader may see (inactive codes too: old scans)."""
    return dict(Venue.objects.visible_to(user).values_list("token", "pk"))


def scans_import_run(import_id: int) -> ScanImport:
    """Run one import, all or nothing. Idempotent: a finished import is returned unchanged."""

    def validate(
        source: IO[bytes], scan_import: ScanImport, progress: ProgressFn
    ) -> tuple[list[Parsed], list[RowError]]:
        uploader = scan_import.created_by
        return validate_file(
            source,
            scan_import.file_name,
            venues=venue_tokens(uploader) if uploader else {},
            vendor=connection.vendor,
            progress=progress,
        )

    def write(rows: list[Parsed], import_id: int, progress: ProgressFn) -> int:
        return write_scans(rows, import_id=import_id, progress=progress)

    scan_import: ScanImport = file_run(ScanImport, import_id, validate=validate, write=write)
    return scan_import
