"""EM-6 尽职免责 (000#九.1, 001#5): the compliance record a duty-exemption decision rests on, per enterprise and
period, from what the platform already holds — nucleic-acid tests, daily health reports, venue-code coverage,
the readiness checklist, the closed-loop confirmations, warnings and incidents. Nothing is entered here: the
record only reads. Other apps add their own evidence (e.g. the daily operating report) by naming a function on
their AppConfig: ``duty_record_sections = ["sibao.<app>.duty.section"]``, ``section(enterprise, date_from,
date_to) -> Section | None``.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from sibao.emergency.models import Emergency, EmergencyHold, EmergencyStatus, Shutdown
from sibao.enterprises.models import Enterprise
from sibao.epidemic.models import Employee, TestResult
from sibao.health.models import DailyReport
from sibao.health.selectors import report_deadline
from sibao.incidents.models import Incident
from sibao.readiness.selectors import readiness_report
from sibao.regions.models import RegionState
from sibao.sentinel.models import SentinelWarning, WarningKind
from sibao.venues.selectors import coverage

MAX_DAYS = 366


@dataclass(frozen=True)
class Evidence:
    label: str
    value: str
    ok: bool | None = None  # None: information, not a finding
    detail: str = ""


@dataclass
class Section:
    key: str
    title: str
    rows: list[Evidence] = field(default_factory=list)

    @property
    def ok(self) -> bool | None:
        findings = [row.ok for row in self.rows if row.ok is not None]
        return all(findings) if findings else None


@dataclass
class DutyRecord:
    enterprise: Enterprise
    date_from: date
    date_to: date
    sections: list[Section]
    incidents: list[Incident]
    made_at: datetime

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    @property
    def ok(self) -> bool:
        return all(section.ok is not False for section in self.sections)


def _span(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    start = datetime.combine(date_from, time.min, tzinfo=zone)
    return start, datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=zone)


def _tests(enterprise: Enterprise, date_from: date, date_to: date) -> Section:
    start, end = _span(date_from, date_to)
    staff = Employee.objects.filter(enterprise=enterprise)
    active = staff.filter(is_active=True).count()
    results = TestResult.objects.filter(
        id_digest__in=staff.values("id_digest"), sampled_at__gte=start, sampled_at__lt=end
    )
    tested = results.aggregate(tests=Count("pk"), people=Count("id_digest", distinct=True))
    late = SentinelWarning.objects.filter(
        enterprise=enterprise, kind=WarningKind.OVERDUE_TEST, raised_at__gte=start, raised_at__lt=end
    ).count()
    return Section(
        "tests",
        _("Nucleic-acid tests (EP-2)"),
        [
            Evidence(_("Employees on the register"), str(active)),
            Evidence(_("Test results in the period"), str(tested["tests"])),
            Evidence(_("People tested at least once"), str(tested["people"]), ok=tested["people"] >= active),
            Evidence(
                _("Overdue-test warnings raised in the period"),
                str(late),
                ok=late == 0,
                detail=_("Every test was on time.") if late == 0 else _("Some tests came later than the cadence."),
            ),
        ],
    )


def _states_by_day(enterprise: Enterprise, days: list[date]) -> dict[date, str]:
    """The region's state on each day (at noon): the deadline of a day in emergency is the emergency's."""
    from sibao.emergency.selectors import ancestor_paths

    spans = list(
        Emergency.objects.filter(region__path__in=ancestor_paths(enterprise.region), activated_at__isnull=False)
        .exclude(status=EmergencyStatus.CANCELLED)
        .values_list("effective_at", "ended_at")
    )
    zone = timezone.get_current_timezone()
    states: dict[date, str] = {}
    for day in days:
        noon = datetime.combine(day, time(12), tzinfo=zone)
        inside = any(start <= noon and (end is None or noon < end) for start, end in spans)
        states[day] = RegionState.EMERGENCY if inside else RegionState.NORMAL
    return states


def _daily_reports(enterprise: Enterprise, date_from: date, date_to: date) -> Section:
    last = min(date_to, timezone.localdate())
    due_days = [date_from + timedelta(days=n) for n in range(max((last - date_from).days + 1, 0))]
    reports = {
        report.day: report
        for report in DailyReport.objects.filter(enterprise=enterprise, day__gte=date_from, day__lte=date_to)
    }
    states = _states_by_day(enterprise, due_days or [date_from])
    late = [
        day
        for day, report in reports.items()
        if report.filed_at > report_deadline(enterprise.region, day, state=states.get(day, RegionState.NORMAL))
    ]
    missing = [day for day in due_days if day not in reports]
    return Section(
        "daily_reports",
        _("Daily health reports, zero reports included (EP-3)"),
        [
            Evidence(_("Days a report was due"), str(len(due_days))),
            Evidence(_("Reports filed"), str(len(reports)), ok=not missing),
            Evidence(
                _("Days without a report"),
                str(len(missing)),
                ok=not missing,
                detail="、".join(day.strftime("%m-%d") for day in missing[:31]),
            ),
            Evidence(
                _("Reports filed after the deadline"),
                str(len(late)),
                ok=not late,
                detail="、".join(day.strftime("%m-%d") for day in sorted(late)[:31]),
            ),
        ],
    )


def _venues(enterprise: Enterprise) -> Section:
    results = [result for result in coverage(enterprise) if result.applicable]
    return Section(
        "venues",
        _("Venue codes, as of today (EP-7)"),
        [
            Evidence(result.label, f"{result.actual}/{result.required}", ok=result.passed, detail=result.reason)
            for result in results
        ],
    )


def _readiness(enterprise: Enterprise) -> Section:
    report = readiness_report(enterprise)
    return Section(
        "readiness",
        _("Readiness checklist, as of today (EP-11)"),
        [
            Evidence(
                item.label,
                _("yes") if item.passed else _("no"),
                ok=None if item.advisory else item.passed,
                detail=item.reason,
            )
            for item in report.items
        ],
    )


def _closed_loop(enterprise: Enterprise, date_from: date, date_to: date) -> Section:
    start, end = _span(date_from, date_to)
    holds = (
        EmergencyHold.objects.filter(enterprise=enterprise, held_at__lt=end)
        .filter(Q(released_at__isnull=True) | Q(released_at__gte=start))
        .select_related("emergency__region")
        .order_by("held_at")
    )
    rows = []
    for hold in holds:
        emergency = hold.emergency
        on_time = hold.confirmed_at is not None and hold.confirmed_at <= emergency.readiness_due_at
        if hold.confirmed_at is None:
            value = _("not confirmed")
        else:
            value = timezone.localtime(hold.confirmed_at).strftime("%Y-%m-%d %H:%M")
        rows.append(
            Evidence(
                _("Emergency of %(region)s (%(document)s): %(mode)s")
                % {
                    "region": emergency.region.name,
                    "document": emergency.document_number,
                    "mode": hold.get_applied_mode_display(),
                },
                value,
                ok=on_time,
                detail=_("Readiness due by %(due)s.")
                % {"due": timezone.localtime(emergency.readiness_due_at).strftime("%Y-%m-%d %H:%M")},
            )
        )
    if not rows:
        rows.append(Evidence(_("Emergencies in the period"), _("none")))
    shutdowns = Shutdown.objects.filter(enterprise=enterprise, date_from__lte=date_to, date_to__gte=date_from).count()
    rows.append(Evidence(_("Shutdowns proposed for days in the period"), str(shutdowns)))
    return Section("closed_loop", _("Closed-loop production and readiness confirmations (EM-2)"), rows)


def _warnings(enterprise: Enterprise, date_from: date, date_to: date) -> Section:
    start, end = _span(date_from, date_to)
    rows = (
        SentinelWarning.objects.filter(enterprise=enterprise, raised_at__gte=start, raised_at__lt=end)
        .values("kind")
        .annotate(raised=Count("pk"), still_open=Count("pk", filter=Q(closed_at__isnull=True)))
        .order_by("kind")
    )
    evidence = [
        Evidence(
            str(WarningKind(row["kind"]).label),
            str(row["raised"]),
            ok=row["still_open"] == 0,
            detail=_("%(open)d still open") % {"open": row["still_open"]} if row["still_open"] else _("all handled"),
        )
        for row in rows
    ]
    return Section(
        "warnings",
        _("Sentinel warnings raised in the period (EP-6)"),
        evidence or [Evidence(_("Warnings"), _("none"), ok=True)],
    )


def duty_record(enterprise: Enterprise, date_from: date, date_to: date) -> DutyRecord:
    """The record for one enterprise and period (at most a year)."""
    if date_to < date_from:
        date_from, date_to = date_to, date_from
    date_from = max(date_from, date_to - timedelta(days=MAX_DAYS - 1))
    sections = [
        _tests(enterprise, date_from, date_to),
        _daily_reports(enterprise, date_from, date_to),
        _venues(enterprise),
        _readiness(enterprise),
        _closed_loop(enterprise, date_from, date_to),
        _warnings(enterprise, date_from, date_to),
    ]
    for config in apps.get_app_configs():
        for path in getattr(config, "duty_record_sections", ()):
            section = import_string(path)(enterprise, date_from, date_to)
            if section is not None:
                sections.append(section)
    start, end = _span(date_from, date_to)
    incidents = list(
        Incident.objects.filter(enterprise=enterprise, reported_at__gte=start, reported_at__lt=end)
        .select_related("employee")
        .order_by("reported_at")
    )
    return DutyRecord(enterprise, date_from, date_to, sections, incidents, timezone.now())


def record_rows(record: DutyRecord) -> list[list[Any]]:
    """The record as rows for the .xlsx: section, item, value, finding, detail."""
    rows: list[list[Any]] = []
    for section in record.sections:
        for row in section.rows:
            finding = "" if row.ok is None else (_("met") if row.ok else _("not met"))
            rows.append([section.title, row.label, row.value, finding, row.detail])
    for incident in record.incidents:
        rows.append(
            [
                _("Incidents in the period (EP-9)"),
                incident.employee.name,
                timezone.localtime(incident.reported_at).strftime("%Y-%m-%d %H:%M"),
                "",
                incident.get_state_display(),
            ]
        )
    return rows
