from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sibao.core.demo import DemoData
from sibao.core.navigation import NavGroup, NavItem
from sibao.core.roles import Capability


class IncidentsConfig(AppConfig):
    name = "sibao.incidents"
    label = "incidents"
    verbose_name = _("Incidents")
    demo_data = DemoData(
        order=110,
        loader="sibao.incidents.demo.load_demo_incidents",
        summary=_(
            "Demo incidents: {closed} closed, {open} under observation, {overdue} re-test overdue, "
            "{confirmed} confirmed positive, {contacts} close contacts, "
            "{shutdown_requests} shutdown requests"
        ),
    )
    audited_models: dict[str, list[str]] = {
        "Incident": [],
        "IncidentContact": ["id_digest"],
    }
    periodic_jobs = ["sibao.incidents.tasks.schedule_retest_deadline_sweep"]
    navigation = [
        NavItem(
            _("Incidents"),
            "incidents:index",
            Capability.EPIDEMIC_VIEW,
            "exclamation-octagon",
            group=NavGroup.EPIDEMIC,
            order=70,
        ),
    ]
    # DB-3 on the command screen (``core.panels``).
    screen_measures = ["sibao.incidents.screen.MEASURE"]
    screen_panels = ["sibao.incidents.screen.INCIDENTS"]
