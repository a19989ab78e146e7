"""The small scheduler (ARCHITECTURE "background work"): enqueue the periodic jobs that are due.

Run it once (cron) or with ``--loop SECONDS`` next to ``db_worker`` (``make worker``). Each app lists its
schedulers on its AppConfig (``periodic_jobs``); each enqueues at most once per period, so running this
often is harmless.
"""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from sibao.core.scheduling import periodic_jobs


class Command(BaseCommand):
    help = "Enqueue due periodic jobs (weekly reports, daily-report sweep, re-test deadlines, overdue tests …)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", type=int, default=0, help="Keep checking every N seconds.")

    def handle(self, *args: Any, loop: int = 0, **options: Any) -> None:
        schedulers = periodic_jobs()
        while True:
            now = timezone.now()
            for scheduler in schedulers:
                enqueued = scheduler(now)
                if enqueued:
                    self.stdout.write(f"{scheduler.__module__}.{scheduler.__name__}: {enqueued}")
            if loop <= 0:
                return
            time.sleep(loop)
