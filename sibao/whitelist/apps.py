from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sibao.core.demo import DemoData
from sibao.core.navigation import NavGroup, NavItem
from sibao.core.roles import Capability
from sibao.core.summaries import Summary


class WhitelistConfig(AppConfig):
    name = "sibao.whitelist"
    label = "whitelist"
    verbose_name = _("Whitelist")
    # WL-9: what a listing grants, shown on the listing (sibao.core.benefits).
    listing_benefits = ["sibao.whitelist.benefits.POWER_PRIORITY"]
    demo_data = DemoData(
        order=50,
        loader="sibao.whitelist.demo.load_demo_whitelist",
        summary=_(
            "Demo whitelist: {criteria} criteria published, {applications} applications added, "
            "{listed} listed, {liaisons} liaison assignments"
        ),
    )
    # Issue 11 #4: what may wait for someone in this domain, on the "待我处理" workbench.
    work_items = [
        "sibao.whitelist.workbench.TO_CHECK",
        "sibao.whitelist.workbench.TO_DECIDE",
        "sibao.whitelist.workbench.TO_PUBLISH",
        "sibao.whitelist.workbench.REMOVALS",
    ]
    navigation = [
        NavItem(
            _("Apply for the whitelist"),
            "whitelist:apply",
            Capability.WHITELIST_APPLY,
            "clipboard-check",
            group=NavGroup.WHITELIST,
            order=10,
            is_list=False,
        ),
        NavItem(
            _("Whitelist applications"),
            "whitelist:applications",
            Capability.WHITELIST_VIEW,
            "clipboard-check",
            group=NavGroup.WHITELIST,
            order=20,
        ),
        NavItem(
            _("Publish batches"),
            "whitelist:batches",
            Capability.WHITELIST_PUBLISH,
            "megaphone",
            group=NavGroup.WHITELIST,
            order=30,
        ),
        NavItem(
            _("Whitelisted enterprises"),
            "whitelist:listings",
            Capability.WHITELIST_VIEW,
            "patch-check",
            group=NavGroup.WHITELIST,
            order=40,
        ),
        NavItem(
            _("Coverage"),
            "whitelist:coverage",
            Capability.WHITELIST_VIEW,
            "pie-chart",
            group=NavGroup.WHITELIST,
            order=50,
        ),
        NavItem(
            _("Selection criteria"),
            "whitelist:criteria",
            Capability.WHITELIST_CRITERIA,
            "list-check",
            group=NavGroup.WHITELIST,
            order=60,
        ),
        NavItem(
            _("Liaison coverage"),
            "whitelist:liaison_gaps",
            Capability.WHITELIST_VIEW,
            "people",
            group=NavGroup.WHITELIST,
            order=70,
        ),
    ]
    # Issue 10: WL-6 coverage per region and sector, read by the coverage page, its API, the target warnings
    # (listing changes are written at once by the services; registry changes wait for this rebuild).
    summaries = [Summary("whitelist.coverage", "sibao.whitelist.summaries.refresh", every_minutes=5)]
    # DB-1 / DB-4 (WL-6) on the command screen (``core.panels``).
    screen_measures = ["sibao.whitelist.screen.MEASURE"]
    screen_panels = ["sibao.whitelist.screen.COVERAGE"]
    screen_indicators = ["sibao.whitelist.screen.LISTED_FIRMS", "sibao.whitelist.screen.COVERAGE_RATE"]
