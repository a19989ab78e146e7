"""EM-4 / EM-5 as whitelist benefits (WL-9): no shutdown or limit without both HQs' approval, no inspection
outside epidemic control, work safety and customs without the HQ's approval."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sibao.core.benefits import Benefit
from sibao.emergency.models import Inspection, InspectionState
from sibao.emergency.selectors import shutdown_in_force
from sibao.enterprises.models import Enterprise


def _shutdown(enterprise: Enterprise) -> str:
    shutdown = shutdown_in_force(enterprise)
    if shutdown is None:
        return _("No shutdown in force")
    return _("Approved shutdown until %(day)s") % {"day": shutdown.date_to.strftime("%m-%d")}


def _inspections(enterprise: Enterprise) -> str:
    count = Inspection.objects.filter(
        enterprise=enterprise, state=InspectionState.APPROVED, planned_on__gte=timezone.localdate()
    ).count()
    return _("Approved inspections to come: %(count)d") % {"count": count}


NO_SHUTDOWN = Benefit(
    key="emergency.no_shutdown",
    label=gettext_lazy("No shutdown or limit without approval"),
    basis="000#七.3, 001#六.3, 003#四.4",
    explain=gettext_lazy(
        "No one may shut or limit the enterprise's production at will: a shutdown needs the approval of both "
        "HQs, lasts at most the days the region sets, and is followed until production resumes."
    ),
    order=40,
    state=_shutdown,
)
INSPECTIONS = Benefit(
    key="emergency.inspections",
    label=gettext_lazy("Inspections only with approval"),
    basis="000#七.3, 001#7",
    explain=gettext_lazy(
        "Inspections other than epidemic control, work safety and entry-exit quarantine need the HQ's approval; "
        "the enterprise sees the approved ones in advance and reports any other."
    ),
    order=50,
    state=_inspections,
    url_name="emergency:my_inspections",
)
