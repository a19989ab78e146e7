"""EP-6 handling of a sentinel warning on the shared workflow mechanism: open → handling → closed.

Who may act:
- take: anyone with WARNING_HANDLE who can see the warning (the enterprise itself, the township, the
  epidemic task force of the area) becomes its owner;
- close: the owner; an open warning also by anyone who may take it; the epidemic task force (or the
  administrator) of the area in any case. A note saying what was done is required;
- reassign: the owner, or the HQ office / epidemic task force of the area, to another user who may handle
  warnings and can see this one.

The platform itself closes warnings whose signal went away (``services.warning_lift``, action "lift").
Invariant kept by the transitions: an open warning has no owner, a warning being handled has one.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sibao.accounts.models import User
from sibao.core.roles import Capability, Role, has_capability
from sibao.core.workflow import Transition, Workflow
from sibao.sentinel.models import SentinelWarning, WarningStatus

S = WarningStatus
WORKFLOW_NAME = "sentinel.warning"
SUPERVISING_ROLES = frozenset({Role.EPIDEMIC, Role.ADMINISTRATOR})
REASSIGNING_ROLES = frozenset({Role.HQ_OFFICE, Role.EPIDEMIC, Role.ADMINISTRATOR})


def sees(actor: User, warning: SentinelWarning) -> bool:
    return SentinelWarning.objects.visible_to(actor).filter(pk=warning.pk).exists()


def may_handle(actor: User, warning: SentinelWarning) -> bool:
    return has_capability(actor, Capability.WARNING_HANDLE) and sees(actor, warning)


def _is_supervising(actor: User, warning: SentinelWarning) -> bool:
    role = Role.ADMINISTRATOR if getattr(actor, "is_superuser", False) else getattr(actor, "role", None)
    return role in SUPERVISING_ROLES and sees(actor, warning)


def _take(actor: User, warning: SentinelWarning) -> str | None:
    if not may_handle(actor, warning):
        return _("Only the enterprise, the township or the epidemic task force of the area may handle warnings.")
    return None


def _close(actor: User, warning: SentinelWarning) -> str | None:
    if not may_handle(actor, warning):
        return _("Only the enterprise, the township or the epidemic task force of the area may handle warnings.")
    if warning.status == S.HANDLING and warning.owner_id != actor.pk and not _is_supervising(actor, warning):
        return _("Only the person handling this warning or the epidemic task force may close it.")
    return None


def _reassign(actor: User, warning: SentinelWarning) -> str | None:
    if warning.owner_id is not None and warning.owner_id == getattr(actor, "pk", None):
        return None
    role = Role.ADMINISTRATOR if getattr(actor, "is_superuser", False) else getattr(actor, "role", None)
    if role in REASSIGNING_ROLES and sees(actor, warning):
        return None
    return _("Only the person handling this warning, the HQ office or the epidemic task force may reassign it.")


def _platform_only(actor: User, warning: SentinelWarning) -> str | None:
    return _("Only the platform closes a warning whose signal went away.")


OPEN_STATES = frozenset({S.OPEN, S.HANDLING})

WARNING = Workflow(
    WORKFLOW_NAME,
    WarningStatus,
    [
        Transition("take", frozenset({S.OPEN}), S.HANDLING, gettext_lazy("Take it"), _take),
        Transition("close", OPEN_STATES, S.CLOSED, gettext_lazy("Close with a note"), _close, needs_reason=True),
        Transition("reassign", OPEN_STATES, S.HANDLING, gettext_lazy("Hand over to someone else"), _reassign),
        # Recorded by the platform only (services.warning_lift), never offered as a button.
        Transition("lift", OPEN_STATES, S.CLOSED, gettext_lazy("Closed: the signal went away"), _platform_only),
    ],
    state_field="status",
)

PERSON_ACTIONS = ("take", "close", "reassign")
