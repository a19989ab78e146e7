"""EP-9 writes: every step of an incident, its contacts and its shutdown requests.

Rules (001#annex2-三.7, 003#一.13/16/18):
- the enterprise reports a person with suspected symptoms or an initial-positive screening; the re-test
  result is due within EPIDEMIC_RETEST_HOURS of the report (``retest_due_at``, watched by
  ``retest_deadline_sweep``, which raises an INCIDENT_DEADLINE sentinel warning, lifted by the result);
- observation moves the person to the red zone (temporary observation point / observation dormitory);
- confirmed: the person's code turns red (basis "positive"); the contacts (proposed from venue-code
  tracing, edited by the task force) move to the yellow zone and are coded — close contacts red, secondary
  contacts yellow (the colours of the Henan health-code rules the seed refers to, 001#annex2-二.4);
  then the venues are disinfected and the incident closed;
- cleared: the person does a quiet period (EPIDEMIC_QUIET_PERIOD_DAYS, tested daily, own lodging in the
  blue zone) and, once it is over, returns to post together with their contacts (003#一.13: contacts are
  isolated temporarily as soon as the test is abnormal, so they may already sit in the yellow zone);
- a shutdown linked to the incident lasts at most EPIDEMIC_SHUTDOWN_MAX_DAYS calendar days counted
  inclusively, and only the HQ office decides; for a whitelist enterprise the approval must name the
  provincial consultation (会商) it rests on.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from sibao.accounts.models import User
from sibao.core.audit import as_actor
from sibao.core.errors import PermissionRefused, ServiceError, StateRefused
from sibao.core.permissions import region_in_scope, require_capability
from sibao.core.roles import Capability, Role, has_capability
from sibao.core.workflow import Workflow, perform
from sibao.epidemic.models import CodeColour, Employee, Zone
from sibao.epidemic.services import employee_move_zone
from sibao.incidents.models import (
    AWAITING_RESULT,
    CONTACT_EDIT_STATES,
    ContactKind,
    ContactSource,
    Incident,
    IncidentContact,
    IncidentState,
    ObservationPlace,
    RetestResult,
    ShutdownRequest,
    ShutdownState,
    Trigger,
)
from sibao.incidents.workflows import INCIDENT, SHUTDOWN, is_task_force
from sibao.notifications.texts import later
from sibao.parameters.registry import EPIDEMIC_QUIET_PERIOD_DAYS, EPIDEMIC_RETEST_HOURS, EPIDEMIC_SHUTDOWN_MAX_DAYS
from sibao.parameters.selectors import parameter_value
from sibao.regions.models import RegionLevel
from sibao.sentinel.models import WarningKind
from sibao.sentinel.services import warning_lift, warning_raise

S = IncidentState


def _link(incident: Incident) -> str:
    return reverse("incidents:detail", args=[incident.pk])


def subject_key(incident: Incident) -> str:
    return f"incident:{incident.pk}"


def _county_epidemic_users(incident: Incident) -> list[User]:
    """The epidemic task force of the enterprise's county (the 属地疫情防控部门 told of the case)."""
    codes = incident.enterprise.region.ancestor_codes()
    return list(
        User.objects.filter(
            role=Role.EPIDEMIC, is_active=True, region__code__in=codes, region__level=RegionLevel.COUNTY
        )
    )


def _tell(incident: Incident, topic: str, title: Any, body: Any = "") -> None:
    """The enterprise's inbox and the county task force, inside the caller's transaction."""
    from sibao.notifications.services import notify

    notify(
        topic=topic,
        title=title,
        body=body,
        link=_link(incident),
        users=_county_epidemic_users(incident),
        enterprise=incident.enterprise,
    )


