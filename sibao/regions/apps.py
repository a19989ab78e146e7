from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sibao.core.demo import DemoData


class RegionsConfig(AppConfig):
    name = "sibao.regions"
    label = "regions"
    verbose_name = "行政区划"
    demo_data = DemoData(
        order=10,
        loader="sibao.regions.demo.load_reference_regions",
        summary=_("Regions: {created} added, {updated} updated, {disabled} disabled"),
    )
