"""EP-2: bulk import of nucleic-acid results from testing institutions (format: docs/formats/test-results.md).

One row validator (``parse_row``: ID check character, Beijing sampling time, result vocabulary) feeds both
database paths. A file is all or nothing: every row is checked first and nothing is written if any row
fails; then the rows are written in ONE real transaction together with the employees' stored
``last_test_at`` / ``last_negative_test_at`` — on PostgreSQL by COPY into a temporary staging table and one
``INSERT … SELECT … ON CONFLICT DO NOTHING``, on SQLite by one ``executemany`` of ``INSERT OR IGNORE``.

Progress of a background import is written through a separate autocommit connection (PostgreSQL), so the
progress bar moves while the data transaction stays open and can still roll back as a whole. The main
connection never touches the ``TestImport`` row until the very end of that transaction, so the two
connections never wait for each other.
"""

import csv
import hashlib
import hmac
import io
import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext as _

from sibao.core.errors import ServiceError
from sibao.core.imports import RowError, RowInvalid
from sibao.core.protected import _keys
from sibao.core.tabular import TableReadError, _decode_csv, read_rows
from sibao.core.validators import validate_id_number
from sibao.epidemic.models import TestImport, TestImportStatus, TestOutcome

logger = logging.getLogger(__name__)

# Column titles of the institutions' file (docs/formats/test-results.md); English keys are accepted too.
COLUMNS = {
    "name": "姓名",
    "id_number": "身份证号码",
    "sampled_at": "采样时间",
    "result": "检测结果",
    "institution": "检测机构",
}
REQUIRED = ("id_number", "sampled_at", "result")
RESULT_WORDS = {
    "阴性": TestOutcome.NEGATIVE.value,
    "阳性": TestOutcome.POSITIVE.value,
    "negative": TestOutcome.NEGATIVE.value,
    "positive": TestOutcome.POSITIVE.value,
}
_RESULTS_EXACT = {word: value for word, value in RESULT_WORDS.items()}
MAX_ERRORS = 50  # a file with thousands of bad rows is reported by its first ones
INLINE_MAX_ROWS = 5_000  # files up to this size import at once; larger ones run as a background task
COPY_CHUNK_ROWS = 50_000
BEIJING = timezone(timedelta(hours=8))  # Asia/Shanghai has had no daylight saving since 1991

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

# One parsed row: (id digest, sampling time as UTC text for the database, result, institution).
Parsed = tuple[str, str, str, str]
ProgressFn = Callable[[int], None]


# --- Row validation (shared by both database paths) -------------------------------------------------


@lru_cache(maxsize=262_144)
def _prefix_sum(prefix: str) -> int | None:
    """Weighted sum of the region code and birth date (first 14 characters), or None if the date is not
    real. Many people share a prefix, so this is computed once per prefix, not per row."""
    try:
        date(int(prefix[6:10]), int(prefix[10:12]), int(prefix[12:14]))
    except ValueError:
        return None
    return sum(int(char) * weight for char, weight in zip(prefix, _ID_WEIGHTS[:14], strict=True))


def _id_number(value: str) -> str:
    """The normalised ID number. A fast check of the common case; anything doubtful goes through the
    project's validator, which also supplies the Chinese message."""
    number = value.upper()
    if len(number) == 18 and number[:17].isdigit():
        head = _prefix_sum(number[:14])
        if head is not None:
            total = head + int(number[14]) * 8 + int(number[15]) * 4 + int(number[16]) * 2
            if _ID_CHECK[total % 11] == number[17]:
                return number
    return validate_id_number(number)  # raises with the reason (or accepts what the fast path missed)


@lru_cache(maxsize=131_072)
def _sampled_at(text: str) -> tuple[str, str] | None:
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


def _digest_function() -> Callable[[str], str]:
    """``protected.digest`` with the key derived once per file and OpenSSL's one-shot HMAC per person
    (a file often holds several tests of one person, so each digest is also remembered)."""
    key = _keys(settings.SIBAO_FIELD_KEY)[1]
    seen: dict[str, str] = {}
    one_shot = hmac.digest

    def digest(number: str) -> str:
        known = seen.get(number)
        if known is None:
            known = seen[number] = one_shot(key, number.encode(), "sha256").hex()
        return known

    return digest


