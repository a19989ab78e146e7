"""Requests on the "待我处理" workbench (issue 11 #4): the HQ office's assignment queue (RQ-2) and the requests
whose next move is the user's (``selectors.awaiting_q``) — answer (RQ-4), rate or reply (RQ-5), verify and close
(RQ-5). Each counts the rows of the list it links to."""

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sibao.accounts.models import User
from sibao.core.roles import Capability, Role, has_capability
from sibao.core.workbench import WorkItem
from sibao.tickets.selectors import TicketFilters, tickets_for, triage_queue


def _waiting(user: User) -> QuerySet[Any]:
    return tickets_for(user, TicketFilters(waiting=True))


def _waiting_url(user: User) -> str:
    return f"{reverse('tickets:list')}?waiting=on"


def _role(*roles: str) -> Any:
    return lambda user: getattr(user, "role", None) in roles and has_capability(user, Capability.TICKET_VIEW)


TO_ASSIGN = WorkItem(
    key="tickets.to_assign",
    label=_("Requests to assign"),
    order=20,
    applies=lambda user: has_capability(user, Capability.TICKET_TRIAGE),
    rows=triage_queue,
    url=lambda user: reverse("tickets:triage"),
    icon="signpost-split",
)

TO_ANSWER = WorkItem(
    key="tickets.to_answer",
    label=_("Requests to answer"),
    order=21,
    applies=lambda user: (
        getattr(user, "unit_id", None) is not None
        and getattr(user, "role", None) in (Role.SECTOR_DEPARTMENT, Role.TOWNSHIP, Role.EPIDEMIC)
    ),
    rows=_waiting,
    url=_waiting_url,
    icon="reply",
)

TO_RATE = WorkItem(
    key="tickets.to_rate",
    label=_("Answers to rate and questions to reply to"),
    order=22,
    applies=_role(Role.ENTERPRISE),
    rows=_waiting,
    url=_waiting_url,
    icon="star",
)

TO_VERIFY = WorkItem(
    key="tickets.to_verify",
    label=_("Requests to verify or close"),
    order=23,
    applies=_role(Role.SUPERVISION, Role.HQ_OFFICE),
    rows=_waiting,
    url=_waiting_url,
    icon="check2-square",
)
