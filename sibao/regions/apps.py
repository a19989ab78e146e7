from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "sibao.regions"
    label = "regions"
    verbose_name = "行政区划"
