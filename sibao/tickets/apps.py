from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sibao.core.demo import DemoData
from sibao.core.navigation import NavGroup, NavItem
from sibao.core.roles import Capability
from sibao.core.summaries import Summary


class TicketsConfig(AppConfig):
    name = "sibao.tickets"
    label = "tickets"
    verbose_name = _("Enterprise requests")
    demo_data = DemoData(
        order=60,
        loader="sibao.tickets.demo.load_demo_tickets",
        summary=_("Demo requests: {tongxu} in Tongxu county, {xinzheng} in Xinzheng city"),
    )
    periodic_jobs = ["sibao.tickets.tasks.schedule_weekly_reports", "sibao.tickets.tasks.warn_deadlines"]
    # Issue 10: the RQ-7 metrics page reads a per-day summary rebuilt by the scheduler's summary pass (a page's
    # figures are at most 10 minutes and one rebuild old; ``tickets.summary``).
    summaries = [Summary("tickets.daily_metrics", "sibao.tickets.summary.refresh", every_minutes=10)]
    # Issue 11 #4: what may wait for someone in this domain, on the "待我处理" workbench.
    work_items = [
        "sibao.tickets.workbench.TO_ASSIGN",
        "sibao.tickets.workbench.TO_ANSWER",
        "sibao.tickets.workbench.TO_RATE",
        "sibao.tickets.workbench.TO_VERIFY",
    ]
    navigation = [
        NavItem(
            _("Requests"), "tickets:list", Capability.TICKET_VIEW, "chat-left-text", group=NavGroup.REQUESTS, order=10
        ),
        NavItem(
            _("Assign requests"),
            "tickets:triage",
            Capability.TICKET_TRIAGE,
            "signpost-split",
            group=NavGroup.REQUESTS,
            order=20,
        ),
        NavItem(
            _("Common issues"),
            "tickets:common_issues",
            Capability.TICKET_TRIAGE,
            "collection",
            group=NavGroup.REQUESTS,
            order=30,
        ),
        NavItem(
            _("Routing rules"),
            "tickets:routing_rules",
            Capability.TICKET_TRIAGE,
            "diagram-2",
            group=NavGroup.REQUESTS,
            order=40,
        ),
        NavItem(
            _("Request metrics"),
            "tickets:metrics",
            Capability.TICKET_METRICS,
            "bar-chart",
            group=NavGroup.REQUESTS,
            order=50,
        ),
        NavItem(
            _("Weekly reports"),
            "tickets:weekly_reports",
            Capability.TICKET_METRICS,
            "file-earmark-text",
            group=NavGroup.REQUESTS,
            order=60,
        ),
    ]
    # DB-2 / DB-4 on the command screen (``core.panels``).
    screen_measures = ["sibao.tickets.screen.MEASURE"]
    screen_panels = ["sibao.tickets.screen.REQUESTS", "sibao.tickets.screen.SUPERVISION"]
    screen_indicators = ["sibao.tickets.screen.OVERDUE_REQUESTS"]
