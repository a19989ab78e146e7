"""Every change to a request goes through here (RQ-1…RQ-6): scope, state and actor checked, history kept,
the enterprise and the next actor told in their inboxes."""

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from sibao.accounts.models import User
from sibao.core.audit import as_actor
from sibao.core.errors import PermissionRefused, ServiceError, StateRefused
from sibao.core.permissions import region_in_scope, require_capability
from sibao.core.roles import Capability, Role
from sibao.core.uploads import upload_check
from sibao.core.workflow import perform
from sibao.enterprises.models import Enterprise
from sibao.notifications.services import notify
from sibao.notifications.texts import later
from sibao.organisation.models import DepartmentFunction, Unit, UnitKind
from sibao.parameters.registry import TICKET_NOTICE_RESPONSE_HOURS
from sibao.parameters.selectors import parameter_value
from sibao.regions.models import Region, RegionLevel
from sibao.tickets.models import (
    Category,
    CommonIssue,
    EscalationReason,
    Outcome,
    RoutingRule,
    Satisfaction,
    SupervisionNotice,
    Ticket,
    TicketAttachment,
    TicketNote,
    TicketState,
    Urgency,
)
from sibao.tickets.routing import routing_for
from sibao.tickets.selectors import due_soon_q, overdue_q
from sibao.tickets.workflows import TICKET, is_filer, is_holding_hq, is_holding_unit, is_supervision

