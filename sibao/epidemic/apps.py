from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EpidemicConfig(AppConfig):
    name = "sibao.epidemic"
    label = "epidemic"
    verbose_name = _("Epidemic safety")
    # Issue 8 #2: result files interrupted by a killed worker are run again.
    periodic_jobs = ["sibao.epidemic.tasks.schedule_import_recovery"]
    import_kinds = ["sibao.epidemic.imports.EMPLOYEE_IMPORT"]
