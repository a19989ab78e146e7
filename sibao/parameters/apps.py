from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sibao.core.navigation import NavGroup, NavItem
from sibao.core.roles import Capability


class ParametersConfig(AppConfig):
    name = "sibao.parameters"
    label = "parameters"
    verbose_name = _("Rule parameters")
    navigation = [
        NavItem(
            _("Rule parameters"),
            "parameters:list",
            Capability.ORGANISATION_VIEW,
            "sliders",
            group=NavGroup.SYSTEM,
            order=20,
        ),
    ]
