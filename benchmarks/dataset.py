"""A province's data, generated on demand (issue 10): the volumes the pages must answer within 300 ms.

Usage: ``DATABASE_URL=postgres://…/sibao_bench .venv/bin/python benchmarks/dataset.py [SCALE]`` (SCALE 1.0 is a
province; 0.05 a quick run). The database is emptied first, so on PostgreSQL its name must contain ``bench``.
SQLite works too (any file named in DATABASE_URL). Prints what it made and how long it took.

At SCALE 1.0, spread over every Henan county and township and every sector:

| what | rows |
|---|---|
| enterprises and key projects | 100,000 |
| whitelist listings (with their applications, one batch per county) | 20,000 |
| requests (with responsible units, involved units and their transition history, ~7 each) | 200,000 |
| employees of listed enterprises (50 each) / test results (last 72 h) | 1,000,000 / 1,000,000 |
| sentinel warnings (overdue tests, drug purchases, codes) | 290,000 |
| audit-log entries | 1,400,000 |
| inbox messages of 20,000 enterprise users | 800,000 |

Users (password ``Bench#2026pw``): ``bench_province`` (province HQ office), ``bench_city`` (开封市 HQ office),
``bench_county`` (通许县 HQ office), ``bench_department`` (province industry department), ``bench_enterprise``
(the first listed enterprise of 通许县).

Rows are written with COPY (PostgreSQL) or one ``executemany`` per table (SQLite) through ``BulkWriter``, which
fills every column the caller does not give from the model's own default, so a field added later with a default
does not break the generator.
"""

import os
import random
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_PASSWORD = "Bench#2026pw"
BENCH_USERS = ("bench_province", "bench_city", "bench_county", "bench_department", "bench_enterprise")
SECTOR_WEIGHTS = (("industry", 40), ("commerce", 28), ("transport", 12), ("culture_tourism", 10), ("key_project", 10))
WORDS = "恒达华信鑫源宏盛中原豫丰金象天瑞永兴嘉禾博远宇通润华新通安泰隆昌瑞丰康和盛世长城东方"
SUFFIX = {
    "industry": "机械制造有限公司",
    "commerce": "商贸有限公司",
    "transport": "物流运输有限公司",
    "culture_tourism": "文化旅游发展有限公司",
    "key_project": "建设项目",
}


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sibao.settings")
    import django

    django.setup()


class BulkWriter:
    """Write model rows the fastest way the database offers, ids assigned here so that rows can refer to each
    other without reading anything back. Columns the caller leaves out take the field's default."""

    def __init__(self) -> None:
        from django.db import connection
        from django.utils import timezone

        self.connection = connection
        self.vendor = connection.vendor
        self.now = timezone.now()
        self.next_id: dict[str, int] = {}

    def ids(self, model: Any, count: int) -> range:
        table = model._meta.db_table
        if table not in self.next_id:
            with self.connection.cursor() as cursor:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
                self.next_id[table] = cursor.fetchone()[0] + 1
        start = self.next_id[table]
        self.next_id[table] = start + count
        return range(start, start + count)

    def _adapter(self, field: Any) -> Callable[[Any], Any]:
        from django.db import models

        ops = self.connection.ops
        if isinstance(field, models.JSONField):
            return lambda value: field.get_db_prep_save(value, self.connection)
        if self.vendor == "sqlite":
            if isinstance(field, models.DateTimeField):
                return lambda value: ops.adapt_datetimefield_value(value) if value is not None else None
            if isinstance(field, models.DecimalField):
                return lambda value: str(value) if value is not None else None
        return lambda value: value

    def write(self, model: Any, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        """``columns`` are field names (``enterprise_id`` style for foreign keys); returns rows written."""
        fields = {field.attname: field for field in model._meta.concrete_fields}
        given = list(columns)
        missing = [
            field
            for name, field in fields.items()
            if name not in given and not (field.primary_key and name == "id") and not field.generated
        ]
        defaults: list[Any] = []
        for field in missing:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                defaults.append(self.now)
            else:
                defaults.append(field.get_default())
        names = given + [field.attname for field in missing]
        adapters = [self._adapter(fields[name]) for name in names]
        sql_columns = ", ".join(self.connection.ops.quote_name(fields[name].column) for name in names)
        table = model._meta.db_table
        count = 0

        def prepared() -> Iterator[list[Any]]:
            nonlocal count
            for row in rows:
                count += 1
                values = [*row, *defaults]
                yield [adapt(value) for adapt, value in zip(adapters, values, strict=True)]

        with self.connection.cursor() as cursor:
            if self.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({sql_columns}) FROM STDIN") as copy:
                    for values in prepared():
                        copy.write_row(values)
            else:
                marks = ", ".join(["%s"] * len(names))
                batch: list[list[Any]] = []
                for values in prepared():
                    batch.append(values)
                    if len(batch) >= 20_000:
                        cursor.executemany(f"INSERT INTO {table} ({sql_columns}) VALUES ({marks})", batch)
                        batch = []
                if batch:
                    cursor.executemany(f"INSERT INTO {table} ({sql_columns}) VALUES ({marks})", batch)
        return count

    def finish(self) -> None:
        """PostgreSQL sequences past the ids handed out here; fresh statistics for the planner."""
        if self.vendor != "postgresql":
            return
        with self.connection.cursor() as cursor:
            for table, next_id in self.next_id.items():
                cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, false)", [table, next_id])
            cursor.execute("ANALYZE")


