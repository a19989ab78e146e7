"""WL-9: what a listing grants is stated — on the enterprise's own application page, on the listing page officials
open and in the listing-status API — each benefit with its seed clause and the enterprise's own state of it
today (a shutdown approved by both HQs shows with its last day); an enterprise not (or no longer) listed is
promised nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import Personas, client_for
from sibao.core.benefits import listing_benefits
from sibao.emergency import services
from sibao.emergency.tests.factories import listed
from sibao.emergency.tests.test_approvals import propose

pytestmark = pytest.mark.django_db

KEYS = [
    "health.code_protection",
    "logistics.passes",
    "emergency.no_shutdown",
    "emergency.inspections",
    "policies.matched",
    "whitelist.power_priority",
]


def test_every_app_declares_its_benefit_in_order() -> None:
    assert [benefit.key for benefit in listing_benefits()] == KEYS
    assert all(benefit.basis and benefit.explain for benefit in listing_benefits())


def test_the_enterprise_reads_what_its_listing_grants_with_its_own_state(personas: Personas) -> None:
    listing = listed(personas.ent_a, personas.tongxu_hq)
    own = client_for(personas.ent_a_user)
    page = own.get(f"/whitelist/applications/{listing.application_id}/").content.decode()
    assert "白名单企业享有" in page and "赋码保护" in page and "001#annex2-三.2" in page
    assert "今日有效通行证 0 张" in page and "无停产" in page and 'href="/policies/mine/"' in page

    shutdown = propose(personas, 2)
    services.shutdown_act(actor=personas.tongxu_hq, shutdown=shutdown, action="approve", reason="同意")
    services.shutdown_act(actor=personas.tongxu_epidemic_hq, shutdown=shutdown, action="approve", reason="同意")
    last_day = (timezone.localdate() + timedelta(days=1)).strftime("%m-%d")
    status = own.get(f"/api/whitelist/enterprises/{personas.ent_a.pk}/status").json()
    assert [benefit["key"] for benefit in status["benefits"]] == KEYS
    states = {benefit["key"]: benefit["state"] for benefit in status["benefits"]}
    assert states["emergency.no_shutdown"] == f"经批准停产至 {last_day}"
    assert states["policies.matched"] == "已匹配政策 0 项，已兑现 0 项"

    official = client_for(personas.tongxu_hq).get(f"/whitelist/listings/{listing.pk}/").content.decode()
    assert 'data-testid="benefits"' in official and 'href="/policies/mine/"' not in official  # not theirs to open


def test_no_benefit_is_promised_off_the_whitelist(personas: Personas) -> None:
    status = client_for(personas.tongxu_hq).get(f"/api/whitelist/enterprises/{personas.ent_b.pk}/status").json()
    assert status["listed"] is False and status["benefits"] == []
    listing = listed(personas.ent_a, personas.tongxu_hq)
    listing.removed_at = timezone.now()
    listing.save(update_fields=["removed_at"])
    page = client_for(personas.tongxu_hq).get(f"/whitelist/listings/{listing.pk}/").content.decode()
    assert 'data-testid="benefits"' not in page
