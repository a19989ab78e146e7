"""EP-7 精准流调: where a case was and who was there at the same time (001 annex 2 #二.2).

A scan stands for a stay of ``window_minutes`` (parameter ``epidemic.trace_window_minutes``). Two stays at
one venue overlap when the scans are less than one window apart, so a contact is anyone else who scanned a
venue the case scanned with |t_contact − t_case| < window. Each question is one SQL query on one index:
the case's scans on (id_digest, scanned_at), the contacts on (venue, scanned_at, id_digest).

This module is the contract used by other apps (incidents): keep the names and fields stable. It does no
permission check; callers decide who may trace whom (pages and API: ``services.trace_person``).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from sibao.epidemic.models import Employee
from sibao.parameters.registry import EPIDEMIC_TRACE_WINDOW_MINUTES
from sibao.parameters.selectors import parameter_value


@dataclass(frozen=True)
class Visit:
    venue_id: int
    venue_name: str
    enterprise_id: int
    scanned_at: datetime


@dataclass(frozen=True)
class Contact:
    id_digest: str
    employee_id: int | None
    name: str
    enterprise_id: int | None
    venue_id: int
    venue_name: str
    case_scanned_at: datetime
    contact_scanned_at: datetime


@dataclass(frozen=True)
class Trace:
    visits: list[Visit]
    contacts: list[Contact]


def window_for(region: Any) -> int:
    return int(parameter_value(EPIDEMIC_TRACE_WINDOW_MINUTES, region))


def _to_datetime(value: Any) -> datetime:
    """Raw SQL on SQLite returns naive UTC (datetime or text); PostgreSQL returns aware datetimes."""
    parsed = value if isinstance(value, datetime) else parse_datetime(str(value))
    assert parsed is not None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _db_time(value: datetime) -> Any:
    """A parameter comparable with the stored column (SQLite stores naive UTC text)."""
    if connection.vendor == "sqlite":
        text = value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
        return text
    return value


def _overlap_sql() -> str:
    """The join condition "less than a window apart"; the window in minutes is passed twice."""
    if connection.vendor == "postgresql":
        return (
            "s.scanned_at > k.scanned_at - make_interval(mins => %s) "
            "AND s.scanned_at < k.scanned_at + make_interval(mins => %s)"
        )
    # SQLite keeps times as text: a loose text range for the index, then the exact rule in milliseconds.
    return (
        "s.scanned_at >= datetime(k.scanned_at, '-' || (%s + 1) || ' minutes') "
        "AND s.scanned_at <= datetime(k.scanned_at, '+' || (%s + 1) || ' minutes') "
        "AND abs(round((julianday(s.scanned_at) - julianday(k.scanned_at)) * 86400000)) < %s * 60000"
    )


def trace(
    *,
    case_digest: str,
    start: datetime,
    end: datetime,
    window_minutes: int | None = None,
    region: Any = None,
    within: str | None = None,
) -> Trace:
    """Visits of the person with ``case_digest`` in [start, end) and everyone whose stay overlapped.

    ``region`` sets the window parameter in force (default: the parameter's default); ``within`` (a region
    path) limits the venues to enterprises in that subtree — pages pass the user's scope.
    """
    window = window_minutes if window_minutes is not None else window_for(region)
    if window <= 0:
        raise ValueError("window_minutes must be positive")
    scope_sql = ""
    scope_params: list[Any] = []
    if within:
        scope_sql = " AND r.path LIKE %s"
        scope_params = [within.replace("%", r"\%").replace("_", r"\_") + "%"]
    case_sql = (
        "SELECT k.venue_id, v.name, v.enterprise_id, k.scanned_at "
        "FROM venues_scan k JOIN venues_venue v ON v.id = k.venue_id "
        "JOIN enterprises_enterprise e ON e.id = v.enterprise_id "
        "JOIN regions_region r ON r.id = e.region_id "
        "WHERE k.id_digest = %s AND k.scanned_at >= %s AND k.scanned_at < %s" + scope_sql
    )
    case_params = [case_digest, _db_time(start), _db_time(end), *scope_params]
    with connection.cursor() as cursor:
        cursor.execute(case_sql + " ORDER BY k.scanned_at, k.venue_id", case_params)
        visits = [
            Visit(venue_id=row[0], venue_name=row[1], enterprise_id=row[2], scanned_at=_to_datetime(row[3]))
            for row in cursor.fetchall()
        ]
        if not visits:
            return Trace(visits=[], contacts=[])
        # One query: the case's scans joined to the venue index on both sides of each scan. PostgreSQL hands
        # the times over as epoch seconds (parsing 30k timestamptz values costs more than the query).
        postgres = connection.vendor == "postgresql"
        case_at, contact_at = (
            ("extract(epoch from k.scanned_at)::float8", "extract(epoch from MIN(s.scanned_at))::float8")
            if postgres
            else ("k.scanned_at", "MIN(s.scanned_at)")
        )
        contact_sql = (
            f"WITH k AS ({case_sql}) "
            f"SELECT s.id_digest, k.venue_id, k.name, {case_at}, {contact_at} "
            "FROM k JOIN venues_scan s ON s.venue_id = k.venue_id "
            f"AND {_overlap_sql()} "
            # The same bound as constants (a minute wider than the window): PostgreSQL reads only the period's
            # day partitions (issue 15 #1) instead of probing every day for every case scan.
            "WHERE s.id_digest <> %s AND s.scanned_at >= %s AND s.scanned_at <= %s "
            "GROUP BY s.id_digest, k.venue_id, k.name, k.scanned_at "
            "ORDER BY k.scanned_at, MIN(s.scanned_at), s.id_digest"
        )
        window_params = [window, window] if postgres else [window, window, window]
        margin = timedelta(minutes=window + 1)
        bounds = [_db_time(start - margin), _db_time(end + margin)]
        cursor.execute(contact_sql, [*case_params, *window_params, case_digest, *bounds])
        rows = cursor.fetchall()
    moment = _from_epoch if postgres else _to_datetime
    people = _employees({row[0] for row in rows})
    unknown = _("Unregistered person %(ref)s")
    contacts = []
    for digest_value, venue_id, venue_name, case_time, contact_time in rows:
        employee = people.get(digest_value)
        contacts.append(
            Contact(
                id_digest=digest_value,
                employee_id=employee.pk if employee else None,
                name=employee.name if employee else unknown % {"ref": digest_value[:8]},
                enterprise_id=employee.enterprise_id if employee else None,
                venue_id=venue_id,
                venue_name=venue_name,
                case_scanned_at=moment(case_time),
                contact_scanned_at=moment(contact_time),
            )
        )
    return Trace(visits=visits, contacts=contacts)


def _from_epoch(value: float) -> datetime:
    return datetime.fromtimestamp(value, UTC)


def unknown_name(digest_value: str) -> str:
    """A person who scanned but is on no enterprise's roll: shown by a short pseudonymous reference."""
    return _("Unregistered person %(ref)s") % {"ref": digest_value[:8]}


def _employees(digests: set[str]) -> dict[str, Employee]:
    """One employee per digest (an active record first): one query on PostgreSQL, batches on SQLite (whose
    statements take at most 32k variables)."""
    found: dict[str, Employee] = {}
    items = sorted(digests)
    batch_size = (len(items) or 1) if connection.vendor == "postgresql" else 500
    for offset in range(0, len(items), batch_size):
        batch = items[offset : offset + batch_size]
        employees = Employee.objects.filter(id_digest__in=batch).only("pk", "name", "enterprise_id", "id_digest")
        for employee in employees.order_by("-is_active", "pk"):
            found.setdefault(employee.id_digest, employee)
    return found


def within_window(case_at: datetime, contact_at: datetime, window_minutes: int) -> bool:
    """The rule in Python, for explanations and tests: stays overlap when less than a window apart."""
    return abs(contact_at - case_at) < timedelta(minutes=window_minutes)
