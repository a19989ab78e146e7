from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sibao.core.demo import DemoData


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

    def ready(self) -> None:
        from sibao.accounts import signals  # noqa: F401  (connects the login receivers)
        from sibao.core import audit

        audit.install()
