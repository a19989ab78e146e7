"""Reads of requests: lists in scope, the triage queue, deadline states (RQ-6), likely duplicates (RQ-2)."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sibao.core.roles import Role
from sibao.parameters.registry import TICKET_DUE_SOON_HOURS
from sibao.parameters.selectors import parameter_q, parameter_value
from sibao.regions.models import Region
from sibao.tickets.models import HANDLING_STATES, Satisfaction, SupervisionNotice, Ticket, TicketState

S = TicketState
RUNNING_CLOCK_STATES = [S.ASSIGNED, S.IN_PROGRESS, S.LINKED]  # WAITING is paused


class DeadlineState:
    PAUSED = "paused"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    ON_TIME = "on_time"
    NONE = ""


DEADLINE_LABELS = {
    DeadlineState.PAUSED: _("Clock paused"),
    DeadlineState.OVERDUE: _("Overdue"),
    DeadlineState.DUE_SOON: _("Due soon"),
    DeadlineState.ON_TIME: _("On time"),
}


def overdue_q(now: datetime | None = None) -> Q:
    now = now or timezone.now()
    return Q(state__in=RUNNING_CLOCK_STATES, due_at__lt=now)


def due_soon_q(now: datetime | None = None) -> Q:
    """Running, not yet late, and due within ``tickets.due_soon_hours`` of the holding region (RQ-6): the
    filter and the badge (``deadline_state``) read the same parameter (issue 9 #3)."""
    now = now or timezone.now()
    return Q(state__in=RUNNING_CLOCK_STATES, due_at__gte=now) & parameter_q(
        [TICKET_DUE_SOON_HOURS], "holder_region", lambda hours: Q(due_at__lt=now + timedelta(hours=hours[0]))
    )


class Stage:
    """Where requests stand for the command screen (DB-2, DB-4) and the list filter its figures link to: one
    condition per stage, read by both (``stage_q``), so a figure is the row count of its list."""

    OPEN = "open"  # not closed (销号) yet
    AWAITING_ASSIGNMENT = "awaiting_assignment"  # with an HQ office, no unit yet (RQ-2)
    ANSWERED = "answered"  # answered and not reopened since (RQ-4)
    ANSWERED_ON_TIME = "answered_on_time"  # … by the deadline, or without one (RQ-7 on-time)
    RATED = "rated"  # the enterprise gave its rating (RQ-5)
    SATISFIED = "satisfied"  # … satisfied or basically satisfied (RQ-7 satisfaction)
    AWAITING_VERIFICATION = "awaiting_verification"  # rated, supervision to verify (RQ-5)
    SUPERVISED = "supervised"  # open with a 督办 notice (RQ-6)


STAGE_LABELS = {
    Stage.OPEN: _("Not closed"),
    Stage.AWAITING_ASSIGNMENT: _("Awaiting assignment"),
    Stage.ANSWERED: _("Answered"),
    Stage.ANSWERED_ON_TIME: _("Answered on time"),
    Stage.RATED: _("Rated by the enterprise"),
    Stage.SATISFIED: _("Enterprise satisfied"),
    Stage.AWAITING_VERIFICATION: _("Awaiting verification"),
    Stage.SUPERVISED: _("Open with a supervision notice"),
}


def stage_q(stage: str) -> Q:
    answered = Q(answered_at__isnull=False)
    conditions = {
        Stage.OPEN: ~Q(state=S.CLOSED),
        Stage.AWAITING_ASSIGNMENT: Q(state=S.SUBMITTED),
        Stage.ANSWERED: answered,
        Stage.ANSWERED_ON_TIME: answered & (Q(due_at__isnull=True) | Q(answered_at__lte=F("due_at"))),
        Stage.RATED: ~Q(satisfaction=""),
        Stage.SATISFIED: Q(satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.BASIC]),
        Stage.AWAITING_VERIFICATION: Q(state=S.RATED),
        Stage.SUPERVISED: ~Q(state=S.CLOSED) & Q(Exists(SupervisionNotice.objects.filter(ticket_id=OuterRef("pk")))),
    }
    return conditions[stage]