def _precheck(workflow: Workflow, obj: Any, action: str, actor: User) -> None:
    """The refusal ``perform`` would give, before the input is looked at (a wrong state is a 409, not a
    complaint about a field)."""
    transition = workflow.transition(action)
    state = getattr(obj, workflow.state_field)
    if state not in transition.sources:
        raise StateRefused(
            f"{workflow.name}.{action}.state",
            _("“%(action)s” is not allowed while the item is “%(state)s”.")
            % {"action": transition.label, "state": workflow.state_label(state)},
        )
    if transition.guard is not None:
        message = transition.guard(actor, obj)
        if message:
            raise PermissionRefused(f"{workflow.name}.{action}.forbidden", message)


def _text(value: Any, field: str, label: str, *, max_length: int | None = None) -> str:
    text = str(value or "").strip()
    if not text:
        raise ServiceError("incidents.required", _("%(field)s is required.") % {"field": label}, field=field)
    return text[:max_length] if max_length else text


def _code(actor: User, employee: Employee, colour: str, basis: str, note: str) -> None:
    """EP-4 coding through the health app (imported here: it is built alongside this app)."""
    from sibao.health.models import CodeBasis
    from sibao.health.services import health_code_assign

    health_code_assign(actor=actor, employee=employee, colour=colour, basis=CodeBasis(basis), note=note)


# --- report -----------------------------------------------------------------------------------------


def incident_report(*, actor: User, employee: Employee, trigger: str, note: str = "") -> Incident:
    """The enterprise reports one of its people (suspected symptoms or initial-positive screening)."""
    require_capability(actor, Capability.EPIDEMIC_REPORT)
    enterprise = employee.enterprise
    if actor.role == Role.ENTERPRISE:
        if actor.enterprise_id != enterprise.pk:
            raise PermissionRefused("incidents.report.forbidden", _("An enterprise reports only its own people."))
    elif not region_in_scope(actor, enterprise.region):
        raise PermissionRefused("incidents.report.forbidden", _("This enterprise is outside your area."))
    if trigger not in Trigger.values:
        raise ServiceError("incidents.report.trigger", _("Choose the reason for the report."), field="trigger")
    if not employee.is_active:
        raise ServiceError("incidents.report.employee", _("This person no longer works here."), field="employee")
    if Incident.objects.filter(employee=employee).exclude(state=S.CLOSED).exists():
        raise StateRefused("incidents.report.open", _("This person already has an open incident."), field="employee")
    now = timezone.now()
    region = enterprise.region
    hours = int(parameter_value(EPIDEMIC_RETEST_HOURS, region))
    # Contacts are traced from the person's last negative test (before it they were not infectious as far
    # as anyone knows), but never from further back than one quiet period.
    earliest = now - timedelta(days=int(parameter_value(EPIDEMIC_QUIET_PERIOD_DAYS, region)))
    last_negative = employee.last_negative_test_at
    trace_from = min(max(last_negative, earliest), now) if last_negative else earliest
    with transaction.atomic(), as_actor(actor):
        incident = Incident.objects.create(
            enterprise=enterprise,
            employee=employee,
            trigger=trigger,
            note=str(note or "").strip(),
            reported_by=actor,
            reported_at=now,
            retest_due_at=now + timedelta(hours=hours),
            trace_from=trace_from,
        )
        INCIDENT.log_creation(incident, actor=actor)
        _tell(
            incident,
            "incidents.reported",
            later(
                gettext_noop("Incident reported: %(enterprise)s, %(name)s (%(trigger)s)"),
                enterprise=enterprise.name,
                name=employee.name,
                trigger=Trigger(incident.trigger).label,
            ),
            later(gettext_noop("The re-test result is due by %(due)s."), due=incident.retest_due_at),
        )
    return incident


# --- the task force's steps ---------------------------------------------------------------------------


