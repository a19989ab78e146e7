"""EP-1 writes: employees with protected ID numbers, and the one logged way to read a full number."""

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sibao.accounts.models import User
from sibao.core.audit import as_actor
from sibao.core.errors import PermissionRefused, ServiceError
from sibao.core.protected import digest, mask_id_number, protect, reveal
from sibao.core.roles import Role
from sibao.core.validators import validate_id_number
from sibao.enterprises.models import Enterprise
from sibao.epidemic.models import Employee, PostType, Zone, ZoneMove
from sibao.parameters.registry import EPIDEMIC_QUIET_PERIOD_DAYS
from sibao.parameters.selectors import parameter_value

# Who may see a full ID number (EP-1): the epidemic task force of the region, for tracing and reporting.
REVEALING_ROLES = (Role.EPIDEMIC,)


def _may_manage(actor: User, enterprise: Enterprise) -> bool:
    if actor.role == Role.ENTERPRISE:
        return bool(actor.enterprise_id == enterprise.pk)
    return (
        actor.role in (Role.EPIDEMIC, Role.ADMINISTRATOR)
        and Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists()
    )


def employee_create(*, actor: User | None, enterprise: Enterprise, data: Mapping[str, Any]) -> Employee:
    """Register one person. ``actor=None`` is the platform itself (demo data, commands)."""
    if actor is not None and not _may_manage(actor, enterprise):
        raise PermissionRefused("epidemic.employee.forbidden", _("You may not register employees of this enterprise."))
    name = str(data.get("name") or "").strip()
    if not name:
        raise ServiceError("epidemic.employee.name", _("%(field)s is required.") % {"field": _("Name")}, field="name")
    try:
        number = validate_id_number(str(data.get("id_number") or ""))
    except ValidationError as error:
        raise ServiceError("epidemic.employee.id_number", error.messages[0], field="id_number") from None
    post_type = str(data.get("post_type") or PostType.NORMAL)
    if post_type not in PostType.values:
        raise ServiceError("epidemic.employee.post_type", _("Choose a post type."), field="post_type")
    key = digest(number)
    if Employee.objects.filter(enterprise=enterprise, id_digest=key).exists():
        raise ServiceError(
            "epidemic.employee.duplicate", _("This person is already registered here."), field="id_number"
        )
    arrival = data.get("arrival_date")
    if arrival is not None and not isinstance(arrival, date):
        raise ServiceError("epidemic.employee.arrival", _("Enter a valid date."), field="arrival_date")
    employee = Employee(
        enterprise=enterprise,
        name=name[:64],
        id_cipher=protect(number),
        id_digest=key,
        id_masked=mask_id_number(number),
        phone=str(data.get("phone") or "").strip()[:32],
        post_type=post_type,
        team=str(data.get("team") or "").strip()[:64],
        dormitory=str(data.get("dormitory") or "").strip()[:64],
        management_unit=str(data.get("management_unit") or "").strip()[:64],
        arrival_date=arrival,
    )
    quiet_until = _new_arrival_quiet_until(enterprise, arrival)
    if quiet_until is not None:
        # EP-8, 003#一.4/一.15: a new arrival starts in the blue zone for the quiet period (tested daily).
        employee.zone, employee.quiet_period_until = Zone.BLUE, quiet_until
    with transaction.atomic(), as_actor(actor):
        employee.save()
        if quiet_until is not None:
            ZoneMove.objects.create(
                employee=employee,
                from_zone=Zone.GREEN,
                to_zone=Zone.BLUE,
                reason=_("New arrival: quiet period"),
                moved_by=actor,
            )
    return employee


def _new_arrival_quiet_until(enterprise: Enterprise, arrival: date | None) -> datetime | None:
    """The end of a new arrival's quiet period, or None when there is no arrival date or it is over."""
    if arrival is None:
        return None
    days = int(parameter_value(EPIDEMIC_QUIET_PERIOD_DAYS, enterprise.region))
    start = timezone.make_aware(datetime.combine(arrival, time.min))
    until = start + timedelta(days=days)
    return until if until > timezone.now() else None


def employee_reveal_id_number(*, actor: User, employee: Employee, purpose: str) -> str:
    """The full ID number, for the epidemic task force only; every reveal is written to the audit log."""
    return reveal_id_number(actor=actor, record=employee, visible=Employee.objects.visible_to(actor), purpose=purpose)


def reveal_id_number(*, actor: Any, record: Any, visible: Any, purpose: str) -> str:
    """The one way to read a full ID number of any person record holding ``id_cipher`` (employees, drivers):
    the epidemic task force, the record in ``visible`` (the actor's scope), a purpose, an audit-log access
    entry (EP-1, X-3)."""
    if getattr(actor, "role", None) not in REVEALING_ROLES:
        raise PermissionRefused("epidemic.reveal.forbidden", _("Only the epidemic task force may see full ID numbers."))
    if not visible.filter(pk=record.pk).exists():
        raise PermissionRefused("epidemic.reveal.forbidden", _("This person is outside your area."))
    purpose = purpose.strip()
    if not purpose:
        raise ServiceError("epidemic.reveal.purpose", _("Say why you need the full number."), field="purpose")
    LogEntry.objects.log_create(
        record,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        changes={"id_number": ["(masked)", "(revealed)"], "purpose": ["", purpose]},
        actor=actor,
    )
    return reveal(record.id_cipher)


def employee_move_zone(
    *, actor: User | None, employee: Employee, zone: str, reason: str, quiet_days: int | None = None
) -> ZoneMove | None:
    """EP-8: move a person to another zone and record why. Moving to blue starts a quiet period (new
    arrivals, 003#一.4) of ``quiet_days`` or the region's parameter; leaving blue or yellow ends it unless
    a new one is given. Returns None when the person is already there."""
    if actor is not None and not _may_manage(actor, employee.enterprise):
        raise PermissionRefused("epidemic.zone.forbidden", _("You may not move employees of this enterprise."))
    if zone not in Zone.values:
        raise ServiceError("epidemic.zone.invalid", _("Choose a zone."), field="zone")
    reason = reason.strip()
    if not reason:
        raise ServiceError("epidemic.zone.reason", _("Say why the person moves."), field="reason")
    with transaction.atomic(), as_actor(actor):
        locked = Employee.objects.select_for_update().select_related("enterprise__region").get(pk=employee.pk)
        if locked.zone == zone and quiet_days is None:
            return None
        move = ZoneMove.objects.create(
            employee=locked, from_zone=locked.zone, to_zone=zone, reason=reason[:255], moved_by=actor
        )
        if quiet_days is None and zone == Zone.BLUE:
            quiet_days = int(parameter_value(EPIDEMIC_QUIET_PERIOD_DAYS, locked.enterprise.region))
        if quiet_days is not None:
            locked.quiet_period_until = timezone.now() + timedelta(days=quiet_days)
        elif zone == Zone.GREEN:
            locked.quiet_period_until = None
        locked.zone = zone
        locked.save(update_fields=["zone", "quiet_period_until"])
    employee.zone, employee.quiet_period_until = locked.zone, locked.quiet_period_until
    return move
