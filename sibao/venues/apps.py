from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VenuesConfig(AppConfig):
    name = "sibao.venues"
    label = "venues"
    verbose_name = _("Venue codes and tracing")
    audited_models: dict[str, list[str]] = {}
