from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "sibao.enterprises"
    label = "enterprises"
    verbose_name = "企业与项目"
    import_kinds = ["sibao.enterprises.imports.ENTERPRISE_IMPORT"]

    def ready(self) -> None:
        from sibao.enterprises import rule_fields  # noqa: F401  registers the "enterprise" rule subject
