from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SentinelConfig(AppConfig):
    name = "sibao.sentinel"
    label = "sentinel"
    verbose_name = _("Sentinel warnings")
    audited_models: dict[str, list[str]] = {
        "SentinelWarning": [],
        "PharmacyImport": [],
        "PharmacyPurchase": ["id_digest"],
    }
    periodic_jobs = ["sibao.sentinel.tasks.schedule_sentinel_sweeps"]
    import_kinds = ["sibao.sentinel.imports.PHARMACY_IMPORT"]
