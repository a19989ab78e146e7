"""EP-6 sources the sentinel app owns, run as periodic jobs (``tasks.py``).

``overdue_sweep``: 001#annex2-二.4/二.5 — "超过规定时间未进行核酸检测 … 后台及时预警": every employed person
the overdue list shows (``epidemic.overdue.overdue_employees``: the EP-2 cadence of the enterprise's region,
one rule for both, issue 9 #3) has one open OVERDUE_TEST warning; it is lifted when the person is no longer
overdue or no longer employed. Set-based for a province (hundreds of thousands of overdue people): new
warnings are inserted with ON CONFLICT DO NOTHING, lifting is one UPDATE (plus one INSERT … SELECT for the
history); no query per person.
"""

import re
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from sibao.epidemic.models import Employee
from sibao.epidemic.overdue import overdue_employees
from sibao.sentinel.models import SentinelWarning, WarningKind, WarningStatus
from sibao.sentinel.services import lift_where, open_warning_exists

NEVER_TESTED = gettext_noop("%(name)s has no negative nucleic-acid test on record.")
TESTED_SINCE = gettext_noop("%(name)s has had no negative nucleic-acid test since %(at)s.")
ANALYZE_AFTER_ROWS = 10_000
_PLACEHOLDER = re.compile(r"%\((name|at)\)s")


def _detail(name: str, last_negative: datetime | None) -> str:
    """The text the SQL below builds, for one person (used by tests and single raises)."""
    if last_negative is None:
        return _(NEVER_TESTED) % {"name": name}
    return _(TESTED_SINCE) % {"name": name, "at": timezone.localtime(last_negative).strftime("%Y-%m-%d %H:%M")}


def _detail_sql(template: str, *, at_sql: str, at_params: list[Any]) -> tuple[str, list[Any]]:
    """The translated ``template`` as an SQL concatenation of literals (parameters), the employee's name
    and the formatted time — in whatever order the translation puts them."""
    parts: list[str] = []
    params: list[Any] = []
    position = 0
    for match in _PLACEHOLDER.finditer(template):
        parts.append("%s")
        params.append(template[position : match.start()])
        if match.group(1) == "name":
            parts.append("e.name")
        else:
            parts.append(at_sql)
            params.extend(at_params)
        position = match.end()
    parts.append("%s")
    params.append(template[position:])
    return "(" + " || ".join(parts) + ")", params


def _insert_overdue_warnings(pending: QuerySet[Employee], now: datetime) -> int:
    """One INSERT … SELECT of a warning per person in ``pending``; signals that already have an open
    warning are skipped by the partial unique index (ON CONFLICT DO NOTHING / INSERT OR IGNORE), exactly
    like ``bulk_create(ignore_conflicts=True)`` but without bringing the rows into Python. Returns how many
    were inserted."""
    local_offset = timezone.localtime(now).utcoffset() or timedelta(0)
    if connection.vendor == "postgresql":
        at_sql = "to_char(e.last_negative_test_at AT TIME ZONE %s, 'YYYY-MM-DD HH24:MI')"
        at_params: list[Any] = [timezone.get_current_timezone_name()]
        insert, conflict = "INSERT INTO", " ON CONFLICT DO NOTHING"
    else:
        at_sql = "strftime(%s, e.last_negative_test_at, %s)"
        at_params = ["%Y-%m-%d %H:%M", f"{int(local_offset.total_seconds() // 60):+d} minutes"]
        insert, conflict = "INSERT OR IGNORE INTO", ""
    never_sql, never_params = _detail_sql(_(NEVER_TESTED), at_sql=at_sql, at_params=at_params)
    since_sql, since_params = _detail_sql(_(TESTED_SINCE), at_sql=at_sql, at_params=at_params)
    pending_sql, pending_params = pending.order_by().values("pk").query.sql_with_params()
    table = SentinelWarning._meta.db_table
    sql = (
        f"{insert} {table} (kind, enterprise_id, employee_id, subject_key, detail, status, handling_note, "
        f"raised_at, lifted) "
        f"SELECT %s, e.enterprise_id, e.id, %s || CAST(e.id AS TEXT), "
        f"CASE WHEN e.last_negative_test_at IS NULL THEN {never_sql} ELSE {since_sql} END, %s, %s, %s, %s "
        f"FROM {Employee._meta.db_table} e WHERE e.id IN ({pending_sql}){conflict}"
    )
    params = [
        WarningKind.OVERDUE_TEST.value,
        "test:",
        *never_params,
        *since_params,
        WarningStatus.OPEN.value,
        "",
        connection.ops.adapt_datetimefield_value(now),
        False,
        *pending_params,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        inserted = max(cursor.rowcount, 0)
        if inserted >= ANALYZE_AFTER_ROWS and connection.vendor == "postgresql":
            # Measured: after a first mass insert into a table the planner still thinks empty, the next
            # sweep's anti-join took 122 s instead of 0.3 s. Fresh statistics cost ~0.1 s.
            cursor.execute(f"ANALYZE {table}")
    return inserted


def overdue_sweep(now: datetime | None = None) -> dict[str, int]:
    """Raise OVERDUE_TEST warnings for the newly overdue and lift those no longer overdue.

    Returns ``{"raised": …, "lifted": …}``. Idempotent: a second run at the same moment changes nothing."""
    now = now or timezone.now()
    overdue = overdue_employees(now)
    with transaction.atomic():
        lifted = lift_where(
            SentinelWarning.objects.filter(~Exists(overdue.filter(pk=OuterRef("employee_id")))),
            kind=WarningKind.OVERDUE_TEST,
            note=_("Closed by the platform: the person is no longer overdue for a test."),
        )
        raised = _insert_overdue_warnings(overdue.filter(~open_warning_exists(WarningKind.OVERDUE_TEST)), now)
    return {"raised": raised, "lifted": lifted}


def drug_purchase_sweep(now: datetime | None = None) -> dict[str, int]:
    """Later matching: purchases kept from people who were not employees when imported, matched against
    the employees registered since (see ``pharmacy.match_pending``)."""
    from sibao.sentinel.pharmacy import match_pending

    return match_pending(now or timezone.now())


def sweep_all(now: datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    return {"overdue": overdue_sweep(now), "drug_purchase": drug_purchase_sweep(now), "at": now.isoformat()}