S = TicketState
ATTACHMENT_TYPES = {".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".xls", ".xlsx"}
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


def _link(ticket: Ticket) -> str:
    return reverse("tickets:detail", args=[ticket.pk])


def _users_of(unit: Unit | None) -> list[User]:
    return list(User.objects.filter(unit=unit, is_active=True)) if unit is not None else []


def _hq_users(region: Region) -> list[User]:
    return list(User.objects.filter(role=Role.HQ_OFFICE, region=region, is_active=True))


def _required(value: Any, field: str, label: str) -> str:
    text = str(value or "").strip()
    if not text:
        raise ServiceError("tickets.required", _("%(field)s is required.") % {"field": label}, field=field)
    return text


def _county_of(region: Region) -> Region:
    """Requests start at the HQ office of the enterprise's county (RQ-2)."""
    codes = region.ancestor_codes()
    return Region.objects.get(code=codes[2]) if len(codes) > 3 else region


# --- RQ-1: intake ---------------------------------------------------------------------------------


def ticket_file(
    *, actor: User, enterprise: Enterprise, data: Mapping[str, Any], attachments: Iterable[UploadedFile] = ()
) -> Ticket:
    """The enterprise files a request, or an official files it on the enterprise's behalf (its liaison cadre)."""
    if actor.role == Role.ENTERPRISE:
        if actor.enterprise_id != enterprise.pk:
            raise PermissionRefused("tickets.file.forbidden", _("An enterprise files requests only for itself."))
    elif actor.role in (Role.TOWNSHIP, Role.SECTOR_DEPARTMENT, Role.HQ_OFFICE):
        if not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
            raise PermissionRefused("tickets.file.forbidden", _("This enterprise is outside your area."))
    else:
        raise PermissionRefused("tickets.file.forbidden", _("Your role may not file requests."))
    category = str(data.get("category") or "")
    if category not in Category.values:
        raise ServiceError("tickets.category", _("Choose a category."), field="category")
    urgency = str(data.get("urgency") or Urgency.NORMAL)
    if urgency not in Urgency.values:
        raise ServiceError("tickets.urgency", _("Choose an urgency."), field="urgency")
    title = _required(data.get("title"), "title", _("Subject"))[:120]
    text = _required(data.get("text"), "text", _("Request"))
    uploads = list(attachments)
    for upload in uploads:
        _check_attachment(upload)
    now = timezone.now()
    holder = _county_of(enterprise.region)
    with as_actor(actor):
        for attempt in range(5):
            try:
                with transaction.atomic():
                    sequence = Ticket.objects.filter(filed_at__date=timezone.localdate(now)).count() + 1 + attempt
                    ticket = Ticket.objects.create(
                        number=f"SQ{timezone.localtime(now):%Y%m%d}{sequence:04d}",
                        enterprise=enterprise,
                        category=category,
                        urgency=urgency,
                        title=title,
                        text=text,
                        filed_by=actor,
                        filed_at=now,
                        holder_region=holder,
                    )
                    for upload in uploads:
                        _save_attachment(actor, ticket, upload)
                    TICKET.log_creation(ticket, actor=actor)
                    notify(
                        topic="tickets.filed",
                        title=later(
                            gettext_noop("New request to assign: %(enterprise)s “%(title)s”"),
                            enterprise=enterprise.name,
                            title=title,
                        ),
                        link=_link(ticket),
                        users=_hq_users(holder),
                    )
                break
            except IntegrityError:
                if attempt == 4:
                    raise
    return ticket


def _check_attachment(upload: UploadedFile) -> None:
    # Issue 8 #9: the kernel's validator checks the content too, so HTML or a program renamed .pdf is refused.
    upload_check(
        upload,
        extensions=ATTACHMENT_TYPES,
        max_bytes=MAX_ATTACHMENT_BYTES,
        code="tickets.attachment",
        field="attachments",
    )


def ticket_attachment_add(*, actor: User, ticket: Ticket, upload: UploadedFile) -> TicketAttachment:
    """The filing enterprise adds a file to its request at any time until it is closed."""
    if not is_filer(actor, ticket):
        raise PermissionRefused(
            "tickets.attachment.forbidden", _("Only the enterprise that filed the request may do this.")
        )
    _check_attachment(upload)
    with transaction.atomic(), as_actor(actor):
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if locked.state == S.CLOSED:
            raise StateRefused("tickets.attachment.state", _("A closed request takes no more files."))
        return _save_attachment(actor, locked, upload)


def _save_attachment(actor: User, ticket: Ticket, upload: UploadedFile) -> TicketAttachment:
    name = Path(upload.name or "").name
    attachment = TicketAttachment(ticket=ticket, original_name=name[:200], size=upload.size or 0, uploaded_by=actor)
    attachment.file.save(f"{ticket.number}{Path(name).suffix.lower()}", upload, save=False)
    attachment.save()
    return attachment


# --- RQ-2: triage and assignment -------------------------------------------------------------------


def ticket_assign(*, actor: User, ticket: Ticket, unit: Unit | None = None, due_at: datetime | None = None) -> Ticket:
    """交办: the holding HQ office names the responsible unit; routing rules give the defaults."""
    guard = TICKET.transition("assign").guard
    refusal = guard(actor, ticket) if guard else None
    if refusal:  # before looking at the input, so a stranger is told "not yours", not "bad unit"
        raise PermissionRefused("tickets.ticket.assign.forbidden", refusal)  # a wrong state: perform's .state
    routing = routing_for(ticket)
    unit = unit or routing.unit
    if unit is None:
        raise ServiceError("tickets.assign.unit", _("Choose the responsible unit."), field="unit")
    if (
        not ticket.holder_region.contains(unit.region)
        or not unit.is_active
        or unit.kind not in (UnitKind.DEPARTMENT, UnitKind.TOWNSHIP, UnitKind.TASK_FORCE)
    ):
        raise ServiceError("tickets.assign.unit", _("Choose a unit of this region."), field="unit")
    now = timezone.now()
    if due_at is not None and due_at <= now:
        raise ServiceError("tickets.assign.due", _("The deadline must be in the future."), field="due_at")
    changes = {
        "unit": unit,
        "assigned_at": now,
        "response_due": now + routing.response,
        "responded_at": None,
        "due_at": due_at or now + routing.handling,
        "paused_at": None,
    }

    def after(locked: Ticket) -> None:
        locked.units_involved.add(unit)
        notify(
            topic="tickets.assigned",
            title=later(
                gettext_noop("Request assigned to you: %(number)s “%(title)s”"),
                number=locked.number,
                title=locked.title,
            ),
            body=later(gettext_noop("Please resolve it by %(due)s."), due=locked.due_at),
            link=_link(locked),
            users=_users_of(unit),
        )
        notify(
            topic="tickets.assigned",
            title=later(gettext_noop("Your request was assigned to %(unit)s"), unit=unit.name),
            link=_link(locked),
            enterprise=locked.enterprise,
        )

    with as_actor(actor):
        return perform(TICKET, ticket, "assign", actor=actor, changes=changes, data={"unit": unit.pk}, after=after)


def ticket_respond(*, actor: User, ticket: Ticket, text: str = "") -> Ticket:
    """The unit accepts the request and answers the enterprise that it is on it (the response deadline)."""

    def after(locked: Ticket) -> None:
        if text.strip():
            TicketNote.objects.create(ticket=locked, author=actor, text=text.strip())
        notify(
            topic="tickets.responded",
            title=later(
                gettext_noop("%(unit)s has accepted your request “%(title)s”"),
                unit=locked.unit.name if locked.unit else "",
                title=locked.title,
            ),
            body=text.strip(),
            link=_link(locked),
            enterprise=locked.enterprise,
        )

    with as_actor(actor):
        return perform(TICKET, ticket, "respond", actor=actor, changes={"responded_at": timezone.now()}, after=after)


def ticket_return(*, actor: User, ticket: Ticket, reason: str) -> Ticket:
    """A unit that got the wrong request sends it back to the HQ office with the reason."""

    def after(locked: Ticket) -> None:
        notify(
            topic="tickets.returned",
            title=later(gettext_noop("Request returned for reassignment: %(number)s"), number=locked.number),
            body=reason,
            link=_link(locked),
            users=_hq_users(locked.holder_region),
        )

    with as_actor(actor):
        return perform(
            TICKET,
            ticket,
            "return_to_hq",
            actor=actor,
            reason=reason,
            changes={"unit": None, "assigned_at": None, "response_due": None, "due_at": None},
            data={"unit": ticket.unit_id},
            after=after,
        )


# --- RQ-3: escalation ------------------------------------------------------------------------------


def ticket_escalate(*, actor: User, ticket: Ticket, reason_code: str, reason: str) -> Ticket:
    """Unit → its level's HQ office; HQ office → the HQ office of the next level up. Every hop is recorded."""
    if reason_code not in EscalationReason.values:
        raise ServiceError("tickets.escalate.reason", _("Choose why it is escalated."), field="reason_code")
    from_region = ticket.holder_region
    to_region = from_region
    if is_holding_hq(actor, ticket) and not is_holding_unit(actor, ticket):  # the HQ office sends it up a level
        if from_region.parent is None:
            raise StateRefused("tickets.escalate.top", _("There is no higher level to escalate to."))
        to_region = from_region.parent
    changes = {
        "holder_region": to_region,
        "unit": None,
        "assigned_at": None,
        "response_due": None,
        "due_at": None,
        "paused_at": None,
    }
    data = {
        "reason_code": reason_code,
        "from_region": from_region.code,
        "to_region": to_region.code,
        "unit": ticket.unit_id,
    }

    def after(locked: Ticket) -> None:
        notify(
            topic="tickets.escalated",
            title=later(
                gettext_noop("Request escalated to you: %(number)s “%(title)s”"),
                number=locked.number,
                title=locked.title,
            ),
            body=later(
                gettext_noop("%(reason_kind)s: %(reason)s"),
                reason_kind=EscalationReason(reason_code).label,
                reason=reason,
            ),
            link=_link(locked),
            users=_hq_users(to_region),
        )

    with as_actor(actor):
        return perform(
            TICKET,
            ticket,
            "escalate",
            actor=actor,
            reason=reason,
            changes=lambda locked: {**changes, "escalation_count": locked.escalation_count + 1},
            data=data,
            after=after,
        )


# --- RQ-4: handling --------------------------------------------------------------------------------


def ticket_note(*, actor: User, ticket: Ticket, text: str, visible_to_enterprise: bool = True) -> TicketNote:
    if not (is_holding_unit(actor, ticket) or is_holding_hq(actor, ticket)):
        raise PermissionRefused("tickets.note.forbidden", _("Only the unit responsible for the request may do this."))
    if ticket.state not in (S.ASSIGNED, S.IN_PROGRESS, S.WAITING, S.LINKED):
        raise StateRefused("tickets.note.state", _("Notes can be added only while the request is being handled."))
    text = _required(text, "text", _("Note"))
    with transaction.atomic(), as_actor(actor):
        note = TicketNote.objects.create(
            ticket=ticket, author=actor, text=text, visible_to_enterprise=visible_to_enterprise
        )
        if visible_to_enterprise:
            notify(
                topic="tickets.note",
                title=later(gettext_noop("Progress on your request: %(title)s"), title=ticket.title),
                body=text,
                link=_link(ticket),
                enterprise=ticket.enterprise,
            )
    return note


def ticket_request_info(*, actor: User, ticket: Ticket, question: str) -> Ticket:
    """The unit waits for the enterprise's information; the deadline clock pauses (RQ-4)."""

    def after(locked: Ticket) -> None:
        TicketNote.objects.create(ticket=locked, author=actor, text=question.strip())
        notify(
            topic="tickets.info_requested",
            title=later(gettext_noop("Please add information to your request: %(title)s"), title=locked.title),
            body=question.strip(),
            link=_link(locked),
            enterprise=locked.enterprise,
        )

    with as_actor(actor):
        return perform(
            TICKET,
            ticket,
            "request_info",
            actor=actor,
            reason=question,
            changes={"paused_at": timezone.now()},
            after=after,
        )


def ticket_provide_info(*, actor: User, ticket: Ticket, text: str) -> Ticket:
    """The enterprise answers; both deadlines move later by the time the clock was paused."""
    text = _required(text, "text", _("Information"))
    now = timezone.now()

    def resumed(locked: Ticket) -> dict[str, Any]:
        paused = now - locked.paused_at if locked.paused_at else timedelta(0)
        changes: dict[str, Any] = {"paused_at": None, "due_at": locked.due_at + paused if locked.due_at else None}
        if locked.responded_at is None and locked.response_due:
            changes["response_due"] = locked.response_due + paused
        return changes

    def after(locked: Ticket) -> None:
        TicketNote.objects.create(ticket=locked, author=actor, text=text)
        notify(
            topic="tickets.info_provided",
            title=later(gettext_noop("The enterprise has added information: %(number)s"), number=locked.number),
            body=text,
            link=_link(locked),
            users=_users_of(locked.unit),
        )

    with as_actor(actor):
        return perform(
            TICKET,
            ticket,
            "provide_info",
            actor=actor,
            changes=resumed,
            data={"paused_seconds": int((now - ticket.paused_at).total_seconds()) if ticket.paused_at else 0},
            after=after,
        )


def ticket_answer(*, actor: User, ticket: Ticket, outcome: str, reply: str) -> Ticket:
    """The unit's resolution with an honest outcome and its reply to the enterprise (RQ-4)."""
    if outcome not in Outcome.values:
        raise ServiceError("tickets.answer.outcome", _("Choose the outcome."), field="outcome")
    reply = _required(reply, "reply", _("Reply to the enterprise"))
    now = timezone.now()
    changes = {"outcome": outcome, "reply": reply, "answered_at": now, "responded_at": ticket.responded_at or now}
    return _answer(actor, ticket, "answer", changes, data={"outcome": outcome})


def _answer(actor: User, ticket: Ticket, action: str, changes: dict[str, Any], data: dict[str, Any]) -> Ticket:
    def after(locked: Ticket) -> None:
        notify(
            topic="tickets.answered",
            title=later(
                gettext_noop("Your request was answered (%(outcome)s): %(title)s"),
                outcome=Outcome(locked.outcome).label,
                title=locked.title,
            ),
            body=later(gettext_noop("%(reply)s\nPlease rate how it was handled."), reply=locked.reply),
            link=_link(locked),
            enterprise=locked.enterprise,
        )

    with as_actor(actor):
        return perform(TICKET, ticket, action, actor=actor, changes=changes, data=data, after=after)


# --- RQ-5: follow-up and closing ------------------------------------------------------------------


def ticket_rate(*, actor: User, ticket: Ticket, satisfaction: str, score: int, comment: str = "") -> Ticket:
    """The enterprise rates the answer; "unsatisfied" reopens it to the same unit with its words."""
    if satisfaction not in Satisfaction.values:
        raise ServiceError("tickets.rate.satisfaction", _("Choose how satisfied you are."), field="satisfaction")
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        raise ServiceError("tickets.rate.score", _("Give a score from 1 to 5."), field="score")
    comment = comment.strip()
    now = timezone.now()
    rating = {"satisfaction": satisfaction, "score": score, "rating_comment": comment, "rated_at": now}
    if satisfaction != Satisfaction.UNSATISFIED:
        with as_actor(actor):
            return perform(
                TICKET, ticket, "rate", actor=actor, changes=rating, data={"satisfaction": satisfaction, "score": score}
            )
    if not comment:
        raise ServiceError("tickets.rate.comment", _("Say what is still wrong."), field="comment")
    due = routing_for(ticket).handling
    # Back to the unit that answered; a request answered with its common issue has no unit of its own.
    unit = ticket.unit or (ticket.common_issue.unit if ticket.common_issue else None)
    reopened = {
        **rating,
        "unit": unit,
        "outcome": "",
        "answered_at": None,
        "due_at": now + due,
    }

    def after(locked: Ticket) -> None:
        TicketNote.objects.create(ticket=locked, author=actor, text=comment)
        notify(
            topic="tickets.reopened",
            title=later(
                gettext_noop("The enterprise is not satisfied; the request is reopened: %(number)s"),
                number=locked.number,
            ),
            body=comment,
            link=_link(locked),
            users=_users_of(locked.unit) or _hq_users(locked.holder_region),
        )

    with as_actor(actor):
        return perform(
            TICKET,
            ticket,
            "reopen",
            actor=actor,
            reason=comment,
            changes=lambda locked: {**reopened, "reopen_count": locked.reopen_count + 1},
            data={"satisfaction": satisfaction, "score": score, "previous_reply": ticket.reply},
            after=after,
        )


def ticket_verify(*, actor: User, ticket: Ticket, verification: str) -> Ticket:
    """Supervision records its follow-up visit (回访) and verification (核查)."""
    verification = _required(verification, "verification", _("Follow-up and verification"))
    with as_actor(actor):
        return perform(
            TICKET,
            ticket,
            "verify",
            actor=actor,
            changes={"verification": verification, "verified_at": timezone.now()},
        )


def ticket_close(*, actor: User, ticket: Ticket) -> Ticket:
    """销号: 办理一个、销号一个."""

    def after(locked: Ticket) -> None:
        notify(
            topic="tickets.closed",
            title=later(gettext_noop("Your request is closed: %(title)s"), title=locked.title),
            link=_link(locked),
            enterprise=locked.enterprise,
        )

    with as_actor(actor):
        return perform(TICKET, ticket, "close", actor=actor, changes={"closed_at": timezone.now()}, after=after)


# --- RQ-2: common issues ("点办理、批处理") ---------------------------------------------------------


def common_issue_create(
    *, actor: User, title: str, description: str, unit: Unit, tickets: Iterable[Ticket]
) -> CommonIssue:
    region = actor.region
    if actor.role != Role.HQ_OFFICE or region is None:
        raise PermissionRefused("tickets.common.forbidden", _("Only the HQ office may group requests."))
    if not region.contains(unit.region):
        raise ServiceError("tickets.common.unit", _("Choose a unit of this region."), field="unit")
    chosen = list(tickets)
    if len(chosen) < 2:
        raise ServiceError(
            "tickets.common.tickets", _("Choose at least two requests with the same cause."), field="tickets"
        )
    title = _required(title, "title", _("Title"))
    with transaction.atomic(), as_actor(actor):
        issue = CommonIssue.objects.create(
            region=region, title=title, description=description.strip(), unit=unit, created_by=actor
        )
        for ticket in chosen:
            common_issue_link(actor=actor, issue=issue, ticket=ticket)
        notify(
            topic="tickets.common_issue",
            title=later(
                gettext_noop("Common issue assigned to you: %(title)s (%(count)d requests)"),
                title=title,
                count=len(chosen),
            ),
            body=description.strip(),
            link=reverse("tickets:common_issue", args=[issue.pk]),
            users=_users_of(unit),
        )
    return issue


def common_issue_link(*, actor: User, issue: CommonIssue, ticket: Ticket) -> Ticket:
    if issue.answered_at is not None:
        raise StateRefused("tickets.common.answered", _("This common issue has already been answered."))

    def after(locked: Ticket) -> None:
        locked.units_involved.add(issue.unit)

    with as_actor(actor):
        return perform(
            TICKET,
            ticket,
            "link",
            actor=actor,
            changes={"common_issue": issue},
            data={"common_issue": issue.pk},
            after=after,
        )


def common_issue_answer(*, actor: User, issue: CommonIssue, outcome: str, answer: str) -> CommonIssue:
    """Answering the common issue answers every linked request; each enterprise is told and rates its own."""
    if not (
        getattr(actor, "unit_id", None) == issue.unit_id
        or (actor.role == Role.HQ_OFFICE and actor.region_id == issue.region_id)
    ):
        raise PermissionRefused(
            "tickets.common.forbidden", _("Only the policy department or the HQ office may answer.")
        )
    if outcome not in Outcome.values:
        raise ServiceError("tickets.answer.outcome", _("Choose the outcome."), field="outcome")
    answer = _required(answer, "answer", _("Answer"))
    now = timezone.now()
    with transaction.atomic(), as_actor(actor):
        locked = CommonIssue.objects.select_for_update().get(pk=issue.pk)
        if locked.answered_at is not None:
            raise StateRefused("tickets.common.answered", _("This common issue has already been answered."))
        locked.answer, locked.outcome, locked.answered_at = answer, outcome, now
        locked.save()
        for ticket in Ticket.objects.filter(common_issue=locked, state=S.LINKED):
            changes = {
                "outcome": outcome,
                "reply": answer,
                "answered_at": now,
                "responded_at": ticket.responded_at or now,
            }
            _answer(actor, ticket, "answer_common", changes, data={"outcome": outcome, "common_issue": locked.pk})
    return locked


# --- RQ-6: supervision notices ---------------------------------------------------------------------


def notice_issue(*, actor: User, ticket: Ticket, text: str) -> SupervisionNotice:
    """督办 on an overdue request: the unit (and its HQ office) must answer within the parameter's hours."""
    if not is_supervision(actor, ticket):
        raise PermissionRefused("tickets.notice.forbidden", _("Only the supervision task force may do this."))
    now = timezone.now()
    overdue = (
        ticket.state in (S.ASSIGNED, S.IN_PROGRESS, S.LINKED) and ticket.due_at is not None and ticket.due_at < now
    )
    if not overdue:
        raise StateRefused(
            "tickets.notice.not_overdue", _("A supervision notice is issued only on an overdue request.")
        )
    text = _required(text, "text", _("Notice"))
    hours = parameter_value(TICKET_NOTICE_RESPONSE_HOURS, ticket.holder_region)
    with transaction.atomic(), as_actor(actor):
        notice = SupervisionNotice.objects.create(
            ticket=ticket, unit=ticket.unit, text=text, respond_by=now + timedelta(hours=hours), issued_by=actor
        )
        notify(
            topic="tickets.notice",
            title=later(
                gettext_noop("Supervision notice: %(number)s “%(title)s” is overdue"),
                number=ticket.number,
                title=ticket.title,
            ),
            body=text,
            link=_link(ticket),
            users=_users_of(ticket.unit) + _hq_users(ticket.holder_region),
        )
    return notice


def deadline_warnings_send(now: datetime | None = None) -> tuple[int, int]:
    """RQ-6's warnings, before and after a deadline passes: the responsible unit is told once when its request
    becomes due soon (``tickets.due_soon_hours`` of the holding region, the list's "due soon" filter), and the
    unit and the holding HQ office once when it is overdue (the "overdue" filter). A paused request (waiting for
    the enterprise) is not warned. Returns ``(due soon, overdue)`` warned now; run by the scheduler."""
    now = now or timezone.now()
    counts = []
    for condition, field, overdue in (
        (due_soon_q(now), "warned_due_soon", False),
        (overdue_q(now), "warned_overdue", True),
    ):
        # A warning is for one deadline: one moved (reassigned, resumed after a pause) is warned of again.
        pending = Ticket.objects.filter(condition).exclude(**{field: F("due_at")})
        warned = 0
        for ticket in pending.select_related("unit", "holder_region").order_by("due_at", "pk")[:500]:
            with transaction.atomic():
                # Marked and told in one transaction; the conditional update makes a second scheduler skip it.
                if pending.filter(pk=ticket.pk).update(**{field: F("due_at")}):
                    _deadline_warn(ticket, overdue=overdue)
                    warned += 1
        counts.append(warned)
    return counts[0], counts[1]


def _deadline_warn(ticket: Ticket, *, overdue: bool) -> None:
    if overdue:
        title = later(
            gettext_noop("Overdue: %(number)s “%(title)s” was due %(due)s"),
            number=ticket.number,
            title=ticket.title,
            due=ticket.due_at,
        )
        users = _users_of(ticket.unit) + _hq_users(ticket.holder_region)
    else:
        title = later(
            gettext_noop("Due soon: %(number)s “%(title)s” is due %(due)s"),
            number=ticket.number,
            title=ticket.title,
            due=ticket.due_at,
        )
        users = _users_of(ticket.unit)
    notify(topic="tickets.overdue" if overdue else "tickets.due_soon", title=title, link=_link(ticket), users=users)


def may_file_for(actor: User, enterprise: Enterprise) -> bool:
    return is_filer(actor, Ticket(enterprise=enterprise)) or (
        actor.role in (Role.TOWNSHIP, Role.SECTOR_DEPARTMENT, Role.HQ_OFFICE)
        and Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists()
    )


# --- RQ-2: routing rules (the HQ office's defaults for assigning) --------------------------------------------
# Issue 9 #7: rules were entered in the admin only; now the HQ office keeps them on a page and through the API,
# for its region and the regions below it, with the capability and scope checks and the audit actor.

ROUTING_LEVELS = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY)  # where requests are held
ROUTING_TERMS = ("department_function", "response_hours", "handle_days")
MAX_RESPONSE_HOURS = 720
MAX_HANDLE_DAYS = 365