def deadline_state(ticket: Ticket, now: datetime | None = None) -> str:
    """Paused, overdue, due soon or on time while the unit holds it; "" otherwise (RQ-6)."""
    now = now or timezone.now()
    if ticket.state == S.WAITING:
        return DeadlineState.PAUSED
    if ticket.state not in RUNNING_CLOCK_STATES or ticket.due_at is None:
        return DeadlineState.NONE
    if ticket.due_at < now:
        return DeadlineState.OVERDUE
    hours = parameter_value(TICKET_DUE_SOON_HOURS, ticket.holder_region)
    return DeadlineState.DUE_SOON if ticket.due_at < now + timedelta(hours=hours) else DeadlineState.ON_TIME


@dataclass(frozen=True)
class TicketFilters:
    state: str = ""
    category: str = ""
    deadline: str = ""  # overdue | due_soon
    query: str = ""
    region_code: str = ""
    waiting: bool = False  # only those whose next step is the user's (``awaiting_q``)
    stage: str = ""  # a ``Stage``
    sector: str = ""  # the enterprise's
    enterprise_id: int | None = None


def awaiting_q(user: Any) -> Q:
    """Requests whose next move (``next_step.EXPECTED_ACTION``) is the user's, the HQ office's assignment queue
    aside (``triage_queue``): its unit answers, the enterprise rates or gives the information asked, supervision
    verifies, the holding HQ office closes — the "waiting for me" filter and the workbench (issue 11 #4)."""
    role = getattr(user, "role", None)
    if role == Role.ENTERPRISE:
        return Q(enterprise_id=user.enterprise_id, state__in=[S.WAITING, S.ANSWERED])
    waiting = Q(pk__in=[])
    if getattr(user, "unit_id", None):
        waiting |= Q(unit_id=user.unit_id, state__in=[S.ASSIGNED, S.IN_PROGRESS])
        waiting |= Q(state=S.LINKED, common_issue__unit_id=user.unit_id)
    if role == Role.HQ_OFFICE and user.region_id:
        waiting |= Q(holder_region_id=user.region_id) & (
            Q(state=S.VERIFIED) | Q(state__in=[S.ASSIGNED, S.IN_PROGRESS], unit__isnull=True)
        )
    if role == Role.SUPERVISION:
        waiting |= Q(state__in=[S.RATED, S.VERIFIED])
    return waiting


def tickets_for(user: Any, filters: TicketFilters | None = None) -> QuerySet[Ticket]:
    """The requests the user may see: its enterprise's, its unit's (held or held before), or its region's."""
    filters = filters or TicketFilters()
    tickets = Ticket.objects.visible_to(user).select_related(
        "enterprise", "enterprise__region", "unit", "holder_region", "common_issue"
    )
    if filters.state:
        tickets = tickets.filter(state=filters.state)
    if filters.category:
        tickets = tickets.filter(category=filters.category)
    if filters.deadline == DeadlineState.OVERDUE:
        tickets = tickets.filter(overdue_q())
    elif filters.deadline == DeadlineState.DUE_SOON:
        tickets = tickets.filter(due_soon_q())
    if filters.query:
        term = filters.query.strip()
        tickets = tickets.filter(
            Q(number__iexact=term) | Q(title__icontains=term) | Q(enterprise__name__icontains=term)
        )
    if filters.region_code:
        region = Region.objects.filter(code=filters.region_code).first()
        tickets = tickets.filter(enterprise__region__path__startswith=region.path) if region else tickets.none()
    if filters.waiting:
        tickets = tickets.filter(awaiting_q(user))
    if filters.stage in STAGE_LABELS:
        tickets = tickets.filter(stage_q(filters.stage))
    if filters.sector:
        tickets = tickets.filter(enterprise__sector=filters.sector)
    if filters.enterprise_id is not None:
        tickets = tickets.filter(enterprise_id=filters.enterprise_id)
    return tickets


