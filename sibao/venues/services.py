"""EP-7 writes: venue codes and the enterprise's declaration (coverage), and the logged tracing of a person."""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sibao.accounts.models import User
from sibao.core.audit import as_actor
from sibao.core.errors import PermissionRefused, ServiceError
from sibao.core.protected import digest, mask_id_number
from sibao.core.roles import ROLE_CAPABILITIES, Capability, Role, has_capability
from sibao.core.validators import validate_id_number
from sibao.enterprises.models import Enterprise
from sibao.epidemic.models import Employee
from sibao.venues import tracing
from sibao.venues.models import TraceLog, Venue, VenueDeclaration, VenueKind

DECLARATION_FIELDS = ("entrances", "workshops", "production_areas", "buildings", "floors", "units", "closed_spaces")
MAX_DECLARED = 10_000
MAX_TRACE_DAYS = 60  # a trace looks back weeks, not years


def may_trace(actor: User) -> bool:
    """Tracing reads people's movements: only roles granted EPIDEMIC_TRACE (the epidemic task force) — a
    superuser's blanket access does not include it (like reading full ID numbers, EP-1)."""
    return bool(
        getattr(actor, "is_authenticated", False) and getattr(actor, "is_active", False)
    ) and Capability.EPIDEMIC_TRACE in ROLE_CAPABILITIES.get(getattr(actor, "role", ""), frozenset())


def may_manage_venues(actor: User, enterprise: Enterprise) -> bool:
    """The enterprise for its own codes (EPIDEMIC_REPORT); the epidemic task force in its scope (MANAGE)."""
    if getattr(actor, "role", None) == Role.ENTERPRISE:
        return has_capability(actor, Capability.EPIDEMIC_REPORT) and actor.enterprise_id == enterprise.pk
    return (
        has_capability(actor, Capability.EPIDEMIC_MANAGE)
        and Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists()
    )


def _require_manage(actor: User, enterprise: Enterprise) -> None:
    if not may_manage_venues(actor, enterprise):
        raise PermissionRefused("venues.forbidden", _("You may not manage the venue codes of this enterprise."))


def _clean_venue(data: Mapping[str, Any], enterprise: Enterprise, exclude_pk: int | None = None) -> dict[str, Any]:
    kind = str(data.get("kind") or "")
    if kind not in VenueKind.values:
        raise ServiceError("venues.kind", _("Choose the kind of venue."), field="kind")
    name = str(data.get("name") or "").strip()
    if not name:
        raise ServiceError("venues.name", _("%(field)s is required.") % {"field": _("Name")}, field="name")
    if len(name) > 128:
        raise ServiceError("venues.name", _("At most 128 characters."), field="name")
    location = str(data.get("location") or "").strip()
    if len(location) > 128:
        raise ServiceError("venues.location", _("At most 128 characters."), field="location")
    taken = Venue.objects.filter(enterprise=enterprise, name=name)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ServiceError(
            "venues.duplicate", _("This enterprise already has a venue code of this name."), field="name"
        )
    return {"kind": kind, "name": name, "location": location}


def venue_create(*, actor: User, enterprise: Enterprise, data: Mapping[str, Any]) -> Venue:
    """A new venue code with a fresh random token (一门一码、一区一码 …)."""
    _require_manage(actor, enterprise)
    values = _clean_venue(data, enterprise)
    try:
        with transaction.atomic(), as_actor(actor):
            return Venue.objects.create(enterprise=enterprise, **values)
    except IntegrityError:
        raise ServiceError(
            "venues.duplicate", _("This enterprise already has a venue code of this name."), field="name"
        ) from None


def venue_update(*, actor: User, venue: Venue, data: Mapping[str, Any]) -> Venue:
    """Rename or re-classify a code; the token (printed on the wall) stays the same."""
    _require_manage(actor, venue.enterprise)
    values = _clean_venue(data, venue.enterprise, exclude_pk=venue.pk)
    with transaction.atomic(), as_actor(actor):
        for field, value in values.items():
            setattr(venue, field, value)
        venue.save()
    return venue


