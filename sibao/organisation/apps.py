from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sibao.core.demo import DemoData
from sibao.core.navigation import NavGroup, NavItem
from sibao.core.roles import Capability


class OrganisationConfig(AppConfig):
    name = "sibao.organisation"
    label = "organisation"
    verbose_name = "组织机构"
    demo_data = DemoData(
        order=20,
        loader="sibao.organisation.loading.load_organisation",
        summary=_(
            "Organisation ({files} files): {units_created} units added, {units_updated} units updated, "
            "{people_created} people added, {people_updated} people updated, "
            "{memberships_created} posts added, {memberships_updated} posts updated"
        ),
    )
    navigation = [
        NavItem(
            _("Organisation"),
            "organisation:overview",
            Capability.ORGANISATION_VIEW,
            "diagram-3",
            group=NavGroup.SYSTEM,
            order=10,
        ),
    ]
