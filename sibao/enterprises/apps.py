from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "sibao.enterprises"
    label = "enterprises"
    verbose_name = "企业与项目"
