"""Background import runs that survive a killed worker (issue 8 #2).

A job is a row with ``status`` (pending → running → done | failed), ``progress``, ``attempts``,
``queued_at``, ``started_at``, ``finished_at``, ``error`` and the ``upload`` it reads (``core.uploads``).
Three pieces make an interrupted run detectable and recoverable:

- **A run lock that dies with its holder.** The process running a job holds an exclusive lock on it for the
  whole run: a session advisory lock on PostgreSQL (on a second, autocommit connection, which also writes
  the progress), ``flock`` on a file next to the database on SQLite (one machine). When the process is
  killed, the database closes its session and the kernel its file, so the lock goes with it — no timeout to
  tune, and a run that takes longer than any lease is never mistaken for a dead one.
- **A compare-and-set claim.** Only the lock holder moves the row to running, and only from pending (or
  from running, when the lock it now holds proves the previous runner dead), counting the attempt.
- **A recovery pass** (``recover``, called by each app's periodic job): a job that is running without a
  lock holder, or pending with no task waiting in the queue for a while, is enqueued again; after
  ``MAX_ATTEMPTS`` interrupted runs it fails with a message and its upload is deleted.

A run writes its rows all or nothing in one transaction together with ``status = done``, so re-running a
killed import from the start is always safe (see ``core.bulk`` and ``core.imports``).
"""

import fcntl
import functools
import hashlib
import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.db import connection, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from sibao.core.uploads import upload_discard

logger = logging.getLogger(__name__)

PENDING, RUNNING, DONE, FAILED = "pending", "running", "done", "failed"
ACTIVE = (PENDING, RUNNING)
MAX_ATTEMPTS = 3
# A pending job with no task waiting for it this long is enqueued again (its task was lost: the web process
# died between commit and enqueue, or a worker took the task and died before claiming the job).
PENDING_GRACE = timedelta(minutes=2)


def _key(model: type[models.Model], pk: int) -> int:
    """A signed 64-bit advisory-lock key for one job row."""
    raw = hashlib.blake2b(f"sibao-job:{model._meta.db_table}:{pk}".encode(), digest_size=8).digest()
    return int.from_bytes(raw, "big", signed=True)


def _lock_folder() -> Path:
    """Next to the SQLite file, so that every process using that database shares it; a per-process folder
    for an in-memory database (tests), which no other process can open anyway."""
    name = str(connection.settings_dict.get("NAME") or "")
    if name and not name.startswith("file:") and name != ":memory:" and "mode=memory" not in name:
        path = Path(name)
        return path.parent / f"{path.name}.locks"
    return Path(tempfile.gettempdir()) / f"sibao-locks-{os.getpid()}"


class RunLock:
    """The exclusive lock on one job while it runs (see the module docstring). ``side`` is the PostgreSQL
    autocommit connection holding it, usable to write progress while the data transaction is open."""

    def __init__(self, model: type[models.Model], pk: int) -> None:
        self.model, self.pk = model, pk
        self.side: Any = None
        self._file: Any = None
        self._path: Path | None = None
        self.held = False
        # Set once the run has ended the job: its lock file can go (a later claim of a finished job fails
        # anyway, so a process that still opens the old file cannot run it twice).
        self.finished = False

    def acquire(self) -> bool:
        if connection.vendor == "postgresql":
            self.side = connection.get_new_connection(connection.get_connection_params())
            self.side.autocommit = True
            row = self.side.execute("SELECT pg_try_advisory_lock(%s)", (_key(self.model, self.pk),)).fetchone()
            self.held = bool(row and row[0])
            if not self.held:
                self.side.close()
                self.side = None
            return self.held
        folder = _lock_folder()
        folder.mkdir(parents=True, exist_ok=True)
        self._path = folder / f"{self.model._meta.db_table}-{self.pk}.lock"
        self._file = self._path.open("a")
        try:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._file.close()
            self._file = None
            return False
        self.held = True
        return True

    def release(self) -> None:
        if self.side is not None:
            try:
                self.side.execute("SELECT pg_advisory_unlock(%s)", (_key(self.model, self.pk),))
            finally:
                self.side.close()
                self.side = None
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None
            if self.finished and self._path is not None:
                self._path.unlink(missing_ok=True)
        self.held = False


@contextmanager
def run_lock(model: type[models.Model], pk: int) -> Iterator[RunLock]:
    lock = RunLock(model, pk)
    lock.acquire()
    try:
        yield lock
    finally:
        lock.release()


