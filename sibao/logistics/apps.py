from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sibao.core.demo import DemoData
from sibao.core.summaries import Summary


class LogisticsConfig(AppConfig):
    name = "sibao.logistics"
    label = "logistics"
    verbose_name = _("Logistics")
    demo_data = DemoData(
        order=130,
        loader="sibao.logistics.demo.load_demo_logistics",
        summary=_(
            "Demo logistics: {vehicles} vehicles, {drivers} drivers, {passes} passes, {checkpoints} checkpoints, "
            "{stations} transfer stations, {checks} checks"
        ),
    )
    # The ID number's cipher and digest never go into the log; private phones are masked there.
    audited_models: dict[str, list[str]] = {
        "Vehicle": [],
        "Driver": ["id_cipher", "id_digest"],
        "VehiclePass": ["code"],
        "PassDriver": [],
        "PassEnterprise": [],
        "Checkpoint": [],
        "TransferStation": [],
        "ReceivingPoint": [],
    }
    audit_masked_fields: dict[str, list[str]] = {"Driver": ["phone"]}
    summaries = [
        Summary("logistics.checks", "sibao.logistics.summaries.refresh_checks", every_minutes=1),
        Summary("logistics.passes", "sibao.logistics.summaries.refresh_passes", every_minutes=10),
    ]
    screen_panels = ["sibao.logistics.screen.LOGISTICS"]