def triage_queue(user: Any) -> QuerySet[Ticket]:
    """What the user's HQ office must assign: requests held at its level without a unit, most urgent first."""
    if getattr(user, "role", None) not in (Role.HQ_OFFICE, Role.ADMINISTRATOR) or not getattr(user, "region_id", None):
        return Ticket.objects.none()
    return tickets_for(user).filter(state=S.SUBMITTED, holder_region_id=user.region_id).order_by("-urgency", "filed_at")


def unit_queue(user: Any) -> QuerySet[Ticket]:
    """What the user's unit holds now, nearest deadline first."""
    unit_id = getattr(user, "unit_id", None)
    if unit_id is None:
        return Ticket.objects.none()
    return tickets_for(user).filter(unit_id=unit_id, state__in=HANDLING_STATES).order_by("due_at")


def _bigrams(text: str) -> set[str]:
    compact = "".join(text.split())
    return {compact[i : i + 2] for i in range(len(compact) - 1)}


def likely_duplicates(ticket: Ticket, *, limit: int = 5, threshold: float = 0.3) -> list[tuple[Ticket, float]]:
    """Open requests of the same category in the same county in the last 30 days whose wording overlaps
    (Jaccard similarity of character bigrams, which suits Chinese text without a word segmenter)."""
    return likely_duplicates_for([ticket], limit=limit, threshold=threshold)[ticket.pk]


def likely_duplicates_for(
    tickets: Sequence[Ticket], *, limit: int = 5, threshold: float = 0.3
) -> dict[int, list[tuple[Ticket, float]]]:
    """``likely_duplicates`` of many requests from two queries (the triage list, issue 9 #4).

    Issue 10: the candidates are scored from their words only (each one's bigrams computed once, grouped by
    category and holding region), and only the few that match are loaded as requests (a county's queue built
    ~1,200 requests and compared every request's words with every candidate's again: ~0.4 s)."""
    if not tickets:
        return {}
    window = timedelta(days=30)
    candidates = list(
        Ticket.objects.filter(
            category__in={ticket.category for ticket in tickets},
            holder_region__in={ticket.holder_region_id for ticket in tickets},
            filed_at__gte=min(ticket.filed_at for ticket in tickets) - window,
        )
        .exclude(state=S.CLOSED)
        .order_by("-filed_at", "-pk")
        .values_list("pk", "category", "holder_region_id", "filed_at", "title", "text")[: 300 * len(tickets)]
    )
    by_kind: dict[tuple[str, int], list[tuple[int, Any, set[str]]]] = defaultdict(list)
    for pk, category, holder_region_id, filed_at, title, text in candidates:
        by_kind[(category, holder_region_id)].append((pk, filed_at, _bigrams(title + text)))
    scores: dict[int, list[tuple[int, float]]] = {}
    for ticket in tickets:
        mine = _bigrams(ticket.title + ticket.text)
        same_kind = [
            (pk, theirs)
            for pk, filed_at, theirs in by_kind[(ticket.category, ticket.holder_region_id)]
            if pk != ticket.pk and filed_at >= ticket.filed_at - window
        ][:300]
        scored = []
        for pk, theirs in same_kind:
            if mine and theirs:
                similarity = len(mine & theirs) / len(mine | theirs)
                if similarity >= threshold:
                    scored.append((pk, round(similarity, 2)))
        scores[ticket.pk] = sorted(scored, key=lambda pair: -pair[1])[:limit]
    wanted = {pk for found in scores.values() for pk, _score in found}
    # Always this one query, matches or not (0 is no request's id): a page costs the same with or without them.
    loaded = Ticket.objects.select_related("enterprise", "common_issue").in_bulk(list(wanted) or [0])
    return {ticket_pk: [(loaded[pk], score) for pk, score in found] for ticket_pk, found in scores.items()}
