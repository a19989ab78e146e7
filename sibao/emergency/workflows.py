"""EM-2, EM-4 and EM-5 on the shared workflow mechanism (``core.workflow``).

Emergency: active (switched in at once) or announced (effective later) → active when its time comes (the
periodic sweep); active → ended (switched back), announced → called off. The HQ office of the region or of a
region above it switches; the set-based moves of the enterprises run inside the transition.

Shutdown: proposed → (each HQ office approves through its own office, in either order) → approved → reopened;
either office may refuse with a reason while it waits; the proposer's side may withdraw it. The two approvals
are two transitions each ("first" and "last"), so a shutdown is approved — and takes effect — only when the
second office approves. Nobody else can approve: not the administrator, not a single office twice.

Inspection: recorded (epidemic, work safety, customs: no approval) or pending → approved | refused | lapsed
(not approved before its date); approved or recorded → done; the planner may cancel before.
"""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sibao.core.permissions import region_in_scope
from sibao.core.roles import Capability, Role, has_capability
from sibao.core.workflow import Transition, Workflow
from sibao.emergency.models import EmergencyStatus, InspectionState, ShutdownState

E = EmergencyStatus
D = ShutdownState
I = InspectionState  # noqa: E741


def is_switcher(actor: Any, region: Any) -> bool:
    """EM-2: the HQ office of the region or of a region above it (an HQ office, not the administrator: switching
    is a government decision, not configuration)."""
    return bool(
        getattr(actor, "role", None) == Role.HQ_OFFICE
        and has_capability(actor, Capability.EMERGENCY_SWITCH)
        and region_in_scope(actor, region)
    )


def _switcher(actor: Any, obj: Any) -> str | None:
    return None if is_switcher(actor, obj.region) else _("Only the HQ office of the region may switch its state.")


def system_only(actor: Any, obj: Any) -> str | None:
    """Transitions the periodic sweep makes (no person acts)."""
    return None if actor is None else _("This happens by itself when its time comes.")


EMERGENCY = Workflow(
    "emergency.emergency",
    EmergencyStatus,
    [
        Transition(
            "activate",
            frozenset({E.ANNOUNCED}),
            E.ACTIVE,
            gettext_lazy("The announced emergency takes effect"),
            system_only,
        ),
        Transition(
            "switch_back", frozenset({E.ACTIVE}), E.ENDED, gettext_lazy("Switch back to normal"), _switcher, True
        ),
        Transition(
            "call_off",
            frozenset({E.ANNOUNCED}),
            E.CANCELLED,
            gettext_lazy("Call off the announced emergency"),
            _switcher,
            True,
        ),
    ],
    state_field="status",
)


def is_economic_office(actor: Any, enterprise: Any) -> bool:
    """The HQ office (常态化疫情防控下经济运行调度机制指挥部办公室) of a region containing the enterprise."""
    return bool(
        getattr(actor, "role", None) == Role.HQ_OFFICE
        and has_capability(actor, Capability.SHUTDOWN_DECIDE)
        and region_in_scope(actor, enterprise.region)
    )


def is_epidemic_office(actor: Any, enterprise: Any) -> bool:
    """The epidemic HQ office (疫情防控指挥部办公室) of a region containing the enterprise."""
    return bool(
        getattr(actor, "role", None) == Role.EPIDEMIC_HQ_OFFICE
        and has_capability(actor, Capability.SHUTDOWN_DECIDE)
        and region_in_scope(actor, enterprise.region)
    )


def office_of(actor: Any, enterprise: Any) -> str:
    """ "economic", "epidemic" or "" — which HQ office the actor decides for."""
    if is_economic_office(actor, enterprise):
        return "economic"
    if is_epidemic_office(actor, enterprise):
        return "epidemic"
    return ""


def is_proposer_side(actor: Any, enterprise: Any) -> bool:
    """A township or department (the epidemic task force included) whose area holds the enterprise."""
    return bool(
        getattr(actor, "role", None) != Role.ENTERPRISE
        and has_capability(actor, Capability.SHUTDOWN_PROPOSE)
        and region_in_scope(actor, enterprise.region)
    )


def _economic(actor: Any, obj: Any) -> str | None:
    return None if is_economic_office(actor, obj.enterprise) else _("Only the HQ office of the area decides here.")


def _epidemic(actor: Any, obj: Any) -> str | None:
    if is_epidemic_office(actor, obj.enterprise):
        return None
    return _("Only the epidemic HQ office of the area decides here.")


def _proposer_side(actor: Any, obj: Any) -> str | None:
    if is_proposer_side(actor, obj.enterprise):
        return None
    return _("Only a township or department of the area may withdraw the proposal.")


