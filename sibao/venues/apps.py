from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sibao.core.demo import DemoData
from sibao.core.navigation import NavGroup, NavItem
from sibao.core.personal_data import PersonalTable
from sibao.core.roles import Capability


class VenuesConfig(AppConfig):
    name = "sibao.venues"
    label = "venues"
    verbose_name = _("Venue codes and tracing")
    demo_data = DemoData(
        order=80,
        loader="sibao.venues.demo.load_demo_venues",
        summary=_("Demo venue codes: {enterprises} enterprises, {venues} venue codes added, {scans} scans"),
    )
    # Scans are not audited: a bulk table written by imports (the ScanImport row records each file).
    audited_models: dict[str, list[str]] = {
        "Venue": [],
        "VenueDeclaration": [],
        "ScanImport": ["upload", "sha256", "progress", "attempts", "queued_at", "started_at"],
        "TraceLog": ["id_digest"],
    }
    # Issue 8 #2: scan files interrupted by a killed worker are run again.
    periodic_jobs = ["sibao.venues.tasks.schedule_import_recovery"]
    navigation = [
        NavItem(
            _("Venue codes and tracing"),
            "venues:index",
            Capability.EPIDEMIC_VIEW,
            "qr-code-scan",
            group=NavGroup.EPIDEMIC,
            order=60,
        ),
    ]
    # Issue 15 #2: scans are purged when their retention is over (sibao.retention).
    personal_tables = [
        PersonalTable(
            "venues.scan",
            "venues.Scan",
            time_field="scanned_at",
            region_field="venue__enterprise__region",
            parameter="retention.venue_scans_days",
            label=_("Venue scans"),
            partitioned_by="scanned_at",
        ),
    ]
