"""EN-3 writes: file and correct the daily operating report, the sweep of missing ones, closing their warnings.

One validator (``clean_values``) serves the page, the API and the spreadsheet import, so a bad value gets the
same refusal, naming its field, wherever it comes from (X-4). Every write checks the capability and the scope
and runs inside ``transaction.atomic()`` + ``as_actor`` (the audit log keeps a correction's before and after).
"""

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sibao.accounts.models import User
from sibao.core.audit import as_actor
from sibao.core.errors import PermissionRefused, ServiceError, StateRefused
from sibao.core.models import TransitionLog
from sibao.core.roles import Capability, Role, has_capability
from sibao.core.workflow import perform
from sibao.enterprises.models import Enterprise
from sibao.operations.deadlines import deadline_at, is_late, past_deadline_q
from sibao.operations.models import Channel, OperatingReport, OperatingWarning, OperatingWarningStatus, ProductionStatus
from sibao.operations.workflows import WARNING, WORKFLOW_NAME
from sibao.parameters.registry import OPERATIONS_REPORT_DEADLINE_HOUR
from sibao.parameters.selectors import parameter_value_at, parameters_cached
from sibao.tickets.models import Category

MAX_PROBLEM_LENGTH = 2000
MAX_STAFF = 10_000_000
MAX_DAYS = Decimal("9999.9")
MAX_OUTPUT = Decimal("999999999999.99")
NOTE_MAX_LENGTH = 2000
EARLIEST_DAY = date(2000, 1, 1)  # a sanity floor, not a rule: no one reports on the last century

# The words of each field in refusals (the page labels say the same).
LABELS: dict[str, Any] = {  # lazy strings (django-stubs types them apart from Promise)
    "status": gettext_lazy("Production status"),
    "staff_on_site": gettext_lazy("Staff on site"),
    "staff_total": gettext_lazy("Total staff"),
    "capacity_percent": gettext_lazy("Capacity use (%)"),
    "raw_material_days": gettext_lazy("Raw materials in stock (days)"),
    "finished_goods_days": gettext_lazy("Finished goods in stock (days)"),
    "output_month": gettext_lazy("Output this month (10k yuan)"),
    "main_problem": gettext_lazy("Main problem"),
    "problem_category": gettext_lazy("Kind of problem"),
    "day": gettext_lazy("Day"),
}
VALUE_FIELDS = (
    "status",
    "staff_on_site",
    "staff_total",
    "capacity_percent",
    "raw_material_days",
    "finished_goods_days",
    "output_month",
    "main_problem",
    "problem_category",
)


def _refuse(field: str, problem: str, code: str = "") -> ServiceError:
    message = _("%(field)s: %(problem)s") % {"field": LABELS[field], "problem": problem}
    return ServiceError(code or f"operations.report.{field}", message, field=field)


def _whole(data: Mapping[str, Any], field: str, *, maximum: int) -> int:
    raw = data.get(field)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise _refuse(field, _("this field is required."))
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or number != number.to_integral_value() or isinstance(raw, bool):
        raise _refuse(field, _("enter a whole number (you entered “%(value)s”).") % {"value": raw})
    if number < 0 or number > maximum:
        raise _refuse(
            field,
            _("enter a number from 0 to %(max)s (you entered %(value)s).") % {"max": maximum, "value": int(number)},
        )
    return int(number)


def _amount(data: Mapping[str, Any], field: str, *, maximum: Decimal, places: int) -> Decimal:
    raw = data.get(field)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise _refuse(field, _("this field is required."))
    try:
        number = Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or isinstance(raw, bool):
        raise _refuse(field, _("enter a number (you entered “%(value)s”).") % {"value": raw})
    if number < 0 or number > maximum:
        raise _refuse(
            field, _("enter a number from 0 to %(max)s (you entered %(value)s).") % {"max": maximum, "value": number}
        )
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise _refuse(field, _("at most %(places)d decimal places.") % {"places": places})
    return number


