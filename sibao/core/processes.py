"""Run several long-lived processes as one (issue 9 #1: `make run` is the web server, the task worker and the
scheduler together). They start together and stop together: Ctrl-C (SIGINT) or SIGTERM stops them all, and
one that exits takes the others down, so the platform never runs half (pages without the jobs that keep their
figures true)."""

import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from types import FrameType

GRACE_SECONDS = 10.0  # how long a process may take to finish its current request or task once asked to stop


def _stop(processes: Mapping[str, subprocess.Popen[bytes]], grace: float) -> None:
    for process in processes.values():
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + grace
    for process in processes.values():
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_together(
    commands: Mapping[str, Sequence[str]],
    *,
    say: Callable[[str], None] = print,
    poll_seconds: float = 0.5,
    grace: float = GRACE_SECONDS,
) -> int:
    """Start every command, wait until one exits or a stop signal arrives, then stop the others.

    Returns 0 after a stop signal, else the exit code of the process that ended first (1 if that was 0:
    a server or worker that stops on its own is a failure of the whole)."""
    stopping: list[int] = []

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stopping.append(signum)

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    processes: dict[str, subprocess.Popen[bytes]] = {}
    try:
        for name, command in commands.items():
            processes[name] = subprocess.Popen(list(command))
        while not stopping:
            ended = [(name, process.returncode) for name, process in processes.items() if process.poll() is not None]
            if ended:
                name, code = ended[0]
                say(f"{name} exited with code {code}: stopping {', '.join(n for n in processes if n != name)}")
                return code or 1
            time.sleep(poll_seconds)
        say(f"stopping {', '.join(processes)}")
        return 0
    finally:
        _stop(processes, grace)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