def incident_observe(*, actor: User, incident: Incident, place: str, where: str = "", reason: str = "") -> Incident:
    """The person goes to a temporary observation point or observation dormitory (red zone, 003#一.13)."""
    _precheck(INCIDENT, incident, "observe", actor)
    if place not in ObservationPlace.values:
        raise ServiceError("incidents.observe.place", _("Choose the observation place."), field="place")
    now = timezone.now()

    def after(locked: Incident) -> None:
        employee_move_zone(
            actor=actor,
            employee=locked.employee,
            zone=Zone.RED,
            reason=_("Incident: %(place)s") % {"place": locked.get_observation_place_display()},
        )

    with as_actor(actor):
        return perform(
            INCIDENT,
            incident,
            "observe",
            actor=actor,
            reason=reason,
            changes={
                "observation_place": place,
                "observation_where": str(where or "").strip()[:128],
                "observed_at": now,
            },
            after=after,
        )


def incident_sample_retest(
    *, actor: User, incident: Incident, sampled_at: datetime | None = None, reason: str = ""
) -> Incident:
    """The single-tube re-test sample (单采复核) is taken."""
    _precheck(INCIDENT, incident, "sample_retest", actor)
    now = timezone.now()
    sampled_at = sampled_at or now
    if sampled_at > now + timedelta(minutes=5):
        raise ServiceError(
            "incidents.retest.sampled_at", _("The sampling time cannot be in the future."), field="sampled_at"
        )
    if sampled_at < incident.reported_at - timedelta(hours=1):
        raise ServiceError(
            "incidents.retest.sampled_at",
            _("The re-test sample cannot be older than the report."),
            field="sampled_at",
        )
    with as_actor(actor):
        return perform(
            INCIDENT, incident, "sample_retest", actor=actor, reason=reason, changes={"retest_sampled_at": sampled_at}
        )


def _record_result(
    actor: User, incident: Incident, action: str, result: str, reason: str, after: Callable[[Incident], None]
) -> Incident:
    _precheck(INCIDENT, incident, action, actor)
    now = timezone.now()

    def both(locked: Incident) -> None:
        warning_lift(
            kind=WarningKind.INCIDENT_DEADLINE,
            subject_keys=[subject_key(locked)],
            note=_("The re-test result was recorded."),
        )
        after(locked)

    with as_actor(actor):
        return perform(
            INCIDENT,
            incident,
            action,
            actor=actor,
            reason=reason,
            changes={"retest_result": result, "result_at": now},
            after=both,
        )


def incident_confirm(*, actor: User, incident: Incident, reason: str = "") -> Incident:
    """Re-test positive: red code for the person; the local authority takes over the case (复核阳性)."""

    def after(locked: Incident) -> None:
        _code(actor, locked.employee, CodeColour.RED, "positive", _("Re-test positive (incident %d)") % locked.pk)
        _tell(
            locked,
            "incidents.confirmed",
            later(
                gettext_noop("Re-test positive: %(enterprise)s, %(name)s"),
                enterprise=locked.enterprise.name,
                name=locked.employee.name,
            ),
            later(
                gettext_noop(
                    "Isolate the close and secondary contacts and disinfect the venues; "
                    "the rest of the enterprise keeps producing."
                )
            ),
        )

    return _record_result(actor, incident, "confirm", RetestResult.POSITIVE, reason, after)


def incident_clear(*, actor: User, incident: Incident, reason: str = "") -> Incident:
    """Re-test negative: a quiet period with daily tests in own lodging (blue zone), then back to post."""

    def after(locked: Incident) -> None:
        days = int(parameter_value(EPIDEMIC_QUIET_PERIOD_DAYS, locked.enterprise.region))
        employee = Employee.objects.get(pk=locked.employee_id)
        employee_move_zone(
            actor=actor,
            employee=employee,
            zone=Zone.BLUE,
            reason=_("Infection excluded: quiet period of %(days)d days with a test every day") % {"days": days},
            quiet_days=days,
        )
        locked.quiet_period_until = employee.quiet_period_until
        locked.save(update_fields=["quiet_period_until"])
        _tell(
            locked,
            "incidents.cleared",
            later(
                gettext_noop("Infection excluded: %(enterprise)s, %(name)s"),
                enterprise=locked.enterprise.name,
                name=locked.employee.name,
            ),
            later(
                gettext_noop(
                    "Quiet period with a test every day until %(until)s; the contacts return with the person."
                ),
                until=employee.quiet_period_until,
            )
            if employee.quiet_period_until
            else "",
        )

    return _record_result(actor, incident, "clear", RetestResult.NEGATIVE, reason, after)