def lock_is_held(model: type[models.Model], pk: int) -> bool:
    """Whether a live process runs this job now (try the lock, give it back at once)."""
    probe = RunLock(model, pk)
    if probe.acquire():
        probe.release()
        return False
    return True


def claim(model: type[models.Model], pk: int) -> bool:
    """Move the job to running for the caller, who holds its lock. From pending, or from running: holding
    the lock proves that the previous runner died."""
    return bool(
        model._default_manager.filter(pk=pk, status__in=ACTIVE).update(
            status=RUNNING, progress=0, attempts=F("attempts") + 1, started_at=timezone.now()
        )
    )


class ProgressWriter:
    """Writes a job's ``progress`` so that other requests see it while the import's transaction is open:
    through the lock's autocommit connection on PostgreSQL; on SQLite (one writer at a time) only outside a
    transaction, i.e. while the file is being checked."""

    def __init__(self, model: type[models.Model], pk: int, lock: RunLock | None = None) -> None:
        self.model, self.pk, self.lock = model, pk, lock
        self.last = -1

    def __call__(self, percent: int) -> None:
        percent = max(0, min(99, percent))
        if percent < self.last + 5:
            return
        self.last = percent
        side = self.lock.side if self.lock is not None else None
        if side is not None:
            side.execute(f"UPDATE {self.model._meta.db_table} SET progress = %s WHERE id = %s", (percent, self.pk))
        elif not connection.in_atomic_block:
            self.model._default_manager.filter(pk=self.pk).update(progress=percent)


def finish(model: type[models.Model], pk: int, *, status: str, discard: bool = True, **fields: Any) -> None:
    """End a run: its status and outcome, and (``discard``) its upload deleted — inside the caller's
    transaction when there is one, so that "done" and the data commit together."""
    record: Any = model._default_manager.filter(pk=pk).select_related("upload").first()
    if record is None:
        return
    extra = {"upload": None} if discard else {}
    model._default_manager.filter(pk=pk).update(status=status, finished_at=timezone.now(), **extra, **fields)
    if discard:
        upload_discard(record.upload)


def _waiting_in_queue(task_obj: Any, pk: int) -> bool:
    """Whether the task backend holds a task for this job that no worker has taken yet."""
    backend = task_obj.get_backend()
    if backend.__class__.__name__ != "DatabaseBackend":
        return False
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.ready().filter(task_path=task_obj.module_path, args_kwargs__args=[pk]).exists()


def recover(
    model: type[models.Model], *, task: Any, now: datetime | None = None, interrupted_message: str | None = None
) -> list[int]:
    """One recovery pass over ``model``'s unfinished jobs; the ids enqueued again (after this transaction
    commits). A job with a live runner, or still waiting in the queue, is left alone."""
    now = now or timezone.now()
    requeued: list[int] = []
    for job in model._default_manager.filter(status__in=ACTIVE).only("pk", "status", "attempts", "queued_at"):
        record: Any = job
        if lock_is_held(model, record.pk):
            continue
        if record.status == PENDING and (
            (record.queued_at is not None and record.queued_at > now - PENDING_GRACE)
            or _waiting_in_queue(task, record.pk)
        ):
            continue
        if record.attempts >= MAX_ATTEMPTS:
            message = interrupted_message or _(
                "The import was interrupted %(count)d times and has been stopped; nothing was saved. "
                "Send the file again."
            ) % {"count": record.attempts}
            with transaction.atomic():
                finish(model, record.pk, status=FAILED, progress=100, error=message)
            logger.warning("%s %s failed after %s interrupted runs", model._meta.label, record.pk, record.attempts)
            continue
        updated = model._default_manager.filter(pk=record.pk, status=record.status).update(
            status=PENDING, progress=0, queued_at=now
        )
        if updated:
            logger.warning("%s %s was interrupted; enqueued again", model._meta.label, record.pk)
            transaction.on_commit(functools.partial(task.enqueue, record.pk))
            requeued.append(record.pk)
    return requeued


def scheduler(model_path: str, task_path: str) -> Callable[[datetime], str | None]:
    """A periodic job (``periodic_jobs`` on an AppConfig) running ``recover`` for one job model."""
    from django.apps import apps
    from django.utils.module_loading import import_string

    def schedule(now: datetime) -> str | None:
        requeued = recover(apps.get_model(model_path), task=import_string(task_path), now=now)
        return f"interrupted {model_path} enqueued again: {requeued}" if requeued else None

    schedule.__name__ = schedule.__qualname__ = f"recover_{model_path.replace('.', '_').lower()}"
    return schedule