def parse_row(record: dict[str, str], *, default_institution: str, digest: Callable[[str], str], vendor: str) -> Parsed:
    """Validate one row; raise ``RowInvalid`` naming every bad column."""
    errors: list[tuple[str, str]] = []
    number = record.get("id_number", "").strip()
    digest_value = ""
    try:
        digest_value = digest(_id_number(number))  # _id_number: ~1 µs; the digest is cached per file
    except ValidationError as exc:
        errors.append((COLUMNS["id_number"], exc.messages[0]))
    times = _sampled_at(record.get("sampled_at", "").strip())
    if times is None:
        errors.append((COLUMNS["sampled_at"], _("Enter the sampling time as YYYY-MM-DD HH:MM (Beijing time).")))
    result = RESULT_WORDS.get(record.get("result", "").strip().lower())
    if result is None:
        errors.append((COLUMNS["result"], _("The result must be 阴性 (negative) or 阳性 (positive).")))
    institution = record.get("institution", "").strip() or default_institution
    if len(institution) > 128:
        errors.append((COLUMNS["institution"], _("At most 128 characters.")))
    if errors:
        raise RowInvalid(errors)
    assert times is not None and result is not None
    return digest_value, times[0] if vendor == "postgresql" else times[1], result, institution


class _FastRow:
    """The common case of ``parse_row`` without its per-row overhead: answers the parsed row only when
    every cell is plainly valid (already-seen ID numbers and times come from per-file caches), else None so
    that ``parse_row`` decides and words the errors. A test holds the two to the same answers."""

    def __init__(
        self, positions: dict[str, int], *, default_institution: str, digest: Callable[[str], str], vendor: str
    ) -> None:
        self.id_at = positions["id_number"]
        self.time_at = positions["sampled_at"]
        self.result_at = positions["result"]
        self.institution_at = positions.get("institution")
        self.default_institution = default_institution
        self.digest = digest
        self.time_index = 0 if vendor == "postgresql" else 1
        self.digests: dict[str, str] = {}
        self.times: dict[str, str] = {}

    def __call__(self, row: list[str]) -> Parsed | None:
        raw_number = row[self.id_at]
        digest_value = self.digests.get(raw_number)
        if digest_value is None:
            number = raw_number.strip().upper()
            if len(number) != 18 or not number[:17].isdigit():
                return None
            head = _prefix_sum(number[:14])
            if head is None:
                return None
            total = head + int(number[14]) * 8 + int(number[15]) * 4 + int(number[16]) * 2
            if _ID_CHECK[total % 11] != number[17]:
                return None
            digest_value = self.digests[raw_number] = self.digest(number)
        raw_time = row[self.time_at]
        sampled_at = self.times.get(raw_time)
        if sampled_at is None:
            times = _sampled_at(raw_time.strip())
            if times is None:
                return None
            sampled_at = self.times[raw_time] = times[self.time_index]
        result = _RESULTS_EXACT.get(row[self.result_at])
        if result is None:
            return None
        institution = row[self.institution_at].strip() if self.institution_at is not None else ""
        institution = institution or self.default_institution
        if len(institution) > 128:
            return None
        return digest_value, sampled_at, result, institution


def _rows_of(content: bytes, file_name: str) -> Iterator[list[str]]:
    if file_name.lower().endswith(".csv"):
        try:
            yield from csv.reader(io.StringIO(_decode_csv(content)))
        except csv.Error as exc:
            raise TableReadError(_("The CSV file could not be read.")) from exc
        return
    yield from read_rows(io.BytesIO(content), file_name)