def _isolate(actor: User, incident: Incident, *, code: bool) -> int:
    """Move the listed contacts not yet isolated to the yellow zone; with ``code``, also code every
    unreleased contact (only once the case is confirmed: before that a whitelist employee keeps their code)."""
    now = timezone.now()
    moved = 0
    contacts = list(
        IncidentContact.objects.filter(incident=incident, released_at__isnull=True, employee__isnull=False)
        .select_related("employee__enterprise__region")
        .order_by("pk")
    )
    for contact in contacts:
        employee = contact.employee
        assert employee is not None
        if contact.isolated_at is None:
            before = employee.zone
            employee_move_zone(
                actor=actor,
                employee=employee,
                zone=Zone.YELLOW,
                reason=_("%(kind)s of %(name)s (incident %(pk)d)")
                % {"kind": contact.get_kind_display(), "name": incident.employee.name, "pk": incident.pk},
            )
            contact.zone_before = before if before != Zone.YELLOW else Zone.GREEN
            contact.isolated_at = now
            contact.save(update_fields=["zone_before", "isolated_at"])
            moved += 1
        if code:
            if contact.kind == ContactKind.CLOSE:
                _code(actor, employee, CodeColour.RED, "close_contact", _("Close contact (incident %d)") % incident.pk)
            else:
                _code(
                    actor,
                    employee,
                    CodeColour.YELLOW,
                    "secondary_contact",
                    _("Secondary contact (incident %d)") % incident.pk,
                )
    return moved


def incident_isolate_contacts(*, actor: User, incident: Incident, reason: str = "") -> Incident:
    """The task force confirms the contact list: everyone on it goes to the yellow zone and is coded."""
    _precheck(INCIDENT, incident, "isolate_contacts", actor)
    now = timezone.now()

    def after(locked: Incident) -> None:
        _isolate(actor, locked, code=True)

    with as_actor(actor):
        return perform(
            INCIDENT,
            incident,
            "isolate_contacts",
            actor=actor,
            reason=reason,
            changes={"contacts_isolated_at": now},
            after=after,
        )


def incident_disinfect(
    *, actor: User, incident: Incident, areas: str, disinfected_on: date | None, note: str = ""
) -> Incident:
    _precheck(INCIDENT, incident, "disinfect", actor)
    areas = _text(areas, "areas", _("Venues and areas disinfected"))
    if not isinstance(disinfected_on, date):
        raise ServiceError("incidents.disinfect.date", _("Enter the date of the disinfection."), field="disinfected_on")
    if disinfected_on > timezone.localdate():
        raise ServiceError(
            "incidents.disinfect.date", _("The disinfection date cannot be in the future."), field="disinfected_on"
        )
    if disinfected_on < timezone.localdate(incident.reported_at):
        raise ServiceError(
            "incidents.disinfect.date",
            _("The disinfection date cannot be before the report."),
            field="disinfected_on",
        )
    with as_actor(actor):
        return perform(
            INCIDENT,
            incident,
            "disinfect",
            actor=actor,
            reason=str(note or "").strip(),
            changes={
                "disinfected_areas": areas,
                "disinfected_on": disinfected_on,
                "disinfection_note": str(note or "").strip(),
            },
        )


def incident_close(*, actor: User, incident: Incident, reason: str = "") -> Incident:
    _precheck(INCIDENT, incident, "close", actor)
    with as_actor(actor):
        return perform(INCIDENT, incident, "close", actor=actor, reason=reason, changes={"closed_at": timezone.now()})


