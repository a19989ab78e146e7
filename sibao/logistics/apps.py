from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sibao.core.demo import DemoData
from sibao.core.navigation import NavGroup, NavItem
from sibao.core.personal_data import PersonalTable
from sibao.core.roles import Capability
from sibao.core.summaries import Summary


class LogisticsConfig(AppConfig):
    name = "sibao.logistics"
    label = "logistics"
    verbose_name = _("Logistics")
    # WL-9: what a listing grants, shown on the listing (sibao.core.benefits).
    listing_benefits = ["sibao.logistics.benefits.PASSES"]
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
    # Issue 15 #2: a check says where one driver was at one moment (whereabouts, PIPL Art. 28): purged when its
    # retention is over; the per-checkpoint tallies the screen reads hold no person and stay.
    personal_tables = [
        PersonalTable(
            "logistics.pass_check",
            "logistics.PassCheck",
            time_field="checked_at",
            region_field="checkpoint__region",
            parameter="retention.pass_checks_days",
            label=_("Checkpoint checks"),
            partitioned_by="day",
        ),
    ]
    navigation = [
        NavItem(
            _("Vehicle passes"),
            "logistics:passes",
            Capability.LOGISTICS_VIEW,
            "truck",
            group=NavGroup.LOGISTICS,
            order=10,
        ),
        NavItem(
            _("Vehicles"),
            "logistics:vehicles",
            Capability.LOGISTICS_VIEW,
            "truck-front",
            group=NavGroup.LOGISTICS,
            order=20,
        ),
        NavItem(
            _("Drivers"),
            "logistics:drivers",
            Capability.LOGISTICS_VIEW,
            "person-vcard",
            group=NavGroup.LOGISTICS,
            order=30,
        ),
        NavItem(
            _("Checkpoint check"),
            "logistics:check",
            Capability.PASS_CHECK,
            "qr-code-scan",
            group=NavGroup.LOGISTICS,
            order=40,
        ),
        NavItem(
            _("Checks at checkpoints"),
            "logistics:checks",
            Capability.LOGISTICS_VIEW,
            "clipboard-data",
            group=NavGroup.LOGISTICS,
            order=50,
        ),
        NavItem(
            _("Transfer stations"),
            "logistics:stations",
            Capability.LOGISTICS_VIEW,
            "boxes",
            group=NavGroup.LOGISTICS,
            order=60,
        ),
    ]
