from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "sibao.health"
    label = "health"
    verbose_name = _("Health monitoring")
    audited_models: dict[str, list[str]] = {}
