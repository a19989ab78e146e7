from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sibao.core.demo import DemoData
from sibao.core.navigation import NavGroup, NavItem
from sibao.core.personal_data import PersonalTable
from sibao.core.roles import Capability


class HealthConfig(AppConfig):
    name = "sibao.health"
    label = "health"
    verbose_name = _("Health monitoring")
    # WL-9: what a listing grants, shown on the listing (sibao.core.benefits).
    listing_benefits = ["sibao.health.benefits.CODE_PROTECTION"]
    demo_data = DemoData(
        order=90,
        loader="sibao.health.demo.load_demo_health",
        summary=_(
            "Demo health monitoring: {risk_areas} risk areas, {reports} daily reports, "
            "{arrivals} arrivals registered, {sightings} unregistered arrivals"
        ),
    )
    audited_models: dict[str, list[str]] = {
        "DailyReport": [],
        "ReportSymptom": [],
        "RiskArea": [],
        "HealthCodeChange": [],
        # The digest is a lookup key derived from the ID number; the masked form is enough in the log.
        "ArrivalRegistration": ["id_digest"],
        "ArrivalSighting": ["id_digest"],
    }
    audit_masked_fields: dict[str, list[str]] = {"ArrivalRegistration": ["phone"]}
    periodic_jobs = ["sibao.health.tasks.schedule_daily_report_sweep"]
    # Issue 11 #4: what may wait for someone in this domain, on the "待我处理" workbench.
    work_items = ["sibao.health.workbench.NOT_REPORTED_TODAY"]
    navigation = [
        NavItem(
            _("Health monitoring"),
            "health:index",
            Capability.EPIDEMIC_VIEW,
            "heart-pulse",
            group=NavGroup.EPIDEMIC,
            order=50,
        ),
    ]
    # Issue 15 #2: person-level event tables, purged when their retention is over (sibao.retention). The
    # enterprise's daily report itself (a count per day, no person) stays.
    personal_tables = [
        PersonalTable(
            "health.code_change",
            "health.HealthCodeChange",
            time_field="changed_at",
            region_field="employee__enterprise__region",
            parameter="retention.health_code_changes_days",
            label=_("Health-code changes"),
        ),
        PersonalTable(
            "health.symptom",
            "health.ReportSymptom",
            time_field="report__filed_at",
            region_field="report__enterprise__region",
            parameter="retention.symptoms_days",
            label=_("Reported symptoms"),
        ),
        PersonalTable(
            "health.arrival_sighting",
            "health.ArrivalSighting",
            time_field="seen_at",
            region_field="enterprise__region",
            parameter="retention.arrival_sightings_days",
            label=_("Gate sightings of arrivals"),
        ),
    ]
