from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sibao.core.demo import DemoData
from sibao.core.navigation import NavGroup, NavItem
from sibao.core.roles import Capability
from sibao.core.summaries import Summary


class OperationsConfig(AppConfig):
    name = "sibao.operations"
    label = "operations"
    verbose_name = _("Daily operating reports")
    demo_data = DemoData(
        order=65,
        loader="sibao.operations.demo.load_demo_operations",
        summary=_(
            "Demo operating reports: {reports} reports over {days} days, {missing} firms still missing today, "
            "{warnings} warnings of missing days"
        ),
    )
    audited_models: dict[str, list[str]] = {"OperatingReport": [], "OperatingWarning": []}
    periodic_jobs = ["sibao.operations.tasks.schedule_missing_report_sweep"]
    import_kinds = ["sibao.operations.imports.OPERATING_REPORT_IMPORT"]
    # A figure on the screen is at most two minutes plus one refresh pass old ("数据更新于 …").
    summaries = [Summary("operations.by_region", "sibao.operations.summaries.refresh", every_minutes=2)]
    screen_panels = ["sibao.operations.screen.OPERATIONS"]
    screen_indicators = ["sibao.operations.screen.NOT_NORMAL_SHARE"]
    work_items = ["sibao.operations.workbench.NOT_REPORTED_TODAY", "sibao.operations.workbench.WARNINGS_OPEN"]
    navigation = [
        NavItem(
            _("Daily operating reports"),
            "operations:index",
            Capability.OPERATIONS_VIEW,
            "clipboard-data",
            group=NavGroup.ENTERPRISES,
            order=30,
        ),
    ]
