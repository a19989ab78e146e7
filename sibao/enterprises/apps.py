from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sibao.core.demo import DemoData
from sibao.core.navigation import NavGroup, NavItem
from sibao.core.roles import Capability


class EnterprisesConfig(AppConfig):
    name = "sibao.enterprises"
    label = "enterprises"
    verbose_name = "企业与项目"
    demo_data = DemoData(
        order=30,
        loader="sibao.enterprises.demo.load_demo_enterprises",
        summary=_(
            "Demo data: {enterprises} enterprises (projects) added, {records} adverse records, "
            "{supply_links} supply-chain links, {pairings} pairings"
        ),
    )
    import_kinds = ["sibao.enterprises.imports.ENTERPRISE_IMPORT"]

    navigation = [
        NavItem(
            _("Enterprises"),
            "enterprises:list",
            Capability.ENTERPRISE_VIEW,
            "building",
            group=NavGroup.ENTERPRISES,
            order=10,
        ),
        NavItem(
            _("Import enterprises"),
            "enterprises:import",
            Capability.ENTERPRISE_IMPORT,
            "upload",
            group=NavGroup.ENTERPRISES,
            order=20,
            is_list=False,
        ),
    ]

    def ready(self) -> None:
        from sibao.enterprises import rule_fields  # noqa: F401  registers the "enterprise" rule subject
