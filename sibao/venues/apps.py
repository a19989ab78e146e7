from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VenuesConfig(AppConfig):
    name = "sibao.venues"
    label = "venues"
    verbose_name = _("Venue codes and tracing")
    # Scans are not audited: a bulk table written by imports (the ScanImport row records each file).
    audited_models: dict[str, list[str]] = {
        "Venue": [],
        "VenueDeclaration": [],
        "ScanImport": ["content", "sha256", "progress"],
        "TraceLog": ["id_digest"],
    }