def _release(actor: User, contact: IncidentContact, reason: str) -> None:
    now = timezone.now()
    if contact.employee is not None and contact.isolated_at is not None:
        employee_move_zone(
            actor=actor, employee=contact.employee, zone=contact.zone_before or Zone.GREEN, reason=reason
        )
    contact.released_at = now
    contact.save(update_fields=["released_at"])


def incident_return_to_post(
    *, actor: User, incident: Incident, reason: str = "", now: datetime | None = None
) -> Incident:
    """静默期结束后返岗: the cleared person goes back to the green zone and the contacts are released with them."""
    _precheck(INCIDENT, incident, "return_to_post", actor)
    now = now or timezone.now()
    until = incident.quiet_period_until
    if until is not None and until > now:
        raise StateRefused(
            "incidents.incident.return_to_post.quiet_period",
            _("The quiet period runs until %(until)s.")
            % {"until": timezone.localtime(until).strftime("%Y-%m-%d %H:%M")},
        )
    text = _("Quiet period over: back to post (incident %d)") % incident.pk

    def after(locked: Incident) -> None:
        employee_move_zone(
            actor=actor, employee=Employee.objects.get(pk=locked.employee_id), zone=Zone.GREEN, reason=text
        )
        for contact in IncidentContact.objects.filter(incident=locked, released_at__isnull=True).select_related(
            "employee"
        ):
            _release(actor, contact, text)

    with as_actor(actor):
        return perform(
            INCIDENT, incident, "return_to_post", actor=actor, reason=reason, changes={"closed_at": now}, after=after
        )


def incident_act(*, actor: User, incident: Incident, action: str, data: dict[str, Any]) -> Incident:
    """One entry for pages and API: the workflow action with its fields."""
    reason = str(data.get("reason") or "")
    if action == "observe":
        return incident_observe(
            actor=actor,
            incident=incident,
            place=str(data.get("place") or ""),
            where=str(data.get("where") or ""),
            reason=reason,
        )
    if action == "sample_retest":
        return incident_sample_retest(actor=actor, incident=incident, sampled_at=data.get("sampled_at"), reason=reason)
    if action == "confirm":
        return incident_confirm(actor=actor, incident=incident, reason=reason)
    if action == "clear":
        return incident_clear(actor=actor, incident=incident, reason=reason)
    if action == "isolate_contacts":
        return incident_isolate_contacts(actor=actor, incident=incident, reason=reason)
    if action == "disinfect":
        return incident_disinfect(
            actor=actor,
            incident=incident,
            areas=str(data.get("areas") or ""),
            disinfected_on=data.get("disinfected_on"),
            note=str(data.get("note") or reason),
        )
    if action == "close":
        return incident_close(actor=actor, incident=incident, reason=reason)
    if action == "return_to_post":
        return incident_return_to_post(actor=actor, incident=incident, reason=reason)
    INCIDENT.transition(action)  # unknown action → its refusal
    raise ServiceError("incidents.unknown_action", _("Unknown action “%s”.") % action)


# --- contacts -----------------------------------------------------------------------------------------


def _check_contacts_editable(actor: User, incident: Incident) -> None:
    if not is_task_force(actor, incident.enterprise):
        raise PermissionRefused(
            "incidents.contacts.forbidden", _("Only the epidemic task force of the area may do this.")
        )
    if incident.state not in CONTACT_EDIT_STATES:
        raise StateRefused(
            "incidents.contacts.state",
            _("The contact list cannot be changed while the incident is “%(state)s”.")
            % {"state": incident.get_state_display()},
        )


@dataclass(frozen=True)
class Proposal:
    added: int
    already_listed: int
    outside_area: int  # employees of enterprises outside the task force's area: their own task force acts
    not_employees: int  # visitors and others without an employee record


