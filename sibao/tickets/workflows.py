"""The request's closed loop on the shared workflow mechanism (RQ-2…RQ-5).

Who may act: the HQ office of the level that holds the request (``holder_region``), the unit that holds
it (users of that unit), the enterprise that filed it, and supervision of the region.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sibao.accounts.models import User
from sibao.core.roles import Role
from sibao.core.workflow import Transition, Workflow
from sibao.tickets.models import Ticket, TicketState

S = TicketState


def is_holding_hq(actor: User, ticket: Ticket) -> bool:
    return getattr(actor, "role", None) == Role.HQ_OFFICE and actor.region_id == ticket.holder_region_id


def is_holding_unit(actor: User, ticket: Ticket) -> bool:
    return bool(ticket.unit_id) and getattr(actor, "unit_id", None) == ticket.unit_id and actor.role != Role.ENTERPRISE


def is_filer(actor: User, ticket: Ticket) -> bool:
    return getattr(actor, "role", None) == Role.ENTERPRISE and actor.enterprise_id == ticket.enterprise_id


def is_supervision(actor: User, ticket: Ticket) -> bool:
    return (
        getattr(actor, "role", None) == Role.SUPERVISION
        and actor.region is not None
        and actor.region.contains(ticket.enterprise.region)
    )


def _hq(actor: User, ticket: Ticket) -> str | None:
    return None if is_holding_hq(actor, ticket) else _("Only the HQ office holding the request may do this.")


def _unit(actor: User, ticket: Ticket) -> str | None:
    return None if is_holding_unit(actor, ticket) else _("Only the unit responsible for the request may do this.")


def _unit_or_hq(actor: User, ticket: Ticket) -> str | None:
    if is_holding_unit(actor, ticket) or (is_holding_hq(actor, ticket) and ticket.unit_id is None):
        return None
    if is_holding_hq(actor, ticket):
        return None  # the HQ office may also escalate what one of its units holds
    return _("Only the unit responsible for the request or its HQ office may do this.")


def _enterprise(actor: User, ticket: Ticket) -> str | None:
    return None if is_filer(actor, ticket) else _("Only the enterprise that filed the request may do this.")


def _supervision(actor: User, ticket: Ticket) -> str | None:
    return None if is_supervision(actor, ticket) else _("Only the supervision task force may do this.")


def _common_answerer(actor: User, ticket: Ticket) -> str | None:
    issue = ticket.common_issue
    if issue is not None and (
        getattr(actor, "unit_id", None) == issue.unit_id
        or (getattr(actor, "role", None) == Role.HQ_OFFICE and actor.region_id == issue.region_id)
    ):
        return None
    return _("Only the policy department or the HQ office may answer.")


def _closer(actor: User, ticket: Ticket) -> str | None:
    if is_supervision(actor, ticket) or is_holding_hq(actor, ticket):
        return None
    return _("Only supervision or the HQ office may close a request.")


OPEN_TO_UNIT = frozenset({S.ASSIGNED, S.IN_PROGRESS})

TICKET = Workflow(
    "tickets.ticket",
    TicketState,
    [
        Transition("assign", frozenset({S.SUBMITTED}), S.ASSIGNED, gettext_lazy("Assign"), _hq),
        Transition("respond", frozenset({S.ASSIGNED}), S.IN_PROGRESS, gettext_lazy("Accept and respond"), _unit),
        Transition(
            "return_to_hq", OPEN_TO_UNIT, S.SUBMITTED, gettext_lazy("Return: not ours"), _unit, needs_reason=True
        ),
        Transition(
            "escalate",
            frozenset({S.SUBMITTED, S.ASSIGNED, S.IN_PROGRESS}),
            S.SUBMITTED,
            gettext_lazy("Escalate"),
            _unit_or_hq,
            needs_reason=True,
        ),
        Transition(
            "request_info",
            OPEN_TO_UNIT,
            S.WAITING,
            gettext_lazy("Ask the enterprise for information"),
            _unit,
            needs_reason=True,
        ),
        Transition(
            "provide_info", frozenset({S.WAITING}), S.IN_PROGRESS, gettext_lazy("Send the information"), _enterprise
        ),
        Transition(
            "link",
            frozenset({S.SUBMITTED, S.ASSIGNED, S.IN_PROGRESS}),
            S.LINKED,
            gettext_lazy("Link to a common issue"),
            _hq,
        ),
        Transition("answer", OPEN_TO_UNIT, S.ANSWERED, gettext_lazy("Answer"), _unit),
        Transition(
            "answer_common",
            frozenset({S.LINKED}),
            S.ANSWERED,
            gettext_lazy("Answer with the common issue"),
            _common_answerer,
        ),
        Transition("rate", frozenset({S.ANSWERED}), S.RATED, gettext_lazy("Rate the answer"), _enterprise),
        Transition(
            "reopen", frozenset({S.ANSWERED}), S.IN_PROGRESS, gettext_lazy("Not satisfied: reopen"), _enterprise
        ),
        Transition(
            "verify", frozenset({S.RATED}), S.VERIFIED, gettext_lazy("Record follow-up and verification"), _supervision
        ),
        Transition("close", frozenset({S.VERIFIED}), S.CLOSED, gettext_lazy("Close the request"), _closer),
    ],
)