def clean_values(data: Mapping[str, Any]) -> dict[str, Any]:
    """The report's values, checked; a ``ServiceError`` naming the first bad field otherwise (X-4)."""
    status = str(data.get("status") or "").strip()
    if status not in ProductionStatus.values:
        raise _refuse("status", _("choose normal production, closed-loop production, reduced production or halted."))
    staff_on_site = _whole(data, "staff_on_site", maximum=MAX_STAFF)
    staff_total = _whole(data, "staff_total", maximum=MAX_STAFF)
    if staff_on_site > staff_total:
        # Its own code: a rule between two fields, which the API's schema cannot state (the bounds it states).
        raise _refuse(
            "staff_on_site",
            _("cannot be more than the total staff (%(on_site)d on site, %(total)d in total).")
            % {"on_site": staff_on_site, "total": staff_total},
            code="operations.report.staff_over_total",
        )
    capacity = _whole(data, "capacity_percent", maximum=100)
    problem = str(data.get("main_problem") or "").strip()
    if len(problem) > MAX_PROBLEM_LENGTH:
        raise _refuse("main_problem", _("at most %(count)d characters.") % {"count": MAX_PROBLEM_LENGTH})
    category = str(data.get("problem_category") or "").strip()
    if category and category not in Category.values:
        raise _refuse("problem_category", _("choose one of the request categories."))
    if category and not problem:
        raise _refuse(
            "main_problem", _("describe the problem of the kind you chose."), code="operations.report.problem_missing"
        )
    return {
        "status": status,
        "staff_on_site": staff_on_site,
        "staff_total": staff_total,
        "capacity_percent": capacity,
        "raw_material_days": _amount(data, "raw_material_days", maximum=MAX_DAYS, places=1),
        "finished_goods_days": _amount(data, "finished_goods_days", maximum=MAX_DAYS, places=1),
        "output_month": _amount(data, "output_month", maximum=MAX_OUTPUT, places=2),
        "main_problem": problem,
        "problem_category": category,
    }


def acts_for(actor: User, enterprise: Enterprise) -> bool:
    """The enterprise itself, or an official who may file for enterprises of its area (township, sector
    department, HQ office) and sees this one."""
    if actor is None or not has_capability(actor, Capability.OPERATIONS_REPORT):
        return False
    if getattr(actor, "role", None) == Role.ENTERPRISE:
        return bool(actor.enterprise_id == enterprise.pk)
    return Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists()


def _require_acts_for(actor: User, enterprise: Enterprise) -> None:
    if not acts_for(actor, enterprise):
        raise PermissionRefused("operations.report.forbidden", _("You may not file reports for this enterprise."))


def _check_day(day: Any, today: date) -> date:
    if not isinstance(day, date) or isinstance(day, datetime):
        raise _refuse("day", _("this field is required."))
    if day > today:
        raise _refuse("day", _("a report cannot be filed for a future day."))
    if day < EARLIEST_DAY:
        raise _refuse("day", _("a report cannot be filed for a day before %(day)s.") % {"day": EARLIEST_DAY})
    return day


def _duplicate(day: date) -> StateRefused:
    return StateRefused(
        "operations.report.duplicate",
        _("The operating report for %(day)s has already been filed; correct that report instead.")
        % {"day": day.isoformat()},
        field="day",
    )


def _lift_warning(enterprise: Enterprise, day: date, at: datetime) -> None:
    """The report arrived: close the day's open warning as lifted, with its history row (platform)."""
    warning = OperatingWarning.objects.filter(
        enterprise=enterprise, day=day, status=OperatingWarningStatus.OPEN
    ).first()
    if warning is None:
        return
    note = _("The report arrived at %(time)s.") % {"time": timezone.localtime(at).strftime("%Y-%m-%d %H:%M")}
    moved = OperatingWarning.objects.filter(pk=warning.pk, status=OperatingWarningStatus.OPEN).update(
        status=OperatingWarningStatus.CLOSED, closed_at=at, lifted=True, note=note
    )
    if moved:
        TransitionLog.objects.create(
            content_type=ContentType.objects.get_for_model(OperatingWarning),
            object_id=warning.pk,
            workflow=WORKFLOW_NAME,
            action="lift",
            from_state=OperatingWarningStatus.OPEN,
            to_state=OperatingWarningStatus.CLOSED,
            actor=None,
            reason=note,
            at=at,
        )


