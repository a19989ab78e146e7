from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sibao.core.demo import DemoData
from sibao.core.navigation import NavGroup, NavItem
from sibao.core.roles import Capability


class PoliciesConfig(AppConfig):
    name = "sibao.policies"
    label = "policies"
    verbose_name = _("Policies")
    # WL-9: what a listing grants, shown on the listing (sibao.core.benefits).
    listing_benefits = ["sibao.policies.benefits.POLICIES"]
    demo_data = DemoData(
        order=130,
        loader="sibao.policies.demo.load_demo_policies",
        summary=_(
            "Demo policies: {policies} published, {reserve} in the reserve, {matches} matches, {redeemed} redeemed"
        ),
    )
    audited_models: dict[str, list[str]] = {
        "Policy": [],
        "EnterpriseFacts": [],
        "PolicyMatch": [],
        "PolicyNeed": [],
    }
    periodic_jobs = [
        "sibao.policies.tasks.schedule_matching_recovery",
        "sibao.policies.tasks.schedule_daily_policy_work",
        "sibao.policies.tasks.schedule_full_matching",
    ]
    screen_panels = ["sibao.policies.screen.POLICIES"]
    import_kinds = ["sibao.policies.imports.FACTS_IMPORT", "sibao.policies.imports.POLICY_IMPORT"]
    # PO-2: the enterprises app tells its listeners which enterprises changed (``enterprises.changes``).
    enterprise_change_listeners = ["sibao.policies.services.enterprise_changed"]
    navigation = [
        NavItem(_("My policies"), "policies:mine", Capability.POLICY_APPLY, "gift", group=NavGroup.POLICIES, order=10),
        NavItem(
            _("Policies"),
            "policies:list",
            Capability.POLICY_VIEW,
            "journal-bookmark",
            group=NavGroup.POLICIES,
            order=20,
        ),
        NavItem(
            _("Redemption funnel"),
            "policies:funnel",
            Capability.POLICY_VIEW,
            "funnel",
            group=NavGroup.POLICIES,
            order=30,
        ),
        NavItem(
            _("Policy reserve"),
            "policies:reserve",
            Capability.POLICY_MANAGE,
            "box-seam",
            group=NavGroup.POLICIES,
            order=40,
        ),
        NavItem(
            _("Import policy figures"),
            "policies:facts_import",
            Capability.POLICY_FACTS_IMPORT,
            "upload",
            group=NavGroup.POLICIES,
            order=50,
            is_list=False,
        ),
    ]

    def ready(self) -> None:
        # core.summaries imports core models, which cannot be imported while the app registry loads.
        from sibao.core.summaries import Summary
        from sibao.policies import rule_fields  # noqa: F401  (registers the rule subject)

        self.summaries = [Summary("policies.funnel", "sibao.policies.summaries.refresh", every_minutes=5)]
