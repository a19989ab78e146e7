"""``manage.py load_organisation [PATH ...]``: load the command HQs, task forces and units (OR-2..OR-6).

Without arguments every ``*.json`` in ``sibao/organisation/data/`` is loaded; a PATH may be a file or
a folder. Run ``manage.py load_regions`` first: units point at regions. Idempotent, one transaction;
see ``sibao/organisation/loading.py`` and ``sibao/organisation/data/README.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from sibao.organisation.loading import DATA_DIR, load_organisation


class Command(BaseCommand):
    help = "Load command HQs, task forces, departments, medical institutions and townships from JSON (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paths",
            nargs="*",
            type=Path,
            help=f"data files or folders (default: {DATA_DIR.relative_to(DATA_DIR.parents[2])})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[Path] = options["paths"] or [DATA_DIR]
        totals: dict[str, int] = {}
        with transaction.atomic():  # several paths still load all-or-nothing
            for path in paths:
                for key, value in load_organisation(path).items():
                    totals[key] = totals.get(key, 0) + value
        self.stdout.write(
            self.style.SUCCESS(
                f"组织机构（{totals['files']} 个文件）：新增单位 {totals['units_created']}，"
                f"更新单位 {totals['units_updated']}，新增人员 {totals['people_created']}，"
                f"更新人员 {totals['people_updated']}，新增任职 {totals['memberships_created']}，"
                f"更新任职 {totals['memberships_updated']}"
            )
        )