def _routing_scope(actor: User, region: Region) -> None:
    require_capability(actor, Capability.TICKET_TRIAGE)
    if not region_in_scope(actor, region):
        raise PermissionRefused("tickets.routing.forbidden", _("This region is outside your area of responsibility."))


def _optional_bound(value: Any, field: str, label: str, upper: int) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= upper:
        raise ServiceError(
            f"tickets.routing.{field}",
            _("%(field)s: enter a whole number from 1 to %(upper)d, or leave it empty for the default.")
            % {"field": label, "upper": upper},
            field=field,
        )
    return value


def _routing_terms(data: Mapping[str, Any]) -> dict[str, Any]:
    """The department and deadlines of a rule, checked; each refusal names its field (X-4)."""
    function = str(data.get("department_function") or "")
    if function not in DepartmentFunction.values:
        raise ServiceError(
            "tickets.routing.department_function", _("Choose the department."), field="department_function"
        )
    return {
        "department_function": function,
        "response_hours": _optional_bound(
            data.get("response_hours"), "response_hours", _("Respond within (hours)"), MAX_RESPONSE_HOURS
        ),
        "handle_days": _optional_bound(
            data.get("handle_days"), "handle_days", _("Resolve within (days)"), MAX_HANDLE_DAYS
        ),
    }