def contacts_propose(*, actor: User, incident: Incident, now: datetime | None = None) -> Proposal:
    """Propose contacts from venue-code tracing (EP-7): close contacts are the people who scanned the same
    venue as the person in an overlapping window since ``trace_from``; secondary contacts are the people
    who did so with a close contact after that contact's exposure. Only employees are listed."""
    _check_contacts_editable(actor, incident)
    require_capability(actor, Capability.EPIDEMIC_TRACE)
    from sibao.venues.tracing import trace

    end = now or timezone.now()
    region = incident.enterprise.region
    case = incident.employee
    visible = Employee.objects.visible_to(actor).filter(is_active=True)
    listed = set(IncidentContact.objects.filter(incident=incident).values_list("id_digest", flat=True))
    listed.add(case.id_digest)
    counts = {"added": 0, "already": 0, "outside": 0, "others": 0}
    close_found: list[Any] = []
    skipped: set[str] = {case.id_digest}  # each person counted once across both tracing rounds
    proposed_now: set[str] = set()

    def take(found: list[Any], kind: str) -> None:
        ids = {c.employee_id for c in found if c.employee_id is not None}
        in_area = {e.pk: e for e in visible.filter(pk__in=ids)}
        first: dict[str, Any] = {}
        for contact in found:  # one row per person: the earliest contact (the list is in time order)
            first.setdefault(contact.id_digest, contact)
        for contact in first.values():
            if contact.id_digest in skipped:
                continue
            if contact.id_digest in listed:
                if contact.id_digest not in proposed_now:
                    counts["already"] += 1
                    skipped.add(contact.id_digest)
                continue
            if contact.employee_id is None:
                counts["others"] += 1
                skipped.add(contact.id_digest)
                continue
            employee = in_area.get(contact.employee_id)
            if employee is None:
                counts["outside"] += 1
                skipped.add(contact.id_digest)
                continue
            proposed_now.add(contact.id_digest)
            listed.add(contact.id_digest)
            IncidentContact.objects.create(
                incident=incident,
                employee=employee,
                id_digest=employee.id_digest,
                name=employee.name,
                kind=kind,
                source=ContactSource.TRACED,
                venue_name=str(contact.venue_name or "")[:128],
                contact_at=contact.contact_scanned_at,
                added_by=actor,
            )
            counts["added"] += 1
            if kind == ContactKind.CLOSE:
                close_found.append(contact)

    with transaction.atomic(), as_actor(actor):
        take(
            list(trace(case_digest=case.id_digest, start=incident.trace_from, end=end, region=region).contacts),
            ContactKind.CLOSE,
        )
        for close in list(close_found):
            start = close.contact_scanned_at or incident.trace_from
            take(
                list(trace(case_digest=close.id_digest, start=start, end=end, region=region).contacts),
                ContactKind.SECONDARY,
            )
    return Proposal(counts["added"], counts["already"], counts["outside"], counts["others"])


def contact_add(
    *, actor: User, incident: Incident, employee: Employee, kind: str, venue_name: str = ""
) -> IncidentContact:
    _check_contacts_editable(actor, incident)
    if kind not in ContactKind.values:
        raise ServiceError("incidents.contact.kind", _("Choose close or secondary contact."), field="kind")
    if not Employee.objects.visible_to(actor).filter(pk=employee.pk).exists():
        raise ServiceError("incidents.contact.employee", _("This person is outside your area."), field="employee")
    if employee.pk == incident.employee_id:
        raise ServiceError(
            "incidents.contact.employee", _("The person of the incident is not their own contact."), field="employee"
        )
    try:
        with transaction.atomic(), as_actor(actor):
            return IncidentContact.objects.create(
                incident=incident,
                employee=employee,
                id_digest=employee.id_digest,
                name=employee.name,
                kind=kind,
                source=ContactSource.ADDED,
                venue_name=str(venue_name or "").strip()[:128],
                added_by=actor,
            )
    except IntegrityError:
        raise ServiceError(
            "incidents.contact.duplicate", _("This person is already on the contact list."), field="employee"
        ) from None


