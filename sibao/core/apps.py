from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sibao.core.navigation import NavGroup, NavItem
from sibao.core.roles import Capability


class CoreConfig(AppConfig):
    name = "sibao.core"
    label = "core"
    verbose_name = "核心"
    # Issue 9 #6: stored uploads expire and are deleted; issue 8 #2: interrupted imports are resumed.
    # Issues 10/11: maintained summaries are rebuilt when due (``core.summaries``).
    periodic_jobs = [
        "sibao.core.uploads.schedule_upload_purge",
        "sibao.core.tasks.schedule_import_job_recovery",
        "sibao.core.summaries.schedule_refresh",
    ]
    navigation = [
        NavItem(
            _("Audit log"), "core:audit_log", Capability.AUDIT_VIEW, "journal-text", group=NavGroup.SYSTEM, order=80
        ),
    ]
