"""Small hand-made set-ups for the emergency tests: whitelist listings written directly (the whitelist flow is
tested in its own app and costs a dozen service calls per firm)."""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from conftest import Personas
from sibao.enterprises.models import Enterprise
from sibao.enterprises.tests.factories import EnterpriseFactory
from sibao.regions.models import Region
from sibao.whitelist.models import Application, Batch, Listing


def listed(enterprise: Enterprise, actor: Any) -> Listing:
    """``enterprise`` on its county's published whitelist."""
    now = timezone.now()
    county = Region.objects.get(pk=enterprise.region.parent_id) if enterprise.region.level == "township" else None
    batch = Batch.objects.create(
        region=county or enterprise.region, number=Batch.objects.count() + 1, published_at=now, published_by=actor
    )
    application = Application.objects.create(
        enterprise=enterprise,
        sector=enterprise.sector,
        service_level="county",
        state="approved",
        contact_name="联系人",
        contact_phone="13800000000",
        statement="保障生产",
        measures="落实防疫主体责任",
        created_by=actor,
        submitted_at=now - timedelta(days=2),
        decided_at=now - timedelta(days=1),
        decided_by=actor,
    )
    return Listing.objects.create(
        enterprise=enterprise,
        application=application,
        batch=batch,
        sector=enterprise.sector,
        service_level="county",
        listed_at=now - timedelta(days=1),
    )


def whitelist(personas: Personas) -> dict[str, Enterprise]:
    """通许县: ent_a (industry, chose 两点一线 itself), ent_b (commerce), a firm already fully closed, a firm not
    listed; 新郑市: ent_xinzheng listed (outside the switch)."""
    ent_a, ent_b = personas.ent_a, personas.ent_b
    Enterprise.objects.filter(pk=ent_a.pk).update(closed_loop_mode="two_point")
    closed = EnterpriseFactory(
        name="通许县宏图建材有限公司", region=ent_a.region, sector="industry", closed_loop_mode="full"
    )
    unlisted = EnterpriseFactory(name="通许县未入名单有限公司", region=ent_a.region, sector="industry")
    for enterprise in (ent_a, ent_b, closed, personas.ent_xinzheng):
        listed(enterprise, personas.tongxu_hq)
    return {"a": ent_a, "b": ent_b, "closed": closed, "unlisted": unlisted, "xinzheng": personas.ent_xinzheng}
