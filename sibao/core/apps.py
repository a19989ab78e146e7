from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sibao.core"
    label = "core"
    verbose_name = "核心"
