"""PO-3 in a browser (issue 14): the county department publishes a policy → the enterprise sees it in 我的政策
with its amount and why → applies → the department approves → the amount paid is recorded (兑现) and the
enterprise sees it."""

from typing import Any
from urllib.request import urlopen

import pytest

from conftest import Personas, region
from sibao.policies.models import PolicyMatch
from sibao.policies.services import facts_save, policy_create
from sibao.policies.shipped import unemployment_refund

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def state_of(page: Any) -> str:
    return str(page.locator("[data-testid=match-state]").get_attribute("data-state"))


def test_publish_claim_approve_redeem(live_server: Any, open_as: Any, personas: Personas) -> None:
    p = personas
    # The live server's first request loads every URLconf and template: on a busy CI machine that alone can
    # exceed the browser's 15 s step timeout, so it is made here, with room.
    urlopen(f"{live_server.url}/accounts/login/", timeout=120).read()
    # 50 % of last year's unemployment-insurance contributions (insured, layoffs under 5 %): 12,345.67 → 6,172.84.
    facts_save(
        actor=p.ent_a_user,
        enterprise=p.ent_a,
        data={"ui_insured": True, "ui_contributions": "12345.67", "layoff_rate": "2"},
    )
    policy = policy_create(actor=p.tongxu_hq, data={**unemployment_refund(), "region": region("410222")})

    # 1. The county department publishes (matched in the background, the enterprise told).
    hq = open_as(p.tongxu_hq)
    hq.on("dialog", lambda dialog: dialog.accept())
    hq.goto(f"{live_server.url}/policies/{policy.pk}/")
    hq.click("[data-testid=publish]")
    hq.wait_for_selector(".alert-success")
    assert hq.locator("[data-testid=policy-state]").inner_text().strip() == "已公布"

    # 2. The enterprise finds it in 我的政策 with the amount, opens it (why, how much) and applies.
    ent = open_as(p.ent_a_user)
    ent.goto(f"{live_server.url}/policies/mine/")
    claim = ent.locator(f"[data-testid=claimable] a:has-text('{policy.title}')")
    assert "6172.84" in claim.locator("[data-testid=amount]").inner_text()
    claim.click()
    assert "6172.84" in ent.locator("[data-testid=estimated-amount]").inner_text()
    assert "失业保险" in ent.locator("[data-testid=explanation]").inner_text()
    assert state_of(ent) == "seen"
    ent.click("[data-testid=act-apply]")
    ent.wait_for_selector(".alert-success")
    assert state_of(ent) == "applied"

    # 3. The department approves the estimate, then records the amount paid.
    match = PolicyMatch.objects.get(policy=policy, enterprise=p.ent_a)
    hq.goto(f"{live_server.url}/policies/matches/{match.pk}/")
    hq.click("[data-testid=act-approve]")
    hq.wait_for_selector(".alert-success")
    assert state_of(hq) == "approved"
    hq.fill("[name=amount]", "6172.84")
    hq.click("[data-testid=act-redeem]")
    hq.wait_for_selector(".alert-success")
    assert state_of(hq) == "redeemed"

    # 4. The enterprise sees it paid.
    ent.goto(f"{live_server.url}/policies/mine/")
    row = ent.locator("[data-testid=claimed] tbody tr", has_text=policy.title)
    assert row.locator("[data-state]").get_attribute("data-state") == "redeemed"
    assert "6172.84" in row.inner_text()
