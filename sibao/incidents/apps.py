from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "sibao.incidents"
    label = "incidents"
    verbose_name = _("Incidents")
    audited_models: dict[str, list[str]] = {
        "Incident": [],
        "IncidentContact": ["id_digest"],
        "ShutdownRequest": [],
    }
    periodic_jobs = ["sibao.incidents.tasks.schedule_retest_deadline_sweep"]