def contact_remove(*, actor: User, contact: IncidentContact) -> None:
    incident = contact.incident
    _check_contacts_editable(actor, incident)
    if contact.isolated_at is not None:
        raise StateRefused(
            "incidents.contact.isolated", _("An isolated contact is released, not removed from the list.")
        )
    with transaction.atomic(), as_actor(actor):
        contact.delete()


def contacts_isolate(*, actor: User, incident: Incident) -> int:
    """003#一.13: as soon as the test is abnormal the contacts are isolated temporarily (yellow zone), not
    coded; returns how many moved."""
    _check_contacts_editable(actor, incident)
    with transaction.atomic(), as_actor(actor):
        return _isolate(actor, incident, code=False)


def contact_release(*, actor: User, contact: IncidentContact, reason: str) -> IncidentContact:
    """One contact's isolation ends (e.g. the centralised isolation of a confirmed case's contact is over)."""
    if not is_task_force(actor, contact.incident.enterprise):
        raise PermissionRefused(
            "incidents.contacts.forbidden", _("Only the epidemic task force of the area may do this.")
        )
    if contact.isolated_at is None or contact.released_at is not None:
        raise StateRefused("incidents.contact.release", _("This contact is not in isolation."))
    reason = _text(reason, "reason", _("Reason"))
    with transaction.atomic(), as_actor(actor):
        _release(actor, contact, reason[:255])
    return contact


# --- shutdown requests --------------------------------------------------------------------------------


def shutdown_request(
    *, actor: User, incident: Incident, date_from: date | None, date_to: date | None, scope: str, reason: str
) -> ShutdownRequest:
    """The task force (or the enterprise itself) asks to shut the areas named, for at most
    EPIDEMIC_SHUTDOWN_MAX_DAYS calendar days counted inclusively."""
    enterprise = incident.enterprise
    own = actor.role == Role.ENTERPRISE and actor.enterprise_id == enterprise.pk
    if not (is_task_force(actor, enterprise) or (own and has_capability(actor, Capability.EPIDEMIC_REPORT))):
        raise PermissionRefused(
            "incidents.shutdown.forbidden", _("Only the epidemic task force or the enterprise may ask for a shutdown.")
        )
    if incident.state in (S.CLOSED, S.CLEARED):
        raise StateRefused(
            "incidents.shutdown.state",
            _("No shutdown for an incident that is “%(state)s”.") % {"state": incident.get_state_display()},
        )
    if not isinstance(date_from, date):
        raise ServiceError("incidents.shutdown.date_from", _("Enter the first day of the shutdown."), field="date_from")
    if not isinstance(date_to, date):
        raise ServiceError("incidents.shutdown.date_to", _("Enter the last day of the shutdown."), field="date_to")
    if date_to < date_from:
        raise ServiceError(
            "incidents.shutdown.date_to", _("The last day cannot be before the first day."), field="date_to"
        )
    if date_from < timezone.localdate(incident.reported_at):
        raise ServiceError(
            "incidents.shutdown.date_from", _("The shutdown cannot start before the incident."), field="date_from"
        )
    limit = int(parameter_value(EPIDEMIC_SHUTDOWN_MAX_DAYS, enterprise.region))
    days = (date_to - date_from).days + 1
    if days > limit:
        raise ServiceError(
            "incidents.shutdown.too_long",
            _("A shutdown lasts at most %(limit)d days (first and last day included); this one is %(days)d days.")
            % {"limit": limit, "days": days},
            field="date_to",
        )
    scope = _text(scope, "scope", _("Areas shut"), max_length=255)
    reason = _text(reason, "reason", _("Reason"))
    from sibao.whitelist.selectors import listing_status

    with transaction.atomic(), as_actor(actor):
        shutdown = ShutdownRequest.objects.create(
            incident=incident,
            enterprise=enterprise,
            requested_by=actor,
            date_from=date_from,
            date_to=date_to,
            scope=scope,
            reason=reason,
            whitelisted=listing_status(enterprise).listed,
        )
        SHUTDOWN.log_creation(shutdown, actor=actor)
        from sibao.notifications.services import notify

        notify(
            topic="incidents.shutdown_requested",
            title=later(
                gettext_noop("Shutdown request waiting for a decision: %(enterprise)s, %(from)s–%(to)s"),
                enterprise=enterprise.name,
                **{"from": date_from, "to": date_to},
            ),
            link=_link(incident),
            users=User.objects.filter(
                role=Role.HQ_OFFICE, is_active=True, region__code__in=enterprise.region.ancestor_codes()
            ),
        )
    return shutdown


