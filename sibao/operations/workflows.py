"""A missing-report warning on the shared workflow mechanism: open → closed.

- close: an official who may file reports for the enterprise (township, sector department, HQ office of its
  area) closes it with a note saying what was done — e.g. the firm was reached by phone and is on holiday;
- lift: the platform closes it when the report arrives (late), never offered as a button.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sibao.accounts.models import User
from sibao.core.roles import Capability, Role, has_capability
from sibao.core.workflow import Transition, Workflow
from sibao.operations.models import OperatingWarning, OperatingWarningStatus

S = OperatingWarningStatus
WORKFLOW_NAME = "operations.warning"


def may_close(actor: User, warning: OperatingWarning) -> bool:
    return (
        getattr(actor, "role", None) != Role.ENTERPRISE
        and has_capability(actor, Capability.OPERATIONS_REPORT)
        and OperatingWarning.objects.visible_to(actor).filter(pk=warning.pk).exists()
    )


def _close(actor: User, warning: OperatingWarning) -> str | None:
    if may_close(actor, warning):
        return None
    return _("Only the township, the sector department or the HQ office of the area may close this warning.")


def _platform_only(actor: User, warning: OperatingWarning) -> str | None:
    return _("Only the platform closes a warning when the report arrives.")


WARNING = Workflow(
    WORKFLOW_NAME,
    OperatingWarningStatus,
    [
        Transition(
            "close", frozenset({S.OPEN}), S.CLOSED, gettext_lazy("Close with a note"), _close, needs_reason=True
        ),
        Transition("lift", frozenset({S.OPEN}), S.CLOSED, gettext_lazy("Closed: the report arrived"), _platform_only),
    ],
    state_field="status",
)
