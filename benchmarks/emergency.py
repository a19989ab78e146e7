"""EM-2 figures: the one-key switch of a city subtree (issue 12).

Usage: DATABASE_URL=postgres://…/sibao_bench .venv/bin/python benchmarks/emergency.py [SCALE]
(SCALE=1.0: 10,000 whitelist enterprises of 开封市 with 5 employees each, plus 2,000 enterprises of the city not
on the whitelist and 1,000 listed ones of 郑州市 that the switch must leave alone).
PostgreSQL only: the database's tables are dropped and re-created, so its name must contain "bench".
Prints `name: value unit` lines:

- ``switch_city_s``: ``emergency_switch`` of 开封市 — preview counts, the holds, the modes, one inbox message per
  enterprise, the record and the joint-office message, one transaction (target ≤ 5 s).
- ``switch_back_city_s``: ``emergency_switch_back`` — each firm's own mode back, the holds released
  (target ≤ 5 s).
"""

import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.dataset import BulkWriter  # noqa: E402

SECTORS = ("industry", "commerce", "transport", "culture_tourism", "key_project")


def print_figure(name: str, value: float, unit: str) -> None:
    print(f"{name}: {value:.2f} {unit}", flush=True)


def main() -> None:
    scale = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sibao.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.urls import reverse
    from django.utils import timezone

    from sibao.accounts.models import User
    from sibao.core.protected import digest
    from sibao.core.roles import Role
    from sibao.core.validators import uscc_with_check_digits
    from sibao.emergency.models import EmergencyHold
    from sibao.emergency.services import emergency_switch, emergency_switch_back
    from sibao.enterprises.models import Enterprise
    from sibao.epidemic.models import Employee
    from sibao.notifications.models import Notification
    from sibao.regions.models import Region
    from sibao.whitelist.models import Application, Batch, Listing

    if connection.vendor != "postgresql":
        raise SystemExit("benchmarks/emergency.py: DATABASE_URL must name a PostgreSQL database")
    if "bench" not in str(connection.settings_dict["NAME"]):
        raise SystemExit("benchmarks/emergency.py: DATABASE_URL must name a database containing 'bench'")
    listed_n = max(100, int(10_000 * scale))
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", verbosity=0)
    call_command("load_regions", verbosity=0)

    city = Region.objects.get(code="410200")
    city_townships = list(Region.objects.filter(path__startswith=city.path, level="township").order_by("code"))
    other_townships = list(Region.objects.filter(path__startswith="410000/410100/", level="township").order_by("code"))
    hq = User.objects.create(
        username="bench_city_hq", role=Role.HQ_OFFICE, region=city, display_name="开封市指挥部办公室"
    )
    writer = BulkWriter()
    now = timezone.now()
    # (township, listed) for every enterprise: the city's listed ones, its unlisted ones, another city's listed.
    plan = (
        [(city_townships[i % len(city_townships)], True) for i in range(listed_n)]
        + [(city_townships[i % len(city_townships)], False) for i in range(listed_n // 5)]
        + [(other_townships[i % len(other_townships)], True) for i in range(listed_n // 10)]
    )
    with transaction.atomic():
        enterprise_ids = writer.ids(Enterprise, len(plan))
        writer.write(
            Enterprise,
            ["id", "name", "uscc", "region_id", "sector", "employee_count", "closed_loop_mode"],
            (
                (
                    pk,
                    f"基准应急企业{i}",
                    uscc_with_check_digits(f"91410200E{i:07d}"),
                    township.pk,
                    SECTORS[i % len(SECTORS)],
                    5,
                    "two_point" if i % 7 == 0 else "none",  # some chose a mode of their own
                )
                for i, (pk, (township, _listed)) in enumerate(zip(enterprise_ids, plan, strict=True))
            ),
        )
        listed = [(pk, township) for pk, (township, on_list) in zip(enterprise_ids, plan, strict=True) if on_list]
        counties = sorted({township.parent_id for _pk, township in listed})
        batch_of = dict(zip(counties, writer.ids(Batch, len(counties)), strict=True))
        writer.write(
            Batch,
            ["id", "region_id", "number", "published_at", "published_by_id"],
            ((batch_of[county], county, 1, now - timedelta(days=30), hq.pk) for county in counties),
        )
        application_ids = writer.ids(Application, len(listed))
        app_columns = ["id", "enterprise_id", "sector", "service_level", "state", "contact_name", "contact_phone"]
        fixed = ("county", "approved", "联系人", "13800000000", "保障生产", "落实防疫主体责任", hq.pk)
        writer.write(
            Application,
            [*app_columns, "statement", "measures", "created_by_id"],
            (
                (app, pk, SECTORS[(pk - enterprise_ids[0]) % len(SECTORS)], *fixed)
                for app, (pk, _township) in zip(application_ids, listed, strict=True)
            ),
        )
        writer.write(
            Listing,
            ["id", "enterprise_id", "application_id", "batch_id", "sector", "service_level", "listed_at"],
            (
                (
                    listing,
                    pk,
                    app,
                    batch_of[township.parent_id],
                    SECTORS[(pk - enterprise_ids[0]) % len(SECTORS)],
                    "county",
                    now - timedelta(days=30),
                )
                for listing, app, (pk, township) in zip(
                    writer.ids(Listing, len(listed)), application_ids, listed, strict=True
                )
            ),
        )
        employee_ids = writer.ids(Employee, len(listed) * 5)
        writer.write(
            Employee,
            ["id", "enterprise_id", "name", "id_cipher", "id_digest", "id_masked"],
            (
                (pk, listed[n // 5][0], f"员工{n}", "x", digest(f"bench-{n}"), "410222********0000")
                for n, pk in enumerate(employee_ids)
            ),
        )
        writer.finish()

    before = dict(Enterprise.objects.values_list("pk", "closed_loop_mode"))
    # A running server has its URLs loaded (the switch names its pages in the messages): not part of the figure.
    reverse("emergency:notice")
    started = time.perf_counter()
    emergency = emergency_switch(actor=hq, region=city, reason="基准：全市应急", document_number="汴防指〔2022〕1号")
    switched = time.perf_counter() - started
    held = EmergencyHold.objects.filter(emergency=emergency).count()
    told = Notification.objects.filter(topic="emergency.switched").count()
    assert held == listed_n == told, (held, listed_n, told)
    started = time.perf_counter()
    emergency_switch_back(actor=hq, emergency=emergency, reason="基准：解除", document_number="汴防指〔2022〕2号")
    back = time.perf_counter() - started
    assert dict(Enterprise.objects.values_list("pk", "closed_loop_mode")) == before
    print(f"# {listed_n} whitelist enterprises switched and told, {len(plan) - listed_n} left alone")
    print_figure("switch_city_s", switched, "s")
    print_figure("switch_back_city_s", back, "s")


if __name__ == "__main__":
    main()
