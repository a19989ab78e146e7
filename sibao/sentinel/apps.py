from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sibao.core.demo import DemoData
from sibao.core.navigation import NavGroup, NavItem
from sibao.core.personal_data import PersonalTable
from sibao.core.roles import Capability
from sibao.core.summaries import Summary


class SentinelConfig(AppConfig):
    name = "sibao.sentinel"
    label = "sentinel"
    verbose_name = _("Sentinel warnings")
    demo_data = DemoData(
        order=120,
        loader="sibao.sentinel.demo.load_demo_sentinel",
        summary=_(
            "Demo sentinel warnings: {raised} overdue-test warnings, {purchases} drug purchases, "
            "{drug_warnings} drug-purchase warnings, {closed} closed"
        ),
    )
    audited_models: dict[str, list[str]] = {
        "SentinelWarning": [],
        "PharmacyImport": [],
        "PharmacyPurchase": ["id_digest"],
    }
    periodic_jobs = ["sibao.sentinel.tasks.schedule_sentinel_sweeps"]
    import_kinds = ["sibao.sentinel.imports.PHARMACY_IMPORT"]
    # Issue 10: the warning list's counts and /api/warnings/counts read this (``sentinel.summaries``); they are at
    # most one minute plus one pass old (1–3 s at province scale) and the page and endpoint say when they were built.
    summaries = [Summary("sentinel.counts", "sibao.sentinel.summaries.refresh", every_minutes=1)]
    # Issue 11 #4: what may wait for someone in this domain, on the "待我处理" workbench.
    work_items = ["sibao.sentinel.workbench.TO_TAKE"]
    navigation = [
        NavItem(
            _("Sentinel warnings"),
            "sentinel:index",
            Capability.EPIDEMIC_VIEW,
            "broadcast",
            group=NavGroup.EPIDEMIC,
            order=40,
        ),
    ]
    # DB-3 on the command screen (``core.panels``).
    screen_measures = ["sibao.sentinel.screen.MEASURE"]
    screen_panels = ["sibao.sentinel.screen.WARNINGS"]
    screen_indicators = ["sibao.sentinel.screen.OPEN_WARNINGS"]
    # Issue 15 #2: purchases are purged when their retention is over (sibao.retention).
    personal_tables = [
        PersonalTable(
            "sentinel.pharmacy_purchase",
            "sentinel.PharmacyPurchase",
            time_field="purchased_at",
            region_field="region",
            parameter="retention.pharmacy_purchases_days",
            label=_("Pharmacy purchases"),
        ),
    ]
