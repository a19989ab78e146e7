from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sibao.core.navigation import NavGroup, NavItem
from sibao.core.roles import Capability
from sibao.core.summaries import Summary


class DashboardConfig(AppConfig):
    """The command screen. It stands above the domain apps (it reads their registered panels, indicators and
    measures) and no domain app imports it."""

    name = "sibao.dashboard"
    label = "dashboard"
    verbose_name = _("Command screen")
    # DB-1…DB-4: every registered measure, added up the region tree, rebuilt by the scheduler's per-minute pass
    # when older than this; the screen shows when ("数据更新于 …"). Five minutes: at province scale one rebuild
    # took 75 s on a loaded 2-core machine (benchmarks/screen.py), longer than a one-minute interval.
    summaries = [Summary("dashboard.figures", "sibao.dashboard.figures.refresh", every_minutes=5)]
    navigation = [
        NavItem(
            _("Command screen"), "dashboard:screen", Capability.SCREEN_VIEW, "map", group=NavGroup.OVERVIEW, order=10
        ),
    ]
