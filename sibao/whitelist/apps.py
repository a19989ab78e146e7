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
    # DB-1 / DB-4 (WL-6) on the command screen (``core.panels``).
    screen_measures = ["sibao.whitelist.screen.MEASURE"]
    screen_panels = ["sibao.whitelist.screen.COVERAGE"]
    screen_indicators = ["sibao.whitelist.screen.LISTED_FIRMS", "sibao.whitelist.screen.COVERAGE_RATE"]
