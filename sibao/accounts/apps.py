from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sibao.core.demo import DemoData
from sibao.core.navigation import NavGroup, NavItem


class AccountsConfig(AppConfig):
    name = "sibao.accounts"
    label = "accounts"
    verbose_name = "用户与权限"
    demo_data = DemoData(
        order=40,
        loader="sibao.accounts.demo.load_demo_accounts",
        summary=_("Demo users: {users}"),
    )
    # audit entries older than the retention parameter are deleted once a day.
    periodic_jobs = ["sibao.accounts.tasks.schedule_audit_purge"]
    # Issue 9 #8: regions, units, users and rule parameters are configured in the admin site.
    navigation = [
        NavItem(
            _("Administration"),
            "admin:index",
            None,
            "gear",
            group=NavGroup.SYSTEM,
            order=90,
            staff_only=True,
            is_list=False,
        ),
    ]

    def ready(self) -> None:
        from sibao.accounts import signals  # noqa: F401  (connects the login receivers)
        from sibao.core import audit

        audit.install()
