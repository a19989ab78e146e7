"""Issue 9 #1: `make run`'s processes start and stop together — one that exits takes the others down, and
Ctrl-C (SIGINT) stops them all. Real child processes, no mocks; waits are bounded, never timed."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sibao.core.processes import run_together

SLEEPER = [sys.executable, "-c", "import time; time.sleep(600)"]


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_one_process_exiting_stops_the_others() -> None:
    said: list[str] = []
    started = time.monotonic()
    code = run_together(
        {"web": SLEEPER, "worker": [sys.executable, "-c", "raise SystemExit(3)"], "scheduler": SLEEPER},
        say=said.append,
        poll_seconds=0.05,
    )
    assert code == 3
    assert said == ["worker exited with code 3: stopping web, scheduler"]
    assert time.monotonic() - started < 300  # did not wait for the sleepers' 600 s


def test_a_process_that_stops_cleanly_still_fails_the_whole() -> None:
    code = run_together({"web": SLEEPER, "worker": [sys.executable, "-c", "pass"]}, say=lambda _: None)
    assert code == 1


def test_ctrl_c_stops_every_process(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    child = f"import os, time; open({str(pids)!r}, 'a').write(f'{{os.getpid()}}\\n'); time.sleep(600)"
    supervisor = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from sibao.core.processes import run_together; "
            f"sys.exit(run_together({{'a': [sys.executable, '-c', {child!r}], 'b': [sys.executable, '-c', {child!r}]}},"
            " poll_seconds=0.05))",
        ],
        cwd=Path(__file__).resolve().parents[3],
    )
    deadline = time.monotonic() + 120
    while (not pids.exists() or len(pids.read_text().split()) < 2) and time.monotonic() < deadline:
        time.sleep(0.05)
    children = [int(pid) for pid in pids.read_text().split()]
    assert len(children) == 2
    supervisor.send_signal(signal.SIGINT)
    assert supervisor.wait(timeout=120) == 0
    assert all(_gone(pid) for pid in children)
