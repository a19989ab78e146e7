from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sibao.accounts"
    label = "accounts"
    verbose_name = "用户与权限"
    # audit entries older than the retention parameter are deleted once a day.
    periodic_jobs = ["sibao.accounts.tasks.schedule_audit_purge"]

    def ready(self) -> None:
        from sibao.accounts import signals  # noqa: F401  (connects the login receivers)
        from sibao.core import audit

        audit.install()
