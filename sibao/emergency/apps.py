from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sibao.core.demo import DemoData
from sibao.core.navigation import NavGroup, NavItem
from sibao.core.roles import Capability


class EmergencyConfig(AppConfig):
    name = "sibao.emergency"
    label = "emergency"
    verbose_name = _("Emergency state")
    # WL-9: what a listing grants, shown on the listing (sibao.core.benefits).
    listing_benefits = ["sibao.emergency.benefits.NO_SHUTDOWN", "sibao.emergency.benefits.INSPECTIONS"]
    demo_data = DemoData(
        order=120,
        loader="sibao.emergency.demo.load_demo_emergency",
        summary=_(
            "Demo emergency: {users} officials of the epidemic HQ offices, {shutdowns} shutdowns waiting, "
            "{inspections} planned inspections"
        ),
    )
    # One audit entry per switch (the Emergency row carries its counts); the set-based moves of the
    # enterprises are kept in EmergencyHold, not as one audit entry per enterprise.
    audited_models: dict[str, list[str]] = {
        "Emergency": [],
        "EmergencyArea": [],
        "Shutdown": [],
        "Inspection": [],
    }
    periodic_jobs = ["sibao.emergency.tasks.schedule_emergency_sweep"]
    # Parameters read the regions in emergency from here (sibao.parameters.selectors.emergency_paths).
    region_state_source = "sibao.emergency.selectors.emergency_paths_now"
    screen_panels = ["sibao.emergency.screen.EMERGENCY"]
    # Issue 11 #4: what waits for an HQ office on the "待我处理" workbench.
    work_items = [
        "sibao.emergency.workbench.SHUTDOWNS",
        "sibao.emergency.workbench.INSPECTIONS",
        "sibao.emergency.workbench.HALTS",
    ]
    navigation = [
        NavItem(
            _("Emergency state"),
            "emergency:index",
            Capability.EMERGENCY_VIEW,
            "exclamation-triangle",
            group=NavGroup.EMERGENCY,
            order=10,
        ),
        NavItem(
            _("Shutdowns"),
            "emergency:shutdowns",
            Capability.EMERGENCY_VIEW,
            "sign-stop",
            group=NavGroup.EMERGENCY,
            order=20,
        ),
        NavItem(
            _("Halts without approval"),
            "emergency:unapproved_halts",
            Capability.EMERGENCY_VIEW,
            "exclamation-octagon",
            group=NavGroup.EMERGENCY,
            order=25,
        ),
        NavItem(
            _("Planned inspections"),
            "emergency:inspections",
            Capability.EMERGENCY_VIEW,
            "clipboard2-check",
            group=NavGroup.EMERGENCY,
            order=30,
        ),
        NavItem(
            _("Emergency notices"),
            "emergency:notice",
            Capability.EMERGENCY_CONFIRM,
            "exclamation-triangle",
            group=NavGroup.EMERGENCY,
            order=40,
        ),
        NavItem(
            _("Inspections at the enterprise"),
            "emergency:my_inspections",
            Capability.EMERGENCY_CONFIRM,
            "clipboard2-check",
            group=NavGroup.EMERGENCY,
            order=50,
        ),
    ]
