from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sibao.core.demo import DemoData


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