def operating_report_file(
    *,
    actor: User,
    enterprise: Enterprise,
    day: date,
    values: Mapping[str, Any],
    channel: str = Channel.PAGE,
    now: datetime | None = None,
) -> OperatingReport:
    """File the report of ``day`` (today, or a past day filed late). One per enterprise and day: a second one
    is refused (``operations.report.duplicate``, 409) — today's is corrected instead."""
    _require_acts_for(actor, enterprise)
    now = now or timezone.now()
    day = _check_day(day, timezone.localdate(now))
    cleaned = clean_values(values)
    if OperatingReport.objects.filter(enterprise=enterprise, day=day).exists():
        raise _duplicate(day)
    try:
        with transaction.atomic(), as_actor(actor):
            report = OperatingReport.objects.create(
                enterprise=enterprise,
                day=day,
                channel=channel if channel in Channel.values else Channel.PAGE,
                late=is_late(enterprise.region, day, now),
                filed_by=actor,
                filed_at=now,
                **cleaned,
            )
            _lift_warning(enterprise, day, now)
    except IntegrityError:  # filed concurrently by someone else
        raise _duplicate(day) from None
    return report


def operating_report_correct(
    *, actor: User, report: OperatingReport, values: Mapping[str, Any], now: datetime | None = None
) -> OperatingReport:
    """Correct today's report (same rights as filing); a past day's report is a record and stays as filed.
    The audit log keeps the values before and after."""
    _require_acts_for(actor, report.enterprise)
    now = now or timezone.now()
    if report.day != timezone.localdate(now):
        raise StateRefused(
            "operations.report.closed",
            _("Only today's report can be corrected; past reports stay as filed."),
            field="day",
        )
    cleaned = clean_values(values)
    with transaction.atomic(), as_actor(actor):
        locked = OperatingReport.objects.select_for_update().get(pk=report.pk)
        changed = [name for name, value in cleaned.items() if getattr(locked, name) != value]
        for name in changed:
            setattr(locked, name, cleaned[name])
        if changed:
            locked.save(update_fields=[*changed, "updated_at"])
    return locked


# --- missing reports --------------------------------------------------------------------------------------


def missing_report_sweep(day: date, now: datetime | None = None) -> dict[str, int]:
    """Raise a warning for every whitelisted enterprise whose deadline of ``day`` has passed without a report
    (one per enterprise and day, ever). Set-based: one read of the candidates, inserts in batches; idempotent."""
    from sibao.whitelist.selectors import whitelisted_enterprises

    now = now or timezone.now()
    candidates = (
        whitelisted_enterprises()
        .filter(past_deadline_q(day, now))
        .exclude(pk__in=OperatingReport.objects.filter(day=day).values("enterprise_id"))
        .exclude(pk__in=OperatingWarning.objects.filter(day=day).values("enterprise_id"))
        .values_list("pk", "region__path")
    )
    raised = 0
    batch: list[OperatingWarning] = []
    with parameters_cached(), transaction.atomic():
        for enterprise_id, path in candidates.iterator(chunk_size=2000):
            due = parameter_value_at(OPERATIONS_REPORT_DEADLINE_HOUR, path)
            batch.append(
                OperatingWarning(
                    enterprise_id=enterprise_id,
                    day=day,
                    due_at=deadline_at(day, due),
                    raised_at=now,
                )
            )
            if len(batch) >= 2000:
                raised += len(OperatingWarning.objects.bulk_create(batch, ignore_conflicts=True))
                batch = []
        if batch:
            raised += len(OperatingWarning.objects.bulk_create(batch, ignore_conflicts=True))
    return {"raised": raised}


def operating_warning_close(*, actor: User, warning: OperatingWarning, note: str) -> OperatingWarning:
    """Close a warning with a note saying what was done (the firm was reached, it is on holiday …)."""
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ServiceError(
            "operations.warning.close.too_long",
            _("The note may have at most %(count)d characters.") % {"count": NOTE_MAX_LENGTH},
            field="reason",
        )
    with as_actor(actor):
        closed: OperatingWarning = perform(
            WARNING,
            warning,
            "close",
            actor=actor,
            reason=note,
            changes=lambda locked: {"note": note, "closed_at": timezone.now(), "closed_by": actor},
        )
    return closed


__all__ = [
    "LABELS",
    "VALUE_FIELDS",
    "acts_for",
    "clean_values",
    "missing_report_sweep",
    "operating_report_correct",
    "operating_report_file",
    "operating_warning_close",
]