def validate_file(
    content: bytes,
    file_name: str,
    *,
    default_institution: str,
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
    if not default_institution and "institution" not in positions:
        return [], [RowError(1, COLUMNS["institution"], _("This required column is missing from the header row."))]
    digest = _digest_function()
    parsed: list[Parsed] = []
    errors: list[RowError] = []
    width = max(positions.values()) + 1
    items = list(positions.items())
    fast = _FastRow(positions, default_institution=default_institution, digest=digest, vendor=vendor)
    total_hint = max(len(content) // 60, 1)  # a row is ~60 bytes: enough for a progress bar
    try:
        for row_number, row in enumerate(rows, start=2):
            if len(row) < width:
                if not any(cell.strip() for cell in row):
                    continue
                row = row + [""] * (width - len(row))
            value = fast(row)
            if value is None:  # doubtful: the full validator decides and explains
                try:
                    value = parse_row(
                        {key: row[index] for key, index in items},
                        default_institution=default_institution,
                        digest=digest,
                        vendor=vendor,
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


def _copy_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _write_postgresql(rows: list[Parsed], import_id: int, progress: ProgressFn | None) -> int:
    escaped: dict[str, str] = {}
    with connection.cursor() as cursor:
        # Room to group a file's people in memory instead of spilling a sort to disk.
        cursor.execute("SET LOCAL work_mem = '128MB'")
        cursor.execute(
            "CREATE TEMPORARY TABLE epidemic_test_staging "
            "(id_digest text, sampled_at timestamptz, result text, institution text) ON COMMIT DROP"
        )
        with cursor.copy("COPY epidemic_test_staging FROM STDIN") as copy:
            for start in range(0, len(rows), COPY_CHUNK_ROWS):
                lines = []
                for digest_value, sampled_at, result, institution in rows[start : start + COPY_CHUNK_ROWS]:
                    name = escaped.get(institution)
                    if name is None:
                        name = escaped[institution] = _copy_escape(institution)
                    lines.append(f"{digest_value}\t{sampled_at}\t{result}\t{name}\n")
                copy.write("".join(lines).encode())
                if progress is not None:
                    progress(60 + 30 * (start + COPY_CHUNK_ROWS) // len(rows))
        cursor.execute(
            "INSERT INTO epidemic_testresult (id_digest, sampled_at, result, institution, test_import_id) "
            "SELECT id_digest, sampled_at, result, institution, %s FROM epidemic_test_staging "
            # In key order the index grows page by page instead of touching a random page per row, which
            # matters once the index no longer fits in memory.
            "ORDER BY id_digest, sampled_at "
            "ON CONFLICT (id_digest, sampled_at) DO NOTHING",
            [import_id],
        )
        added = cursor.rowcount
        # GREATEST ignores NULLs, so a first test sets the column and an older one never moves it back.
        cursor.execute(
            "UPDATE epidemic_employee AS e SET "
            "last_test_at = GREATEST(e.last_test_at, s.latest), "
            "last_negative_test_at = GREATEST(e.last_negative_test_at, s.latest_negative) "
            "FROM (SELECT id_digest, max(sampled_at) AS latest, "
            "max(sampled_at) FILTER (WHERE result = %s) AS latest_negative "
            "FROM epidemic_test_staging GROUP BY id_digest) AS s "
            "WHERE e.id_digest = s.id_digest AND ("
            "e.last_test_at IS NULL OR e.last_test_at < s.latest OR "
            "(s.latest_negative IS NOT NULL AND "
            "(e.last_negative_test_at IS NULL OR e.last_negative_test_at < s.latest_negative)))",
            [TestOutcome.NEGATIVE.value],
        )
        cursor.execute("DROP TABLE epidemic_test_staging")
    return added


def _latest_per_person(rows: Iterable[Parsed]) -> dict[str, list[str | None]]:
    latest: dict[str, list[str | None]] = {}
    negative = TestOutcome.NEGATIVE.value
    for digest_value, sampled_at, result, _institution in rows:
        entry = latest.get(digest_value)
        if entry is None:
            latest[digest_value] = [sampled_at, sampled_at if result == negative else None]
            continue
        if sampled_at > entry[0]:  # type: ignore[operator]
            entry[0] = sampled_at
        if result == negative and (entry[1] is None or sampled_at > entry[1]):
            entry[1] = sampled_at
    return latest


def _write_sqlite(rows: list[Parsed], import_id: int) -> int:
    with connection.cursor() as cursor:
        # A bigger page cache for this file (SQLite's default 2 MB makes the index inserts spill).
        cursor.execute("PRAGMA cache_size")
        cache_size = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA cache_size = -262144")
        try:
            before = _count_results(cursor)
            cursor.executemany(
                "INSERT OR IGNORE INTO epidemic_testresult "
                "(id_digest, sampled_at, result, institution, test_import_id) VALUES (%s, %s, %s, %s, %s)",
                [(*row, import_id) for row in rows],
            )
            added = _count_results(cursor) - before
            # SQLite's max(a, b) is NULL if either is: spell the "newer wins" rule out.
            cursor.executemany(
                "UPDATE epidemic_employee SET "
                "last_test_at = CASE WHEN last_test_at IS NULL OR last_test_at < %s THEN %s ELSE last_test_at END, "
                "last_negative_test_at = CASE WHEN %s IS NOT NULL AND "
                "(last_negative_test_at IS NULL OR last_negative_test_at < %s) THEN %s "
                "ELSE last_negative_test_at END "
                "WHERE id_digest = %s",
                [
                    (latest, latest, negative, negative, negative, digest_value)
                    for digest_value, (latest, negative) in _latest_per_person(rows).items()
                ],
            )
        finally:
            cursor.execute(f"PRAGMA cache_size = {cache_size}")
    return added


def _count_results(cursor: Any) -> int:
    # total_changes() counts rows written by this connection, so it also sees through INSERT OR IGNORE.
    cursor.execute("SELECT total_changes()")
    return int(cursor.fetchone()[0])


def write_results(rows: list[Parsed], *, import_id: int, progress: ProgressFn | None = None) -> int:
    """Write validated rows and the employees' stored test times; the number of new results.
    Must run inside the caller's transaction (one per file)."""
    if connection.vendor == "postgresql":
        return _write_postgresql(rows, import_id, progress)
    return _write_sqlite(rows, import_id)


# --- Progress on its own connection -----------------------------------------------------------------


class ProgressWriter:
    """Writes ``TestImport.progress`` so that other requests see it while the import's transaction is open.

    PostgreSQL: a second connection in autocommit. SQLite allows one writer at a time, so there progress
    is written only outside a transaction (the validation phase of a background import).
    """

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
            self._side.execute("UPDATE epidemic_testimport SET progress = %s WHERE id = %s", (percent, self.import_id))
        elif not connection.in_atomic_block:
            TestImport.objects.filter(pk=self.import_id).update(progress=percent)

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


# --- Services ----------------------------------------------------------------------------------------


def results_import_submit(*, actor: Any, institution: str, file_name: str, content: bytes) -> TestImport:
    """Register an uploaded file and import it (at once if small, else as a background task).

    The same file from the same institution is refused with ``duplicate_file``: it adds nothing.
    """
    institution = institution.strip()
    if not institution:
        raise ServiceError("institution_required", _("Enter the testing institution."), field="institution")
    sha256 = hashlib.sha256(content).hexdigest()
    earlier = TestImport.objects.filter(institution=institution, sha256=sha256).first()
    if earlier is not None and earlier.status == TestImportStatus.FAILED:
        # A file that failed saved nothing: sending it again (e.g. after a fix elsewhere) simply retries it.
        TestImport.objects.filter(pk=earlier.pk).update(
            status=TestImportStatus.PENDING, progress=0, error="", content=content, created_by=actor
        )
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
            test_import = TestImport.objects.create(
                institution=institution, file_name=file_name[:255], sha256=sha256, content=content, created_by=actor
            )
    except IntegrityError:  # the same file uploaded twice at the same moment
        raise ServiceError(
            "duplicate_file", _("This file was already imported; nothing was added."), field="file"
        ) from None
    return _start(test_import.pk, content)


def _start(import_id: int, content: bytes) -> TestImport:
    from sibao.epidemic.tasks import run_test_import

    if content.count(b"\n") <= INLINE_MAX_ROWS:
        return results_import_run(import_id)
    transaction.on_commit(lambda: run_test_import.enqueue(import_id))
    return TestImport.objects.get(pk=import_id)


def results_import_run(import_id: int) -> TestImport:
    """Run one import, all or nothing. Idempotent: a finished import is returned unchanged."""
    test_import = TestImport.objects.get(pk=import_id)
    if test_import.status in (TestImportStatus.DONE, TestImportStatus.FAILED):
        return test_import
    TestImport.objects.filter(pk=import_id).update(status=TestImportStatus.RUNNING, progress=0)
    progress = ProgressWriter(import_id)
    content = bytes(test_import.content)
    try:
        rows, errors = validate_file(
            content,
            test_import.file_name,
            default_institution=test_import.institution,
            vendor=connection.vendor,
            progress=progress,
        )
        if errors:
            TestImport.objects.filter(pk=import_id).update(
                status=TestImportStatus.FAILED,
                progress=100,
                error="\n".join(str(error) for error in errors),
                content=b"",
                finished_at=dj_timezone.now(),
            )
        else:
            with transaction.atomic():
                added = write_results(rows, import_id=import_id, progress=progress)
                # The status changes in the same transaction as the data: "done" exactly when the rows exist.
                TestImport.objects.filter(pk=import_id).update(
                    status=TestImportStatus.DONE,
                    progress=100,
                    row_count=len(rows),
                    added_count=added,
                    content=b"",
                    finished_at=dj_timezone.now(),
                )
    except Exception:
        logger.exception("test import %s failed", import_id)
        TestImport.objects.filter(pk=import_id).update(
            status=TestImportStatus.FAILED, error=_("The import failed unexpectedly; nothing was saved.")
        )
        raise
    finally:
        progress.close()
    test_import.refresh_from_db()
    return test_import
