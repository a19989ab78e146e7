"""EP-9 on the shared workflow mechanism: the incident (shutdowns linked to it are the emergency app's, EM-4).

Incident (001#annex2-三.7): reported → observation → retest → confirmed | cleared;
confirmed → contacts_isolated → disinfected → closed; cleared → (quiet period over) → closed ("return to
post", the contacts return with the person). The enterprise reports; the epidemic task force of the region
does everything after that.
"""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sibao.accounts.models import User
from sibao.core.permissions import region_in_scope
from sibao.core.roles import Capability, Role, has_capability
from sibao.core.workflow import Transition, Workflow
from sibao.incidents.models import IncidentState

S = IncidentState


def is_task_force(actor: User, enterprise: Any) -> bool:
    return bool(
        has_capability(actor, Capability.EPIDEMIC_MANAGE)
        and getattr(actor, "role", None) != Role.ENTERPRISE
        and region_in_scope(actor, enterprise.region)
    )


def _task_force(actor: User, obj: Any) -> str | None:
    return None if is_task_force(actor, obj.enterprise) else _("Only the epidemic task force of the area may do this.")


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
