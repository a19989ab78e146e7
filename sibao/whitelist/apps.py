from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sibao.core.demo import DemoData


class WhitelistConfig(AppConfig):
    name = "sibao.whitelist"
    label = "whitelist"
    verbose_name = _("Whitelist")
    demo_data = DemoData(
        order=50,
        loader="sibao.whitelist.demo.load_demo_whitelist",
        summary=_(
            "Demo whitelist: {criteria} criteria published, {applications} applications added, "
            "{listed} listed, {liaisons} liaison assignments"
        ),
    )
