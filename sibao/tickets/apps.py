from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "sibao.tickets"
    label = "tickets"
    verbose_name = _("Enterprise requests")
    periodic_jobs = ["sibao.tickets.tasks.schedule_weekly_reports"]
