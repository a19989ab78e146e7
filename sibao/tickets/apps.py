from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sibao.core.demo import DemoData


class TicketsConfig(AppConfig):
    name = "sibao.tickets"
    label = "tickets"
    verbose_name = _("Enterprise requests")
    demo_data = DemoData(
        order=60,
        loader="sibao.tickets.demo.load_demo_tickets",
        summary=_("Demo requests: {tongxu} in Tongxu county, {xinzheng} in Xinzheng city"),
    )
    periodic_jobs = ["sibao.tickets.tasks.schedule_weekly_reports"]
    # DB-2 / DB-4 on the command screen (``core.panels``).
    screen_measures = ["sibao.tickets.screen.MEASURE"]
    screen_panels = ["sibao.tickets.screen.REQUESTS", "sibao.tickets.screen.SUPERVISION"]
    screen_indicators = ["sibao.tickets.screen.OVERDUE_REQUESTS"]