def routing_rule_add(*, actor: User, region: Region, data: Mapping[str, Any]) -> RoutingRule:
    """A rule for one category (and optionally one urgency) of requests held in ``region``."""
    _routing_scope(actor, region)
    if region.level not in ROUTING_LEVELS:
        raise ServiceError(
            "tickets.routing.region",
            _("Choose the province, a city or a county: requests are held there."),
            field="region",
        )
    category = str(data.get("category") or "")
    if category not in Category.values:
        raise ServiceError("tickets.routing.category", _("Choose the category."), field="category")
    urgency = str(data.get("urgency") or "")
    if urgency and urgency not in Urgency.values:
        raise ServiceError("tickets.routing.urgency", _("Choose the urgency, or any."), field="urgency")
    terms = _routing_terms(data)
    with transaction.atomic(), as_actor(actor):
        existing = RoutingRule.objects.select_for_update().filter(region=region, category=category, urgency=urgency)
        if existing.exists():
            raise StateRefused(
                "tickets.routing.exists",
                _("This region already has a rule for this category and urgency; change that one instead."),
                field="category",
            )
        return RoutingRule.objects.create(region=region, category=category, urgency=urgency, **terms)


def routing_rule_change(*, actor: User, rule: RoutingRule, data: Mapping[str, Any]) -> RoutingRule:
    """Change a rule's department and deadlines, or disable/enable it (``is_active``); its region, category and
    urgency are what it is about and stay."""
    _routing_scope(actor, rule.region)
    with transaction.atomic(), as_actor(actor):
        locked = RoutingRule.objects.select_for_update().select_related("region").get(pk=rule.pk)
        terms = {name: data.get(name, getattr(locked, name)) for name in ROUTING_TERMS}
        for name, value in _routing_terms(terms).items():
            setattr(locked, name, value)
        if "is_active" in data:
            if not isinstance(data["is_active"], bool):
                raise ServiceError("tickets.routing.is_active", _("Say whether the rule is in use."), field="is_active")
            locked.is_active = data["is_active"]
        locked.save()
    return locked
