"""The small scheduler (ARCHITECTURE "background work"): enqueue the periodic jobs that are due.

Run it once (cron) or with ``--loop SECONDS`` next to ``db_worker`` (``make worker``). Each job enqueues
at most once per period, so running it often is harmless.
"""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sibao.tickets.tasks import schedule_weekly_reports


class Command(BaseCommand):
    help = "Enqueue due periodic jobs (RQ-8 weekly reports every Friday after 17:00)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", type=int, default=0, help="Keep checking every N seconds.")

    def handle(self, *args: Any, loop: int = 0, **options: Any) -> None:
        while True:
            week_end = schedule_weekly_reports()
            if week_end:
                self.stdout.write(f"weekly reports for the week ending {week_end} enqueued")
            if loop <= 0:
                return
            time.sleep(loop)
