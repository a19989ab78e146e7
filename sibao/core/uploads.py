"""Uploads (issue 8 #9, issue 9 #6): one validator for every uploaded file, one store for files kept between
two requests (a preview and its confirmation) or for a background import.

``upload_check`` refuses a file by its size, its extension and its content: the first bytes must be what
the extension promises (``%PDF-`` for .pdf, a zip holding ``word/`` for .docx …), so an HTML page or a
program renamed ``.pdf`` is refused. CSV has no signature: it must be text (no NUL byte, UTF-8 or GBK) and
not markup.

``upload_store`` keeps a file encrypted with the field key (Fernet, ``core.protected``), chunk by chunk,
under ``MEDIA_ROOT/uploads/`` with a row (``StoredUpload``: owner, purpose, name, size, SHA-256, expiry).
Import files hold full ID numbers; they are never written to disk in clear, and they go when the import
ends (``upload_discard``), when the user cancels, or when they expire (``uploads_purge``, a periodic job).
``upload_open`` reads one back as a stream, decrypting as it goes.
"""

import codecs
import hashlib
import io
import logging
import tempfile
import uuid
import zipfile
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any

from cryptography.fernet import Fernet
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sibao.core.errors import ServiceError
from sibao.core.models import StoredUpload
from sibao.core.protected import _keys

logger = logging.getLogger(__name__)

CHUNK = 1 << 20
HEAD = 64 * 1024


# --- The validator -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileType:
    label: str
    matches: Callable[[bytes, IO[bytes]], bool]  # (first bytes, the whole file) → is it really this type


def _starts(*signatures: bytes) -> Callable[[bytes, IO[bytes]], bool]:
    return lambda head, _file: head.startswith(signatures)


def _office_zip(folder: str) -> Callable[[bytes, IO[bytes]], bool]:
    """An Office Open XML package: a zip with its content types and the application's folder."""

    def matches(head: bytes, file: IO[bytes]) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            file.seek(0)
            with zipfile.ZipFile(file) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return False
        finally:
            file.seek(0)
        return "[Content_Types].xml" in names and any(name.startswith(folder) for name in names)

    return matches