def shutdown_decide(
    *, actor: User, shutdown: ShutdownRequest, action: str, reason: str, consultation: str = ""
) -> ShutdownRequest:
    """The HQ office approves or refuses, with its reason. A whitelist enterprise may not be shut at will:
    the approval names the consultation of the provincial headquarters it rests on."""
    if action not in ("approve", "refuse"):
        raise ServiceError("incidents.shutdown.action", _("Unknown action “%s”.") % action)
    _precheck(SHUTDOWN, shutdown, action, actor)
    reason = _text(reason, "reason", _("Reason for the decision"))
    consultation = str(consultation or "").strip()[:255]
    if action == "approve" and shutdown.whitelisted and not consultation:
        raise ServiceError(
            "incidents.shutdown.consultation",
            _(
                "A whitelist enterprise is shut only after consultation with the provincial headquarters: "
                "name the consultation."
            ),
            field="consultation",
        )
    now = timezone.now()
    with as_actor(actor):
        decided = perform(
            SHUTDOWN,
            shutdown,
            action,
            actor=actor,
            reason=reason,
            changes={"decided_by": actor, "decided_at": now, "decision_reason": reason, "consultation": consultation},
            after=lambda locked: _tell(
                locked.incident,
                "incidents.shutdown_decided",
                later(
                    gettext_noop("Shutdown %(decision)s: %(enterprise)s, %(from)s–%(to)s"),
                    decision=ShutdownState(locked.state).label,
                    enterprise=locked.enterprise.name,
                    **{"from": locked.date_from, "to": locked.date_to},
                ),
                reason,
            ),
        )
    return decided  # type: ignore[no-any-return]


def shutdown_end(*, actor: User, shutdown: ShutdownRequest, reason: str = "") -> ShutdownRequest:
    _precheck(SHUTDOWN, shutdown, "end", actor)
    with as_actor(actor):
        return perform(  # type: ignore[no-any-return]
            SHUTDOWN, shutdown, "end", actor=actor, reason=reason, changes={"ended_at": timezone.now()}
        )


# --- the 6 h deadline ---------------------------------------------------------------------------------


def retest_deadline_sweep(now: datetime | None = None) -> int:
    """Raise an INCIDENT_DEADLINE warning for every incident past its re-test deadline without a result;
    returns how many were raised (one open warning per incident, so running it often is harmless)."""
    now = now or timezone.now()
    raised = 0
    late = Incident.objects.filter(state__in=AWAITING_RESULT, retest_due_at__lt=now).select_related(
        "enterprise", "employee"
    )
    for incident in late:
        late_by = now - incident.retest_due_at
        minutes = int(late_by.total_seconds() // 60)
        detail = later(
            gettext_noop("No re-test result for %(name)s %(hours)dh %(minutes)dmin after the deadline %(due)s"),
            name=incident.employee.name,
            hours=minutes // 60,
            minutes=minutes % 60,
            due=incident.retest_due_at,
        )
        with transaction.atomic():
            if warning_raise(
                kind=WarningKind.INCIDENT_DEADLINE,
                enterprise=incident.enterprise,
                subject_key=subject_key(incident),
                detail=detail,
                employee=incident.employee,
                at=now,
            ):
                raised += 1
    return raised
