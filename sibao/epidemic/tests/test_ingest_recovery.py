"""Issue 8 #2: a test-result import killed (SIGKILL) before it started, while checking or while writing is
never stuck: the next scheduler pass (or the same file sent again) finishes it, its rows land exactly once,
the same file cannot add them twice, and the raw file never lies in clear and is gone once the run ends.

Real processes against a real database: this test's PostgreSQL database, or on SQLite a file copy of the
test database (an in-memory database cannot be shared). Run on PostgreSQL with DATABASE_URL set."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from conftest import Personas
from sibao.core.jobs import MAX_ATTEMPTS, recover
from sibao.core.models import StoredUpload
from sibao.epidemic import models as epidemic
from sibao.epidemic.tasks import run_test_import
from sibao.epidemic.tests import ingest_child

pytestmark = pytest.mark.django_db(transaction=True)

APPLICATION = "sibao-killed-import"
PROJECT = Path(settings.BASE_DIR).parent


class Child:
    """Runs ``ingest_child`` actions against one database and media folder."""

    def __init__(self, database_url: str, media: Path, sqlite_path: Path | None) -> None:
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SIBAO_TEST_MEDIA": str(media),
            "DJANGO_SETTINGS_MODULE": "sibao.settings_test",
        }
        self.media, self.sqlite_path = media, sqlite_path

    def start(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "sibao.epidemic.tests.ingest_child", *args],
            cwd=PROJECT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run(self, *args: str) -> list[dict[str, Any]]:
        process = self.start(*args)
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
        return [json.loads(line) for line in out.splitlines() if line.startswith("{")]

    def kill_when_paused(self, moment: str) -> dict[str, Any]:
        """Start a worker, wait until it stops at ``moment``, SIGKILL it; the import's id and status."""
        process = self.start("worker", moment)
        assert process.stdout is not None
        safety = threading.Timer(600, process.kill)  # a child that never reaches its moment fails the test
        safety.start()
        said: dict[str, Any] = {}
        try:
            for line in process.stdout:
                if line.startswith("{"):
                    said.update(json.loads(line))
                if line.strip() == "PAUSED":
                    break
            else:
                raise AssertionError(process.stderr.read() if process.stderr else "the child ended early")
        finally:
            safety.cancel()
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert process.returncode == -signal.SIGKILL
        self.wait_for_server_to_notice()
        return said

    def wait_for_server_to_notice(self) -> None:
        """PostgreSQL ends a killed client's session (and its transaction and locks) as soon as it reads the
        closed socket; wait for that, rather than for a fixed time. SQLite's locks die with the process."""
        if self.sqlite_path is not None:
            return
        for _attempt in range(600):
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [APPLICATION])
                if cursor.fetchone()[0] == 0:
                    return
            time.sleep(0.05)
        raise AssertionError("the killed child's sessions are still open")

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if self.sqlite_path is None:
            with connection.cursor() as cursor:
                cursor.execute(sql.replace("?", "%s"), params)
                return list(cursor.fetchall()) if cursor.description else []
        with sqlite3.connect(self.sqlite_path) as database:
            return list(database.execute(sql, params).fetchall())

    def state(self, import_id: int) -> dict[str, Any]:
        status, upload, attempts = self.query(
            "SELECT status, upload_id, attempts FROM epidemic_testimport WHERE id = ?", (import_id,)
        )[0]
        return {
            "status": status,
            "upload": upload,
            "attempts": attempts,
            "results": self.query("SELECT count(*) FROM epidemic_testresult")[0][0],
            "uploads": self.query("SELECT count(*) FROM core_storedupload")[0][0],
            "files": sorted(path.name for path in (self.media / "uploads").glob("*.enc")),
        }

    def files_hold_no_clear_number(self) -> bool:
        clear = ingest_child.number(7).encode()
        return all(clear not in path.read_bytes() for path in (self.media / "uploads").glob("*.enc"))