_NOT_TEXT = (b"MZ", b"PK\x03\x04", b"%PDF", b"\x7fELF", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")


def _text(head: bytes, _file: IO[bytes]) -> bool:
    """CSV: text in UTF-8 or GBK, not a program, an archive or markup (an HTML page renamed .csv)."""
    if b"\x00" in head or head.startswith(_NOT_TEXT):
        return False
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<"):
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            # The head may end inside a character: decode incrementally, without the final flag.
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            return True
        except UnicodeDecodeError:
            continue
    return False


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
FILE_TYPES: dict[str, FileType] = {
    ".pdf": FileType("PDF", _starts(b"%PDF-")),
    ".jpg": FileType("JPG", _starts(b"\xff\xd8\xff")),
    ".jpeg": FileType("JPG", _starts(b"\xff\xd8\xff")),
    ".png": FileType("PNG", _starts(b"\x89PNG\r\n\x1a\n")),
    ".doc": FileType("DOC", _starts(OLE2)),
    ".xls": FileType("XLS", _starts(OLE2)),
    ".docx": FileType("DOCX", _office_zip("word/")),
    ".xlsx": FileType("XLSX", _office_zip("xl/")),
    ".xlsm": FileType("XLSM", _office_zip("xl/")),
    ".csv": FileType("CSV", _text),
}
DOCUMENTS = (".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx")
SPREADSHEETS = (".xlsx", ".csv")


def _size(upload: Any) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        position = upload.tell()
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
        upload.seek(position)
    return int(size)


def upload_check(
    upload: Any,
    *,
    extensions: Collection[str],
    max_bytes: int,
    code: str,
    field: str = "file",
    name: str | None = None,
) -> str:
    """The file's name (without any folder), or ``ServiceError`` ``<code>.type`` / ``.size`` / ``.empty`` /
    ``.content`` naming the file. ``upload``: a Django ``UploadedFile`` or any seekable binary file; ``name``
    when it has none."""
    name = Path(name or getattr(upload, "name", "") or "").name
    extension = Path(name).suffix.lower()
    if extension not in extensions or extension not in FILE_TYPES:
        labels = "、".join(dict.fromkeys(FILE_TYPES[ext].label for ext in extensions if ext in FILE_TYPES))
        raise ServiceError(
            f"{code}.type",
            _("%(name)s: only these file types are accepted: %(types)s.") % {"name": name, "types": labels},
            field=field,
        )
    size = _size(upload)
    if size > max_bytes:
        raise ServiceError(
            f"{code}.size",
            _("%(name)s is larger than %(limit)s MB.") % {"name": name, "limit": f"{max_bytes / 2**20:g}"},
            field=field,
        )
    if size == 0:
        raise ServiceError(f"{code}.empty", _("%(name)s is empty.") % {"name": name}, field=field)
    upload.seek(0)
    head = upload.read(HEAD)
    upload.seek(0)
    kind = FILE_TYPES[extension]
    if not kind.matches(head, upload):
        raise ServiceError(
            f"{code}.content",
            _("%(name)s is not really a %(type)s file.") % {"name": name, "type": kind.label},
            field=field,
        )
    return name


# --- The store -----------------------------------------------------------------------------------------


def _fernet() -> Fernet:
    return _keys(settings.SIBAO_FIELD_KEY)[0]


def folder() -> Path:
    return Path(settings.MEDIA_ROOT) / "uploads"


def path_of(stored: StoredUpload) -> Path:
    return folder() / f"{stored.pk.hex}.enc"


def _chunks(upload: Any) -> Iterator[bytes]:
    if hasattr(upload, "seek"):
        upload.seek(0)
    if hasattr(upload, "chunks"):
        yield from upload.chunks(CHUNK)
        return
    while chunk := upload.read(CHUNK):
        yield chunk


def upload_store(
    *, owner: Any, purpose: str, upload: Any, name: str, max_bytes: int, ttl: timedelta | None = None
) -> StoredUpload:
    """Keep ``upload`` encrypted until ``ttl`` (default ``UPLOAD_TTL_HOURS``) from now. The file is read once,
    in chunks; its SHA-256 and size are recorded on the way."""
    expires = timezone.now() + (ttl or timedelta(hours=settings.UPLOAD_TTL_HOURS))
    stored = StoredUpload.objects.create(
        owner=owner if getattr(owner, "pk", None) else None,
        purpose=purpose,
        file_name=Path(name).name[:255],
        expires_at=expires,
    )
    target = path_of(stored)
    target.parent.mkdir(parents=True, exist_ok=True)
    sha256, size, fernet = hashlib.sha256(), 0, _fernet()
    try:
        with target.open("wb") as out:
            for chunk in _chunks(upload):
                size += len(chunk)
                if size > max_bytes:
                    raise ServiceError(
                        "upload.size",
                        _("%(name)s is larger than %(limit)s MB.")
                        % {"name": stored.file_name, "limit": f"{max_bytes / 2**20:g}"},
                        field="file",
                    )
                sha256.update(chunk)
                out.write(fernet.encrypt(chunk) + b"\n")
    except BaseException:
        target.unlink(missing_ok=True)
        stored.delete()
        raise
    StoredUpload.objects.filter(pk=stored.pk).update(size=size, sha256=sha256.hexdigest())
    stored.size, stored.sha256 = size, sha256.hexdigest()
    return stored


class _Decrypting(io.RawIOBase):
    """The plain content of a stored upload, decrypted chunk by chunk as it is read. Seeking backwards
    starts again from the beginning (readers seek back once at most: a CSV's encoding pass)."""

    def __init__(self, path: Path, size: int) -> None:
        self._path, self._size, self._fernet = path, size, _fernet()
        self._open()

    def _open(self) -> None:
        self._lines = self._path.open("rb")
        self._buffer, self._offset, self._position = b"", 0, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def readinto(self, target: Any) -> int:
        if self._offset >= len(self._buffer):
            line = self._lines.readline()
            if not line:
                return 0
            self._buffer, self._offset = self._fernet.decrypt(line.rstrip(b"\n")), 0
        count = min(len(target), len(self._buffer) - self._offset)
        target[:count] = memoryview(self._buffer)[self._offset : self._offset + count]
        self._offset += count
        self._position += count
        return count

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        goal = {io.SEEK_SET: offset, io.SEEK_CUR: self._position + offset, io.SEEK_END: self._size + offset}[whence]
        if goal < self._position:
            self._lines.close()
            self._open()
        while self._position < goal:
            skipped = self.read(min(CHUNK, goal - self._position))
            if not skipped:
                break
        return self._position

    def close(self) -> None:
        if not self.closed:
            self._lines.close()
        super().close()


def upload_open(stored: StoredUpload) -> IO[bytes]:
    """The file's plain content as a readable, seekable stream, decrypted as it is read; close it after.

    A zip (.xlsx) is read at random places, so it is decrypted into a spooled file first: in memory up to
    the page-upload cap, beyond that an anonymous temporary file that disappears with the process."""
    stream = io.BufferedReader(_Decrypting(path_of(stored), stored.size), buffer_size=CHUNK)
    if not stored.file_name.lower().endswith((".xlsx", ".xlsm")):
        return stream
    spooled = tempfile.SpooledTemporaryFile(max_size=settings.IMPORT_MAX_BYTES)  # noqa: SIM115 (returned)
    with stream:
        while chunk := stream.read(CHUNK):
            spooled.write(chunk)
    spooled.seek(0)
    return spooled  # type: ignore[return-value]


def upload_get(*, owner: Any, pk: Any, purpose: str) -> StoredUpload | None:
    """One of ``owner``'s stored uploads for ``purpose``, if it has not expired (else None: upload again)."""
    try:
        key = uuid.UUID(str(pk))
    except ValueError:
        return None
    stored = StoredUpload.objects.filter(pk=key, owner=owner, purpose=purpose, expires_at__gt=timezone.now()).first()
    if stored is None or not path_of(stored).exists():
        return None
    return stored


def upload_keep(stored: StoredUpload, *, until: datetime) -> None:
    """Extend the expiry (a background import may wait in the queue for a while)."""
    StoredUpload.objects.filter(pk=stored.pk, expires_at__lt=until).update(expires_at=until)


def upload_discard(stored: StoredUpload | None) -> None:
    """Delete the row now and the file once the transaction commits (a rollback keeps the row; the file
    then goes with the next purge of orphans)."""
    if stored is None:
        return
    target = path_of(stored)
    StoredUpload.objects.filter(pk=stored.pk).delete()
    transaction.on_commit(lambda: target.unlink(missing_ok=True))


def uploads_purge(*, now: datetime | None = None) -> int:
    """Delete expired uploads and files left without a row (a process that died mid-upload); the number
    of files deleted."""
    now = now or timezone.now()
    deleted = 0
    for stored in StoredUpload.objects.filter(expires_at__lte=now):
        path_of(stored).unlink(missing_ok=True)
        stored.delete()
        deleted += 1
    base = folder()
    if base.is_dir():
        known = {f"{key.hex}.enc" for key in StoredUpload.objects.values_list("pk", flat=True)}
        cutoff = (now - timedelta(hours=settings.UPLOAD_TTL_HOURS)).timestamp()
        for path in base.glob("*.enc"):
            if path.name not in known and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                deleted += 1
    return deleted


def schedule_upload_purge(now: datetime) -> str | None:
    """Periodic job (``core`` AppConfig): purge at every scheduler pass; cheap when there is nothing to do."""
    deleted = uploads_purge(now=now)
    return f"{deleted} expired uploads deleted" if deleted else None
