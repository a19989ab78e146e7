"""EP-9 on the shared workflow mechanism: the incident and the shutdown request linked to it.

Incident (001#annex2-三.7): reported → observation → retest → confirmed | cleared;
confirmed → contacts_isolated → disinfected → closed; cleared → (quiet period over) → closed ("return to
post", the contacts return with the person). The enterprise reports; the epidemic task force of the region
does everything after that.

Shutdown request (EM-4): requested → approved | refused; approved → ended (production resumed). Only the HQ
office of a region that contains the enterprise decides.
"""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sibao.accounts.models import User
from sibao.core.permissions import region_in_scope
from sibao.core.roles import Capability, Role, has_capability
from sibao.core.workflow import Transition, Workflow
from sibao.incidents.models import IncidentState, ShutdownState

S = IncidentState
D = ShutdownState


def is_task_force(actor: User, enterprise: Any) -> bool:
    return bool(
        has_capability(actor, Capability.EPIDEMIC_MANAGE)
        and getattr(actor, "role", None) != Role.ENTERPRISE
        and region_in_scope(actor, enterprise.region)
    )


def is_hq_office(actor: User, enterprise: Any) -> bool:
    return bool(
        getattr(actor, "role", None) == Role.HQ_OFFICE
        and has_capability(actor, Capability.SHUTDOWN_DECIDE)
        and region_in_scope(actor, enterprise.region)
    )


def _task_force(actor: User, obj: Any) -> str | None:
    return None if is_task_force(actor, obj.enterprise) else _("Only the epidemic task force of the area may do this.")


def _hq_office(actor: User, obj: Any) -> str | None:
    if is_hq_office(actor, obj.enterprise):
        return None
    return _("Only the HQ office of the area may decide on a shutdown.")


def _task_force_or_hq(actor: User, obj: Any) -> str | None:
    if is_task_force(actor, obj.enterprise) or is_hq_office(actor, obj.enterprise):
        return None
    return _("Only the epidemic task force or the HQ office of the area may do this.")


INCIDENT = Workflow(
    "incidents.incident",
    IncidentState,
    [
        Transition(
            "observe",
            frozenset({S.REPORTED}),
            S.OBSERVATION,
            gettext_lazy("Move to temporary observation"),
            _task_force,
        ),
        Transition(
            "sample_retest", frozenset({S.OBSERVATION}), S.RETEST, gettext_lazy("Re-test sample taken"), _task_force
        ),
        Transition(
            "confirm", frozenset({S.RETEST}), S.CONFIRMED, gettext_lazy("Re-test positive: confirm"), _task_force
        ),
        Transition("clear", frozenset({S.RETEST}), S.CLEARED, gettext_lazy("Re-test negative: exclude"), _task_force),
        Transition(
            "isolate_contacts",
            frozenset({S.CONFIRMED}),
            S.CONTACTS_ISOLATED,
            gettext_lazy("Confirm the contacts and isolate them"),
            _task_force,
        ),
        Transition(
            "disinfect",
            frozenset({S.CONTACTS_ISOLATED}),
            S.DISINFECTED,
            gettext_lazy("Record the disinfection"),
            _task_force,
        ),
        Transition("close", frozenset({S.DISINFECTED}), S.CLOSED, gettext_lazy("Close the incident"), _task_force),
        Transition(
            "return_to_post",
            frozenset({S.CLEARED}),
            S.CLOSED,
            gettext_lazy("Quiet period over: return to post with the contacts"),
            _task_force,
        ),
    ],
)

SHUTDOWN = Workflow(
    "incidents.shutdown",
    ShutdownState,
    [
        Transition(
            "approve", frozenset({D.REQUESTED}), D.APPROVED, gettext_lazy("Approve the shutdown"), _hq_office, True
        ),
        Transition(
            "refuse", frozenset({D.REQUESTED}), D.REFUSED, gettext_lazy("Refuse the shutdown"), _hq_office, True
        ),
        Transition("end", frozenset({D.APPROVED}), D.ENDED, gettext_lazy("Production resumed"), _task_force_or_hq),
    ],
)
