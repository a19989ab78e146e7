from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sibao.core.navigation import NavGroup, NavItem


class HomeConfig(AppConfig):
    """Where a user lands after logging in. It stands above the domain apps and may read any of them (the
    kernel may not, issue 9 #5): the "待我处理" workbench collects what each app declares may wait for someone
    (``core.workbench``); the command screen for HQ roles lives in its own app."""

    name = "sibao.home"
    label = "home"
    verbose_name = _("Home")
    navigation = [
        NavItem(_("Waiting for me"), "workbench", None, "inbox", group=NavGroup.OVERVIEW, order=20),
    ]