def weighted(rng: random.Random, pairs: Sequence[tuple[str, int]]) -> str:
    return rng.choices([key for key, _ in pairs], weights=[weight for _, weight in pairs])[0]


def id_number(index: int) -> str:
    """A valid 18-character ID number per index (a Henan region code, a birth date, a serial)."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    born = datetime(1965, 1, 1) + timedelta(days=index // 900 % 15000)
    body = f"4102{22 + index % 3:02d}{born:%Y%m%d}{index % 900 + 100:03d}"
    total = sum(int(char) * weight for char, weight in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]


def generate(scale: float = 1.0, *, seed: int = 2022, out: Callable[[str], None] = print) -> dict[str, int]:
    """Empty the database and fill it with a province's data at ``scale``. Returns the row counts."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection, transaction

    from sibao.accounts.models import User
    from sibao.core.models import TransitionLog
    from sibao.core.protected import digest, mask_id_number
    from sibao.core.validators import uscc_with_check_digits
    from sibao.enterprises.models import Enterprise
    from sibao.epidemic.models import Employee, TestImport, TestResult
    from sibao.notifications.models import Notification
    from sibao.organisation.models import Unit
    from sibao.regions.models import Region
    from sibao.sentinel.models import SentinelWarning
    from sibao.tickets.models import Ticket
    from sibao.tickets.workflows import TICKET
    from sibao.whitelist.models import Application, Batch, Listing

    started = time.perf_counter()
    rng = random.Random(seed)
    # Never the dev database: the data set is added to what is there (SQLite) or replaces it (PostgreSQL).
    if "bench" not in str(connection.settings_dict["NAME"]):
        raise SystemExit("benchmarks/dataset.py: DATABASE_URL must name a database (or file) containing 'bench'")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", verbosity=0)
    call_command("load_regions", verbosity=0)
    call_command("load_organisation", verbosity=0)
    out(f"# schema, regions and organisation: {time.perf_counter() - started:.1f} s")

    writer = BulkWriter()
    now = writer.now
    counts: dict[str, int] = {}
    n_enterprises = max(200, int(100_000 * scale))
    n_listed = max(40, int(20_000 * scale))
    n_tickets = max(200, int(200_000 * scale))
    per_listed = 50
    n_warnings = max(100, int(290_000 * scale))
    n_audit = max(100, int(1_400_000 * scale))
    n_inbox = max(100, int(800_000 * scale))

    townships = list(Region.objects.filter(level="township").values_list("pk", "path", "parent_id"))
    counties = {pk: path for pk, path in Region.objects.filter(level="county").values_list("pk", "path")}
    tongxu = Region.objects.get(code="410222")

    with transaction.atomic():
        # --- Units: an HQ office and six departments in every county that has none yet (requests need them).
        have_units = set(Unit.objects.filter(kind="department").values_list("region_id", flat=True))
        departments: dict[int, list[tuple[int, str]]] = {}
        for region_id, unit_id, sector in Unit.objects.filter(kind="department").values_list(
            "region_id", "pk", "sector"
        ):
            departments.setdefault(region_id, []).append((unit_id, sector))
        county_units: list[tuple[int, int, str, str, str]] = []
        dept_specs = (
            ("industry", "industry_it", "科工信局"),
            ("commerce", "commerce", "商务局"),
            ("transport", "transport", "交通运输局"),
            ("culture_tourism", "culture_tourism", "文广旅局"),
            ("key_project", "development_reform", "发改委"),
        )
        missing_counties = [pk for pk in counties if pk not in have_units]
        unit_ids = iter(writer.ids(Unit, len(missing_counties) * len(dept_specs)))
        names = dict(Region.objects.filter(pk__in=missing_counties).values_list("pk", "name"))
        for county_id in missing_counties:
            for sector, function, short in dept_specs:
                unit_id = next(unit_ids)
                county_units.append((unit_id, county_id, sector, function, names[county_id] + short))
                departments.setdefault(county_id, []).append((unit_id, sector))
        counts["units"] = writer.write(
            Unit,
            ["id", "region_id", "kind", "name", "short_name", "sector", "function"],
            ((uid, rid, "department", name, name[-5:], sector, fn) for uid, rid, sector, fn, name in county_units),
        )

        # --- Enterprises
        enterprise_ids = writer.ids(Enterprise, n_enterprises)
        enterprise_region: list[int] = []
        enterprise_county: list[int] = []
        enterprise_sector: list[str] = []

        def enterprise_rows() -> Iterator[tuple[Any, ...]]:
            for offset, pk in enumerate(enterprise_ids):
                township_id, _path, county_id = townships[(offset * 7919) % len(townships)]
                sector = weighted(rng, SECTOR_WEIGHTS)
                enterprise_region.append(township_id)
                enterprise_county.append(county_id)
                enterprise_sector.append(sector)
                words = WORDS[offset % 40 : offset % 40 + 2] + WORDS[(offset // 40) % 38 : (offset // 40) % 38 + 2]
                name = f"{words}{SUFFIX[sector]}{offset}"
                value = Decimal(int(rng.lognormvariate(8, 1.2))).quantize(Decimal("0.01"))
                project = sector == "key_project"
                yield (
                    pk,
                    "key_project" if project else "enterprise",
                    name,
                    uscc_with_check_digits(f"9141{offset % 100:02d}00M{offset:07d}"[:16]),
                    township_id,
                    sector,
                    Decimal(0) if project else value,
                    value if project else Decimal(0),
                    rng.randint(10, 3000),
                    offset % 3 == 0,
                    offset % 11 == 0,
                    offset % 13 == 0,
                    sector == "commerce" and offset % 2 == 0,
                    offset % 17 == 0,
                    "".join(char for char in name[:8] if char.isascii()).lower(),
                )

        counts["enterprises"] = writer.write(
            Enterprise,
            [
                "id",
                "kind",
                "name",
                "uscc",
                "region_id",
                "sector",
                "output_value",
                "investment",
                "employee_count",
                "above_designated_size",
                "specialised_sme",
                "leader_linked",
                "livelihood",
                "city_operation",
                "name_initials",
            ],
            enterprise_rows(),
        )
        out(f"# enterprises: {time.perf_counter() - started:.1f} s")

        # --- Users
        province = Region.objects.get(code="410000")
        kaifeng = Region.objects.get(code="410200")
        password = make_password(BENCH_PASSWORD)
        listed_offsets = [offset for offset in range(n_enterprises) if offset % (n_enterprises // n_listed) == 0][
            :n_listed
        ]
        tongxu_listed = next(
            (o for o in listed_offsets if counties.get(enterprise_county[o], "").startswith(tongxu.path)),
            listed_offsets[0],
        )
        specs = [
            ("bench_province", "hq_office", province.pk, "", None),
            ("bench_city", "hq_office", kaifeng.pk, "", None),
            ("bench_county", "hq_office", tongxu.pk, "", None),
            ("bench_department", "sector_department", province.pk, "industry", None),
            ("bench_enterprise", "enterprise", None, "", enterprise_ids[tongxu_listed]),
        ]
        enterprise_user_ids = writer.ids(User, len(specs) + len(listed_offsets))
        user_iter = iter(enterprise_user_ids)
        bench_user_ids = {name: next(user_iter) for name, *_rest in specs}
        listed_user: dict[int, int] = {}

        def user_rows() -> Iterator[tuple[Any, ...]]:
            for name, role, region_id, sector, enterprise_id in specs:
                yield (bench_user_ids[name], name, password, role, region_id, sector, enterprise_id, True, now)
            for offset in listed_offsets:
                uid = next(user_iter)
                listed_user[offset] = uid
                yield (uid, f"ent_b{offset}", password, "enterprise", None, "", enterprise_ids[offset], True, now)

        counts["users"] = writer.write(
            User,
            ["id", "username", "password", "role", "region_id", "sector", "enterprise_id", "is_active", "date_joined"],
            user_rows(),
        )
        actor = bench_user_ids["bench_province"]

        # --- Whitelist: one batch per county, an approved application and a listing per listed enterprise.
        batch_of: dict[int, int] = {}
        county_list = sorted({enterprise_county[o] for o in listed_offsets})
        batch_ids = iter(writer.ids(Batch, len(county_list)))
        batch_rows = []
        for county_id in county_list:
            batch_of[county_id] = next(batch_ids)
            batch_rows.append((batch_of[county_id], county_id, 1, now - timedelta(days=30), actor))
        counts["batches"] = writer.write(
            Batch, ["id", "region_id", "number", "published_at", "published_by_id"], batch_rows
        )
        application_ids = writer.ids(Application, len(listed_offsets))
        counts["applications"] = writer.write(
            Application,
            [
                "id",
                "enterprise_id",
                "sector",
                "service_level",
                "state",
                "contact_name",
                "contact_phone",
                "statement",
                "measures",
                "precheck_passed",
                "created_by_id",
                "submitted_at",
                "decided_at",
                "decided_by_id",
            ],
            (
                (
                    application_ids[i],
                    enterprise_ids[o],
                    enterprise_sector[o],
                    "county",
                    "listed",  # published in its county's batch (was "approved": awaiting, which it is not)
                    "联系人",
                    "13800000000",
                    "保障生产",
                    "落实防疫主体责任",
                    True,
                    listed_user[o],
                    now - timedelta(days=40),
                    now - timedelta(days=35),
                    actor,
                )
                for i, o in enumerate(listed_offsets)
            ),
        )
        counts["listings"] = writer.write(
            Listing,
            ["id", "enterprise_id", "application_id", "batch_id", "sector", "service_level", "listed_at"],
            (
                (
                    pk,
                    enterprise_ids[o],
                    application_ids[i],
                    batch_of[enterprise_county[o]],
                    enterprise_sector[o],
                    "county",
                    now - timedelta(days=30),
                )
                for i, (pk, o) in enumerate(zip(writer.ids(Listing, len(listed_offsets)), listed_offsets, strict=True))
            ),
        )
        out(f"# whitelist: {time.perf_counter() - started:.1f} s")

        # --- Requests and their histories
        ticket_ct = ContentType.objects.get_for_model(Ticket).pk
        ticket_ids = writer.ids(Ticket, n_tickets)
        states = (
            ("submitted", 4),
            ("assigned", 10),
            ("in_progress", 12),
            ("answered", 10),
            ("rated", 8),
            ("verified", 6),
            ("closed", 50),
        )
        path_to_transitions = {
            "submitted": ["create"],
            "assigned": ["create", "assign"],
            "in_progress": ["create", "assign", "respond"],
            "answered": ["create", "assign", "respond", "answer"],
            "rated": ["create", "assign", "respond", "answer", "rate"],
            "verified": ["create", "assign", "respond", "answer", "rate", "verify"],
            "closed": ["create", "assign", "respond", "answer", "rate", "verify", "close"],
        }
        target_of = {
            "create": "submitted",
            "assign": "assigned",
            "respond": "in_progress",
            "answer": "answered",
            "rate": "rated",
            "verify": "verified",
            "close": "closed",
        }
        categories = ("raw_materials", "labour", "logistics", "market", "policy", "finance", "utilities", "epidemic")
        ticket_state: list[str] = []
        ticket_filed: list[datetime] = []
        ticket_unit: list[int | None] = []

        def ticket_rows() -> Iterator[tuple[Any, ...]]:
            for index, pk in enumerate(ticket_ids):
                offset = (index * 104729) % n_enterprises
                state = weighted(rng, states)
                filed = now - timedelta(minutes=rng.randint(10, 120 * 24 * 60))
                county_id = enterprise_county[offset]
                units = departments.get(county_id) or [(None, "")]
                unit_id = next((u for u, s in units if s == enterprise_sector[offset]), units[0][0])
                unit_id = None if state == "submitted" else unit_id
                ticket_state.append(state)
                ticket_filed.append(filed)
                ticket_unit.append(unit_id)
                assigned = filed + timedelta(hours=2) if unit_id else None
                done = state in ("answered", "rated", "verified", "closed")
                answered = filed + timedelta(days=rng.randint(1, 9)) if done else None
                yield (
                    pk,
                    f"RQ{pk:010d}",
                    enterprise_ids[offset],
                    categories[index % len(categories)],
                    ("normal", "normal", "urgent", "critical")[index % 4],
                    f"关于{categories[index % len(categories)]}的诉求{index}",
                    "企业反映的问题，请协调解决。",
                    state,
                    actor,
                    filed,
                    county_id,
                    unit_id,
                    assigned,
                    assigned + timedelta(hours=24) if assigned else None,
                    assigned + timedelta(hours=rng.randint(1, 48)) if assigned and state != "assigned" else None,
                    assigned + timedelta(days=7) if assigned else None,
                    "resolved" if answered else "",
                    answered,
                    "satisfied" if state in ("rated", "verified", "closed") else "",
                    answered + timedelta(days=2) if state == "closed" and answered else None,
                )

        counts["tickets"] = writer.write(
            Ticket,
            [
                "id",
                "number",
                "enterprise_id",
                "category",
                "urgency",
                "title",
                "text",
                "state",
                "filed_by_id",
                "filed_at",
                "holder_region_id",
                "unit_id",
                "assigned_at",
                "response_due",
                "responded_at",
                "due_at",
                "outcome",
                "answered_at",
                "satisfaction",
                "closed_at",
            ],
            ticket_rows(),
        )
        through = Ticket.units_involved.through
        counts["ticket_units"] = writer.write(
            through,
            ["ticket_id", "unit_id"],
            ((pk, unit) for pk, unit in zip(ticket_ids, ticket_unit, strict=True) if unit is not None),
        )

        def history_rows() -> Iterator[tuple[Any, ...]]:
            for pk, state, filed in zip(ticket_ids, ticket_state, ticket_filed, strict=True):
                previous = ""
                for step, action in enumerate(path_to_transitions[state]):
                    target = target_of[action]
                    # The workflow's own name: the metrics count answers and reopens by it (was "ticket").
                    at = filed + timedelta(hours=step * 5)
                    yield (ticket_ct, pk, TICKET.name, action, previous, target, actor, at)
                    previous = target

        counts["transitions"] = writer.write(
            TransitionLog,
            ["content_type_id", "object_id", "workflow", "action", "from_state", "to_state", "actor_id", "at"],
            history_rows(),
        )
        out(f"# requests: {time.perf_counter() - started:.1f} s")

        # --- Employees of listed enterprises and one recent test each (a quarter overdue)
        test_import = TestImport.objects.create(
            institution="基准检测机构", file_name="bench.csv", sha256="b" * 64, status="done"
        )
        employee_ids = writer.ids(Employee, len(listed_offsets) * per_listed)
        employee_digest: list[str] = []
        employee_enterprise: list[int] = []
        employee_last: list[datetime] = []
        posts = ("normal", "normal", "normal", "logistics", "sales")

        def employee_rows() -> Iterator[tuple[Any, ...]]:
            for index, pk in enumerate(employee_ids):
                offset = listed_offsets[index // per_listed]
                number = id_number(index)
                hashed = digest(number)
                last = now - timedelta(hours=rng.randint(1, 72 if index % 4 else 120))
                employee_digest.append(hashed)
                employee_enterprise.append(enterprise_ids[offset])
                employee_last.append(last)
                yield (
                    pk,
                    enterprise_ids[offset],
                    f"员工{index}",
                    "bench",
                    hashed,
                    mask_id_number(number),
                    posts[index % len(posts)],
                    f"138{index % 100_000_000:08d}",
                    "green",
                    "green",
                    last,
                    last,
                )

        counts["employees"] = writer.write(
            Employee,
            [
                "id",
                "enterprise_id",
                "name",
                "id_cipher",
                "id_digest",
                "id_masked",
                "post_type",
                "phone",
                "zone",
                "health_code",
                "last_test_at",
                "last_negative_test_at",
            ],
            employee_rows(),
        )
        counts["test_results"] = writer.write(
            TestResult,
            ["id_digest", "sampled_at", "result", "institution", "test_import_id"],
            (
                (hashed, last, "negative", "基准检测机构", test_import.pk)
                for hashed, last in zip(employee_digest, employee_last, strict=True)
            ),
        )
        out(f"# employees and tests: {time.perf_counter() - started:.1f} s")

        # --- Sentinel warnings: overdue tests of the stalest employees first, then other kinds on enterprises.
        warning_kinds = ("overdue_test", "overdue_test", "overdue_test", "drug_purchase", "health_code")

        def warning_rows() -> Iterator[tuple[Any, ...]]:
            for index in range(n_warnings):
                kind = warning_kinds[index % len(warning_kinds)]
                employee = index % len(employee_ids)
                raised = now - timedelta(hours=rng.randint(1, 24 * 20))
                closed = index % 3 == 0
                yield (
                    kind,
                    employee_enterprise[employee],
                    employee_ids[employee],
                    f"{kind}:{index}",
                    "基准预警",
                    "closed" if closed else ("open" if index % 2 else "handling"),
                    raised,
                    raised + timedelta(hours=6) if closed else None,
                )

        counts["warnings"] = writer.write(
            SentinelWarning,
            ["kind", "enterprise_id", "employee_id", "subject_key", "detail", "status", "raised_at", "closed_at"],
            warning_rows(),
        )

        # --- Audit log and inboxes
        from auditlog.models import LogEntry

        enterprise_ct = ContentType.objects.get_for_model(Enterprise).pk

        def audit_rows() -> Iterator[tuple[Any, ...]]:
            for index in range(n_audit):
                on_ticket = index % 2 == 0
                object_id = ticket_ids[index % n_tickets] if on_ticket else enterprise_ids[index % n_enterprises]
                yield (
                    ticket_ct if on_ticket else enterprise_ct,
                    str(object_id),
                    object_id,
                    f"对象{object_id}",
                    1,
                    {"state": ["assigned", "in_progress"]} if on_ticket else {"contact_phone": ["", "13800000000"]},
                    "",
                    actor,
                    now - timedelta(minutes=index % (60 * 24 * 120)),
                )

        counts["audit"] = writer.write(
            LogEntry,
            [
                "content_type_id",
                "object_pk",
                "object_id",
                "object_repr",
                "action",
                "changes",
                "changes_text",
                "actor_id",
                "timestamp",
            ],
            audit_rows(),
        )
        users = [listed_user[o] for o in listed_offsets]
        counts["notifications"] = writer.write(
            Notification,
            ["user_id", "topic", "title", "body", "created_at", "read_at"],
            (
                (
                    users[index % len(users)],
                    "tickets.answered",
                    "您的诉求已答复",
                    "请及时评价。",
                    now - timedelta(minutes=index % (60 * 24 * 90)),
                    None if index % 3 else now,
                )
                for index in range(n_inbox)
            ),
        )
        writer.finish()
    out(f"# done: {time.perf_counter() - started:.1f} s")
    for name, value in counts.items():
        out(f"# {name}: {value}")
    return counts


def main() -> None:
    scale = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    setup_django()
    started = time.perf_counter()
    generate(scale)
    print(f"dataset_generate_s: {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
