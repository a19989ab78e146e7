from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sibao.core.navigation import NavGroup, NavItem
from sibao.core.roles import Capability


class RetentionConfig(AppConfig):
    name = "sibao.retention"
    label = "retention"
    verbose_name = _("Retention of personal data")
    audited_models: dict[str, list[str]] = {"Purge": []}
    periodic_jobs = [
        "sibao.retention.tasks.make_partitions_ahead",
        "sibao.retention.tasks.schedule_personal_data_purge",
    ]
    navigation = [
        NavItem(
            _("Retention of personal data"),
            "retention:index",
            Capability.PERSONAL_DATA_PURGE,
            "trash",
            group=NavGroup.SYSTEM,
            order=30,
        ),
    ]
