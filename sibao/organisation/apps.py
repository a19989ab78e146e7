from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "sibao.organisation"
    label = "organisation"
    verbose_name = "组织机构"
