"""Load reference data and demo data. Idempotent: a second run changes nothing.

What is loaded is declared by the apps (``demo_data`` on each AppConfig, see ``sibao.core.demo``), so the
kernel names no app (issue 9 #5)."""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from sibao.core.demo import demo_data


class Command(BaseCommand):
    help = "Load reference data (regions, organisation) and every app's demo data"

    def handle(self, *args: Any, **options: Any) -> None:
        lines = []
        with transaction.atomic():
            for demo in demo_data():
                lines.append(demo.describe(demo.load()))
        if options["verbosity"] > 0:
            for line in filter(None, lines):
                self.stdout.write(line)
