"""Measure the EP-6 overdue sweep on synthetic data (not a test; run on a throwaway database).

    DATABASE_URL=postgres://…/sibao_bench_sentinel manage.py migrate && manage.py load_regions
    DATABASE_URL=postgres://…/sibao_bench_sentinel manage.py bench_sentinel_sweep --employees 100000 --yes

Prints ``name: value unit`` lines: the first sweep (raising), a repeat (nothing to do), and a sweep after
half of the overdue people were tested (lifting)."""

import random
import time
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from sibao.accounts.models import User
from sibao.core.roles import Role
from sibao.enterprises.models import Enterprise
from sibao.epidemic.models import Employee
from sibao.regions.models import Region
from sibao.sentinel.models import SentinelWarning
from sibao.sentinel.sweeps import overdue_sweep
from sibao.whitelist.models import Application, ApplicationState, Batch, Listing

PER_ENTERPRISE = 500


class Command(BaseCommand):
    help = "Time the overdue sweep on N synthetic employees of whitelisted enterprises (throwaway database!)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--employees", type=int, default=100_000)
        parser.add_argument("--yes", action="store_true", help="I know this writes synthetic rows.")

    def handle(self, *args: Any, employees: int = 100_000, yes: bool = False, **options: Any) -> None:
        if not yes:
            raise CommandError("Writes synthetic data; run on a throwaway database with --yes.")
        if "bench" not in str(connection.settings_dict["NAME"]):  # as benchmarks/*.py: never a real database
            raise CommandError("DATABASE_URL must name a database whose name contains 'bench'.")
        now = timezone.now()
        self._generate(employees, now)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # production tables have statistics; a fresh bulk load has none
        for label, moment in (("raise", now), ("repeat", now)):
            started = time.perf_counter()
            result = overdue_sweep(moment)
            elapsed = (time.perf_counter() - started) * 1000
            self.stdout.write(f"sentinel_sweep_{label}_ms: {elapsed:.0f} ms ({result})")
        # Half of the warned people get a negative test: the next sweep lifts their warnings.
        warned = list(SentinelWarning.objects.filter(status="open").values_list("employee_id", flat=True))[::2]
        for start in range(0, len(warned), 5000):
            Employee.objects.filter(pk__in=warned[start : start + 5000]).update(last_negative_test_at=now)
        started = time.perf_counter()
        result = overdue_sweep(now)
        elapsed = (time.perf_counter() - started) * 1000
        self.stdout.write(f"sentinel_sweep_lift_ms: {elapsed:.0f} ms ({result})")
        self.stdout.write(f"sentinel_sweep_employees: {employees} people")

    def _generate(self, count: int, now: Any) -> None:
        rng = random.Random(5)
        townships = list(Region.objects.filter(level="township", path__startswith="410000/").order_by("code")[:200])
        if not townships:
            raise CommandError("Load the regions first (manage.py load_regions).")
        county = townships[0].parent
        assert county is not None
        with transaction.atomic():
            hq, _ = User.objects.get_or_create(
                username="bench_hq", defaults={"role": Role.HQ_OFFICE, "region": county, "display_name": "bench"}
            )
            batch = Batch.objects.create(
                region=county, number=900_000 + rng.randrange(99_999), published_at=now, published_by=hq
            )
            enterprises = Enterprise.objects.bulk_create(
                Enterprise(
                    name=f"压测企业{n}", uscc=f"91{n:016d}", region=townships[n % len(townships)], sector="industry"
                )
                for n in range(max(1, count // PER_ENTERPRISE))
            )
            for enterprise in enterprises:
                application = Application.objects.create(
                    enterprise=enterprise,
                    sector="industry",
                    service_level=enterprise.service_level,
                    state=ApplicationState.LISTED,
                    created_by=hq,
                    contact_name="压测",
                    contact_phone="13900000000",
                    statement="-",
                    measures="-",
                )
                Listing.objects.create(
                    enterprise=enterprise,
                    application=application,
                    batch=batch,
                    sector="industry",
                    service_level=enterprise.service_level,
                    listed_at=now,
                )
            rows = []
            for n in range(count):
                hours = rng.choice([None, 10, 30, 47, 49, 60, 100])  # ~4 in 7 overdue on a normal post
                rows.append(
                    Employee(
                        enterprise=enterprises[n % len(enterprises)],
                        name=f"员工{n}",
                        id_cipher="-",
                        id_digest=f"bench{n:059d}",
                        id_masked="4102************00",
                        last_negative_test_at=None if hours is None else now - timedelta(hours=hours),
                    )
                )
            Employee.objects.bulk_create(rows, batch_size=5000)