def _reopen(actor: Any, obj: Any) -> str | None:
    own = getattr(actor, "role", None) == Role.ENTERPRISE and getattr(actor, "enterprise_id", None) == obj.enterprise_id
    if own or is_proposer_side(actor, obj.enterprise) or office_of(actor, obj.enterprise):
        return None
    return _("Only the enterprise, the township or department, or an HQ office of the area may record the reopening.")


SHUTDOWN = Workflow(
    "emergency.shutdown",
    ShutdownState,
    [
        Transition(
            "approve_economic",
            frozenset({D.PROPOSED}),
            D.ECONOMIC_APPROVED,
            gettext_lazy("Approve for the HQ office"),
            _economic,
        ),
        Transition(
            "approve_economic_last",
            frozenset({D.EPIDEMIC_APPROVED}),
            D.APPROVED,
            gettext_lazy("Approve for the HQ office (the shutdown takes effect)"),
            _economic,
        ),
        Transition(
            "approve_epidemic",
            frozenset({D.PROPOSED}),
            D.EPIDEMIC_APPROVED,
            gettext_lazy("Approve for the epidemic HQ office"),
            _epidemic,
        ),
        Transition(
            "approve_epidemic_last",
            frozenset({D.ECONOMIC_APPROVED}),
            D.APPROVED,
            gettext_lazy("Approve for the epidemic HQ office (the shutdown takes effect)"),
            _epidemic,
        ),
        Transition(
            "refuse_economic",
            frozenset({D.PROPOSED, D.EPIDEMIC_APPROVED}),
            D.REFUSED,
            gettext_lazy("Refuse for the HQ office"),
            _economic,
            True,
        ),
        Transition(
            "refuse_epidemic",
            frozenset({D.PROPOSED, D.ECONOMIC_APPROVED}),
            D.REFUSED,
            gettext_lazy("Refuse for the epidemic HQ office"),
            _epidemic,
            True,
        ),
        Transition(
            "withdraw",
            frozenset({D.PROPOSED, D.ECONOMIC_APPROVED, D.EPIDEMIC_APPROVED}),
            D.WITHDRAWN,
            gettext_lazy("Withdraw the proposal"),
            _proposer_side,
            True,
        ),
        Transition("reopen", frozenset({D.APPROVED}), D.REOPENED, gettext_lazy("Production resumed"), _reopen),
    ],
)


def is_inspection_office(actor: Any, enterprise: Any) -> bool:
    """EM-5 (001#7): the HQ office (economic HQ) of a region containing the enterprise approves."""
    return bool(
        getattr(actor, "role", None) == Role.HQ_OFFICE
        and has_capability(actor, Capability.INSPECTION_DECIDE)
        and region_in_scope(actor, enterprise.region)
    )


def is_planner(actor: Any, enterprise: Any) -> bool:
    return bool(
        getattr(actor, "role", None) != Role.ENTERPRISE
        and has_capability(actor, Capability.INSPECTION_PLAN)
        and region_in_scope(actor, enterprise.region)
    )


def _inspection_office(actor: Any, obj: Any) -> str | None:
    if not is_inspection_office(actor, obj.enterprise):
        return _("Only the HQ office of the area approves inspections.")
    return None


def _approve_before_the_date(actor: Any, obj: Any) -> str | None:
    refusal = _inspection_office(actor, obj)
    if refusal:
        return refusal
    if obj.planned_on < timezone.localdate():
        return _("The planned date has passed: an inspection is approved before its date.")
    return None


def _planner(actor: Any, obj: Any) -> str | None:
    return None if is_planner(actor, obj.enterprise) else _("Only a township or department of the area may do this.")


INSPECTION = Workflow(
    "emergency.inspection",
    InspectionState,
    [
        Transition(
            "approve",
            frozenset({I.PENDING}),
            I.APPROVED,
            gettext_lazy("Approve the inspection"),
            _approve_before_the_date,
        ),
        Transition(
            "refuse", frozenset({I.PENDING}), I.REFUSED, gettext_lazy("Refuse the inspection"), _inspection_office, True
        ),
        Transition(
            "carry_out",
            frozenset({I.RECORDED, I.APPROVED}),
            I.DONE,
            gettext_lazy("Record it as carried out"),
            _planner,
        ),
        Transition(
            "cancel",
            frozenset({I.RECORDED, I.PENDING, I.APPROVED}),
            I.CANCELLED,
            gettext_lazy("Cancel the inspection"),
            _planner,
        ),
        Transition("lapse", frozenset({I.PENDING}), I.LAPSED, gettext_lazy("Lapsed without approval"), system_only),
    ],
)