@pytest.fixture
def child(personas: Personas, tmp_path: Path) -> Child:
    """The personas exist (committed) before the database is shared with the children."""
    media = tmp_path / "media"
    media.mkdir()
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        url = (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"
            f"/{db['NAME']}?application_name={APPLICATION}"
        )
        return Child(url, media, None)
    path = tmp_path / "sibao.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)
    return Child(f"sqlite:///{path}", media, path)


def test_killed_while_writing_then_the_scheduler_finishes_it_once(child: Child) -> None:
    said = child.kill_when_paused("write")
    stuck = child.state(said["id"])
    # Killed inside the data transaction: nothing was saved, the file waits, encrypted.
    assert stuck["status"] == epidemic.TestImportStatus.RUNNING and stuck["results"] == 0
    assert stuck["upload"] and stuck["files"] and child.files_hold_no_clear_number()

    child.run("scheduler")
    done = child.state(said["id"])
    assert done["status"] == epidemic.TestImportStatus.DONE and done["results"] == ingest_child.ROWS
    assert done["attempts"] == 2 and done["upload"] is None and done["uploads"] == 0 and done["files"] == []

    assert child.run("resend") == [{"refused": "duplicate_file"}]
    again = child.state(said["id"])
    assert again["results"] == ingest_child.ROWS and again["uploads"] == 0 and again["files"] == []
    if child.sqlite_path is not None:  # the finished run's lock file went with it
        assert not list(Path(f"{child.sqlite_path}.locks").glob("*.lock"))


def test_killed_while_checking_then_the_same_file_sent_again_lands_once(child: Child) -> None:
    said = child.kill_when_paused("validate")
    assert child.state(said["id"])["status"] == epidemic.TestImportStatus.RUNNING

    # Sent again before any scheduler pass: the dead run is taken over, not refused as "already imported".
    assert child.run("resend") == [{"id": said["id"], "status": epidemic.TestImportStatus.DONE}]
    done = child.state(said["id"])
    assert done["results"] == ingest_child.ROWS and done["uploads"] == 0 and done["files"] == []
    child.run("scheduler")  # nothing left to recover
    assert child.state(said["id"])["results"] == ingest_child.ROWS


def test_killed_before_it_started_then_the_scheduler_starts_it(child: Child) -> None:
    said = child.kill_when_paused("before")
    waiting = child.state(said["id"])
    assert waiting["status"] == epidemic.TestImportStatus.PENDING and waiting["attempts"] == 0 and waiting["files"]
    child.run("scheduler")
    # Within the grace period a pending file may still be waiting in the queue: left alone.
    assert child.state(said["id"])["status"] == epidemic.TestImportStatus.PENDING
    long_ago = (timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S")
    child.query("UPDATE epidemic_testimport SET queued_at = ? WHERE id = ?", (long_ago, said["id"]))
    child.run("scheduler")
    done = child.state(said["id"])
    assert done["status"] == epidemic.TestImportStatus.DONE and done["results"] == ingest_child.ROWS
    assert done["files"] == []


def test_an_import_interrupted_again_and_again_fails_cleanly(personas: Personas) -> None:
    """After MAX_ATTEMPTS interrupted runs the file is not tried again: it fails with a message and the
    stored file is deleted. (In-process: a running row without a live lock holder is a dead run.)"""
    from sibao.epidemic.ingest import results_import_submit

    submitted = results_import_submit(
        actor=personas.tongxu_epidemic, institution="通许县人民医院", file_name="r.csv", content=b"x,y\n"
    )
    stored = StoredUpload.objects.create(owner=personas.tongxu_epidemic, purpose="t", expires_at=timezone.now())
    epidemic.TestImport.objects.filter(pk=submitted.pk).update(status="running", attempts=MAX_ATTEMPTS, upload=stored)
    assert recover(epidemic.TestImport, task=run_test_import) == []
    failed = epidemic.TestImport.objects.get(pk=submitted.pk)
    assert failed.status == epidemic.TestImportStatus.FAILED and str(MAX_ATTEMPTS) in failed.error
    assert failed.upload is None and not StoredUpload.objects.filter(pk=stored.pk).exists()
    assert not epidemic.TestResult.objects.exists()
