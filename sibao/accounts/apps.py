from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sibao.accounts"
    label = "accounts"
    verbose_name = "用户与权限"

    def ready(self) -> None:
        from sibao.core import audit

        audit.register_models()
