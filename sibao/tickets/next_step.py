"""Who must act next on a request, and what they must do (issue 9 #8, RQ-2…RQ-5).

"Held by" named the department even after it had answered, while the next move was the enterprise's
(rate), supervision's (verify) or the HQ office's (close). Each state has one expected next action; its
actor follows from the workflow's guards (``tickets.workflows``).
"""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from sibao.core.roles import Role
from sibao.tickets.models import Ticket, TicketState
from sibao.tickets.workflows import TICKET

S = TicketState

# The move each state waits for (the other transitions — return, escalate, ask, reopen — are exceptions).
EXPECTED_ACTION: dict[str, str] = {
    S.SUBMITTED: "assign",
    S.ASSIGNED: "respond",
    S.IN_PROGRESS: "answer",
    S.WAITING: "provide_info",
    S.LINKED: "answer_common",
    S.ANSWERED: "rate",
    S.RATED: "verify",
    S.VERIFIED: "close",
}


class Party:
    HQ_OFFICE = "hq_office"
    UNIT = "unit"
    ENTERPRISE = "enterprise"
    POLICY_DEPARTMENT = "policy_department"
    SUPERVISION = "supervision"


@dataclass(frozen=True)
class NextStep:
    party: str  # a ``Party`` value, for styling and tests
    who: str  # in words: "通许县恒达机械制造有限公司（企业）", "通许县科工局" …
    action: str  # the expected transition's label: "Rate the answer" …


def _hq(ticket: Ticket) -> str:
    return _("HQ office of %(region)s") % {"region": ticket.holder_region.name}


def next_step(ticket: Ticket, viewer: Any = None) -> NextStep | None:
    """The next move on ``ticket`` and who makes it; None once it is closed.

    Reads ``holder_region``, ``unit``, ``enterprise`` and ``common_issue.unit``: lists select them."""
    action = EXPECTED_ACTION.get(ticket.state)
    if action is None:
        return None
    label = str(TICKET.transition(action).label)
    state = ticket.state
    if state == S.SUBMITTED or (state in (S.ASSIGNED, S.IN_PROGRESS) and ticket.unit is None):
        return NextStep(Party.HQ_OFFICE, _hq(ticket), label)
    if state in (S.ASSIGNED, S.IN_PROGRESS):
        assert ticket.unit is not None
        return NextStep(Party.UNIT, ticket.unit.name, label)
    if state in (S.WAITING, S.ANSWERED):
        if getattr(viewer, "role", None) == Role.ENTERPRISE and viewer.enterprise_id == ticket.enterprise_id:
            who = _("Your enterprise")
        else:
            who = _("%(name)s (the enterprise)") % {"name": ticket.enterprise.name}
        return NextStep(Party.ENTERPRISE, who, label)
    if state == S.LINKED:
        issue = ticket.common_issue
        if issue is not None:
            return NextStep(Party.POLICY_DEPARTMENT, issue.unit.name, label)
        return NextStep(Party.HQ_OFFICE, _hq(ticket), label)
    supervision = _("Supervision task force of %(region)s") % {"region": ticket.holder_region.name}
    if state == S.RATED:
        return NextStep(Party.SUPERVISION, supervision, label)
    # VERIFIED: supervision or the holding HQ office closes it (销号).
    return NextStep(
        Party.SUPERVISION, _("%(supervision)s or %(hq)s") % {"supervision": supervision, "hq": _hq(ticket)}, label
    )
