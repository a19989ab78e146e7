from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sibao.core.demo import DemoData
from sibao.core.navigation import NavGroup, NavItem
from sibao.core.roles import Capability
from sibao.core.summaries import Summary


class ReadinessConfig(AppConfig):
    name = "sibao.readiness"
    label = "readiness"
    verbose_name = _("Supplies and readiness")
    demo_data = DemoData(
        order=100,
        loader="sibao.readiness.demo.load_demo_readiness",
        summary=_(
            "Demo readiness: {enterprises} enterprises, {stock_reports} stock reports, {drills} drills, "
            "{short} short of supplies"
        ),
    )
    audited_models: dict[str, list[str]] = {
        "SupplyStock": [],
        "SupplyReport": [],
        "Readiness": [],
        "Drill": [],
    }
    periodic_jobs = ["sibao.readiness.tasks.schedule_supplies_recheck"]
    navigation = [
        NavItem(
            _("Supplies and readiness"),
            "readiness:index",
            Capability.EPIDEMIC_VIEW,
            "shield-check",
            group=NavGroup.EPIDEMIC,
            order=80,
        ),
    ]
    # DB-3 on the command screen (``core.panels``).
    screen_measures = ["sibao.readiness.screen.MEASURE"]
    screen_panels = ["sibao.readiness.screen.READINESS"]
    # Issue 10: the ranking and shortfall lists read this summary (``readiness.summaries``).
    summaries = [Summary("readiness.enterprises", "sibao.readiness.summaries.refresh", every_minutes=10)]