def venue_set_active(*, actor: User, venue: Venue, active: bool) -> Venue:
    """Take a code out of use (its scans stay for tracing) or back into use."""
    _require_manage(actor, venue.enterprise)
    with transaction.atomic(), as_actor(actor):
        venue.is_active = active
        venue.save(update_fields=["is_active"])
    return venue


def declaration_save(*, actor: User, enterprise: Enterprise, data: Mapping[str, Any]) -> VenueDeclaration:
    """What the enterprise has (entrances, workshops, areas, buildings, floors, units, closed spaces)."""
    _require_manage(actor, enterprise)
    values: dict[str, int] = {}
    for field in DECLARATION_FIELDS:
        raw = data.get(field, 0)
        try:
            number = int(raw if raw not in (None, "") else 0)
        except (TypeError, ValueError):
            raise ServiceError("venues.declaration", _("Enter a whole number."), field=field) from None
        if number < 0 or number > MAX_DECLARED:
            raise ServiceError(
                "venues.declaration",
                _("Enter a number from 0 to %(max)s.") % {"max": MAX_DECLARED},
                field=field,
            )
        values[field] = number
    with transaction.atomic(), as_actor(actor):
        declaration, _created = VenueDeclaration.objects.get_or_create(enterprise=enterprise, defaults=values)
        if not _created:
            for field, value in values.items():
                setattr(declaration, field, value)
            declaration.save()
    return declaration


# --- Tracing ------------------------------------------------------------------------------------------


def trace_person(
    *,
    actor: User,
    start: datetime,
    end: datetime,
    purpose: str,
    employee: Employee | None = None,
    id_number: str = "",
) -> tuple[TraceLog, tracing.Trace]:
    """精准流调 for the epidemic task force: the visits and contacts of one person (an employee in scope, or
    an ID number, which is only digested), limited to venues in the actor's area, and logged as an access
    (who traced whom, for which period and why)."""
    if not may_trace(actor):
        raise PermissionRefused("venues.trace.forbidden", _("Only the epidemic task force may trace people."))
    purpose = purpose.strip()
    if not purpose:
        raise ServiceError("venues.trace.purpose", _("Say why you trace this person."), field="purpose")
    # Times without a zone (API callers) are local (Beijing) time, like the pages.
    start = start if timezone.is_aware(start) else timezone.make_aware(start)
    end = end if timezone.is_aware(end) else timezone.make_aware(end)
    if start >= end:
        raise ServiceError("venues.trace.period", _("The end must be after the start."), field="end")
    if end - start > timedelta(days=MAX_TRACE_DAYS):
        raise ServiceError(
            "venues.trace.period",
            _("Trace at most %(days)s days at a time.") % {"days": MAX_TRACE_DAYS},
            field="start",
        )
    if employee is not None:
        if not Employee.objects.visible_to(actor).filter(pk=employee.pk).exists():
            raise PermissionRefused("venues.trace.forbidden", _("This person is outside your area."))
        case_digest = employee.id_digest
        subject = f"{employee.name} {employee.id_masked}"
    else:
        try:
            number = validate_id_number(id_number or "")
        except ValidationError as error:
            raise ServiceError("venues.trace.id_number", error.messages[0], field="id_number") from None
        case_digest = digest(number)
        subject = mask_id_number(number)
    region = getattr(actor, "region", None)
    result = tracing.trace(
        case_digest=case_digest,
        start=start,
        end=end,
        region=region,
        within=region.path if region is not None else None,
    )
    with transaction.atomic(), as_actor(actor):
        log = TraceLog.objects.create(
            actor=actor,
            region=region,
            employee=employee,
            subject=subject[:128],
            id_digest=case_digest,
            start=start,
            end=end,
            purpose=purpose[:255],
            visit_count=len(result.visits),
            contact_count=len(result.contacts),
        )
        if employee is not None:
            LogEntry.objects.log_create(
                employee,
                force_log=True,
                action=LogEntry.Action.ACCESS,
                changes={"movements": ["", "traced"], "purpose": ["", purpose]},
                actor=actor,
            )
    return log, result
