from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReadinessConfig(AppConfig):
    name = "sibao.readiness"
    label = "readiness"
    verbose_name = _("Supplies and readiness")
    audited_models: dict[str, list[str]] = {
        "SupplyStock": [],
        "SupplyReport": [],
        "Readiness": [],
        "Drill": [],
    }
    periodic_jobs = ["sibao.readiness.tasks.schedule_supplies_recheck"]
