from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """Where a user lands after logging in. It stands above the domain apps and may read any of them (the
    kernel may not, issue 9 #5); the command screen for HQ roles and the 待我处理 workbench will grow here."""

    name = "sibao.home"
    label = "home"
    verbose_name = _("Home")
