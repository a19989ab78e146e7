"""`make run` (issue 9 #1): the whole platform in one command — gunicorn, the task worker (`db_worker`) and the
scheduler of periodic jobs (`schedule_jobs --loop`), started and stopped together.

Before the server listens, one scheduler pass runs and the worker drains what it enqueued, so the first page
already shows figures the jobs keep true (overdue warnings, the last closed week's report, missing daily
reports…): no page can show the overdue list without its warnings.
"""

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from sibao.core.processes import run_together


class Command(BaseCommand):
    help = "Serve the platform with its task worker and scheduler (one command; Ctrl-C stops all three)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000", help="Address for gunicorn (default 127.0.0.1:8000).")
        parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes (default 3).")
        parser.add_argument(
            "--schedule-every", type=int, default=300, help="Seconds between scheduler passes (default 300)."
        )
        parser.add_argument("--no-first-pass", action="store_true", help="Serve without running due jobs first.")

    def handle(
        self, *args: Any, bind: str, workers: int, schedule_every: int, no_first_pass: bool, **options: Any
    ) -> None:
        if not no_first_pass:
            self.stdout.write("Running the periodic jobs that are due before serving…")
            call_command("schedule_jobs", stdout=self.stdout)
            call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
        project = Path(settings.BASE_DIR).parent
        manage = [sys.executable, str(project / "manage.py")]
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        commands = {
            "gunicorn": [
                gunicorn,
                "sibao.wsgi:application",
                "--chdir",
                str(project),
                "--bind",
                bind,
                "--workers",
                str(workers),
                "--access-logfile",
                "-",
                "--log-level",
                "warning",
            ],
            "worker": [*manage, "db_worker", "--no-reload", "--no-startup-delay", "-v", "0"],
            "scheduler": [*manage, "schedule_jobs", "--loop", str(schedule_every)],
        }
        self.stdout.write(f"Sibao: http://{bind}/  (web server, task worker and scheduler; Ctrl-C stops all three)")
        self.stdout.flush()
        code = run_together(commands, say=lambda text: self.stderr.write(text))
        if code:
            sys.exit(code)
