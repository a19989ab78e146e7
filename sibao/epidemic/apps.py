from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sibao.core.demo import DemoData
from sibao.core.navigation import NavGroup, NavItem
from sibao.core.roles import Capability


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
