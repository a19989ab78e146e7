from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sibao.core.demo import DemoData
from sibao.core.navigation import NavGroup, NavItem
from sibao.core.personal_data import PersonalTable
from sibao.core.roles import Capability
from sibao.core.summaries import Summary


class EpidemicConfig(AppConfig):
    name = "sibao.epidemic"
    label = "epidemic"
    verbose_name = _("Epidemic safety")
    demo_data = DemoData(
        order=70,
        loader="sibao.epidemic.demo.load_demo_employees",
        summary=_("Demo epidemic data: {employees} employees added, {results} test results"),
    )
    # Issue 8 #2: result files interrupted by a killed worker are run again.
    periodic_jobs = ["sibao.epidemic.tasks.schedule_import_recovery"]
    import_kinds = ["sibao.epidemic.imports.EMPLOYEE_IMPORT"]
    # DB-3 on the command screen (``core.panels``): people per zone (EP-8).
    screen_measures = ["sibao.epidemic.screen.MEASURE"]
    screen_panels = ["sibao.epidemic.screen.ZONES"]
    # Issue 10: the overdue page's per-enterprise table reads this (``epidemic.summaries``); its figures are at most
    # five minutes plus one pass old (~2 s at province scale) and the page says when they were built.
    summaries = [Summary("epidemic.overdue", "sibao.epidemic.summaries.refresh", every_minutes=5)]
    navigation = [
        NavItem(
            pgettext_lazy("people", "Employees"),
            "epidemic:list",
            Capability.EMPLOYEE_VIEW,
            "person-badge",
            group=NavGroup.EPIDEMIC,
            order=10,
        ),
        NavItem(
            _("Overdue tests"),
            "epidemic:overdue",
            Capability.EMPLOYEE_VIEW,
            "hourglass-split",
            group=NavGroup.EPIDEMIC,
            order=20,
        ),
        NavItem(
            _("Test result files"),
            "epidemic:results",
            Capability.EPIDEMIC_MANAGE,
            "file-earmark-medical",
            group=NavGroup.EPIDEMIC,
            order=30,
        ),
    ]
    # Issue 15 #2: person-level event tables, purged when their retention is over (sibao.retention). A result
    # belongs to the region of the task force that imported it.
    personal_tables = [
        PersonalTable(
            "epidemic.test_result",
            "epidemic.TestResult",
            time_field="sampled_at",
            region_field="test_import__created_by__region",
            parameter="retention.test_results_days",
            label=_("Test results"),
            partitioned_by="sampled_at",
        ),
        PersonalTable(
            "epidemic.zone_move",
            "epidemic.ZoneMove",
            time_field="moved_at",
            region_field="employee__enterprise__region",
            parameter="retention.zone_moves_days",
            label=_("Zone moves"),
        ),
    ]
