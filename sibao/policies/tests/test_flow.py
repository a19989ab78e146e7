"""PO-2/PO-3: data changes add and remove matches, the funnel on a hand-made set, scope (a county sees its own,
an enterprise only its own: 404), pages and API through the whole way to redemption, the public list."""

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from conftest import Personas, client_for, make_user
from sibao.core.errors import PermissionRefused, StateRefused
from sibao.core.roles import Role
from sibao.core.summaries import refresh
from sibao.enterprises.services import enterprise_update
from sibao.policies.models import MatchState, PolicyMatch
from sibao.policies.selectors import funnel_counts, funnel_summary, match_list
from sibao.policies.services import facts_save, match_apply, match_approve, match_decline, match_redeem
from sibao.policies.shipped import sampling_booth, unemployment_refund
from sibao.policies.tests.factories import published
from sibao.sentinel.tests.helpers import whitelist

pytestmark = pytest.mark.django_db


def refund_for(p: Personas, enterprise: Any, contributions: str = "1000") -> None:
    facts_save(actor=p.admin, enterprise=enterprise, data={"ui_insured": True, "ui_contributions": contributions})


def test_a_change_to_an_enterprises_data_adds_and_removes_its_matches(personas: Personas) -> None:
    p = personas
    whitelist(p.ent_a, p.tongxu_hq)
    facts_save(actor=p.ent_a_user, enterprise=p.ent_a, data={"booth_cost": "10000"})
    booth = published(p.henan_hq, sampling_booth)
    current = PolicyMatch.objects.filter(policy=booth, enterprise=p.ent_a, eligible=True)
    assert not current.exists()  # 100 staff
    enterprise_update(actor=p.tongxu_hq, enterprise=p.ent_a, data={"employee_count": 1000})
    match = current.get()
    assert match.state == MatchState.PUSHED and match.estimated_amount == Decimal("5000.00")
    facts_save(actor=p.ent_a_user, enterprise=p.ent_a, data={"booth_cost": "12000"})
    assert current.get().estimated_amount == Decimal("6000.00")
    enterprise_update(actor=p.tongxu_hq, enterprise=p.ent_a, data={"employee_count": 999})
    assert not current.exists()
    assert not match_list(user=p.ent_a_user).exists()
    enterprise_update(actor=p.tongxu_hq, enterprise=p.ent_a, data={"employee_count": 1500})
    assert current.get().pk == match.pk  # the same match, back


def test_a_policys_recompute_over_every_enterprise_writes_the_difference(personas: Personas) -> None:
    """PO-2's hourly full recompute (set-based; on PostgreSQL the difference is written in the database):
    figures changed behind the hooks' back add, re-amount, drop and bring back matches; a recompute of given
    enterprises leaves the others alone."""
    from django.utils import timezone

    from sibao.notifications.models import Notification
    from sibao.policies.models import EnterpriseFacts
    from sibao.policies.services import match_refresh_all, match_refresh_policy

    p = personas
    for enterprise in (p.ent_a, p.ent_b):
        refund_for(p, enterprise)
    policy = published(p.henan_hq, unemployment_refund)
    today, now = timezone.localdate(), timezone.now()
    a, b = (PolicyMatch.objects.get(policy=policy, enterprise=e) for e in (p.ent_a, p.ent_b))
    assert (a.estimated_amount, a.state) == (Decimal("500.00"), MatchState.PUSHED)
    facts = EnterpriseFacts.objects
    facts.filter(enterprise=p.ent_a).update(ui_contributions=Decimal("1200.50"))
    facts.filter(enterprise=p.ent_b).update(layoff_rate=Decimal("7"))  # 5 % or more: no longer eligible
    refund_for(p, p.ent_xinzheng)
    PolicyMatch.objects.filter(enterprise=p.ent_xinzheng).delete()  # as if no hook had told the policies app
    before = Notification.objects.count()
    assert match_refresh_policy(policy, today=today, now=now) == (2, 1, 1)
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.estimated_amount == Decimal("600.25") and a.eligible  # 1,200.50 × 50 %, to the fen
    assert not b.eligible and b.state == MatchState.PUSHED  # kept with its history, no longer current
    new = PolicyMatch.objects.get(policy=policy, enterprise=p.ent_xinzheng)
    assert (new.state, new.eligible, new.estimated_amount) == (MatchState.PUSHED, True, Decimal("500.00"))
    assert Notification.objects.count() == before + 1  # only the new match is pushed
    assert match_refresh_policy(policy, today=today, now=now) == (2, 0, 0)  # nothing changed, nothing written
    facts.filter(enterprise__in=[p.ent_a, p.ent_b]).update(layoff_rate=Decimal("1"))
    assert match_refresh_policy(policy, today=today, now=now, enterprise_ids=[p.ent_a.pk]) == (1, 0, 0)
    assert match_refresh_policy(policy, today=today, now=now, enterprise_ids=[]) == (0, 0, 0)
    b.refresh_from_db()
    assert not b.eligible  # not among the enterprises recomputed
    assert match_refresh_all(now=now) == (3, 0, 0)
    b.refresh_from_db()
    assert b.eligible and b.pk == PolicyMatch.objects.get(policy=policy, enterprise=p.ent_b).pk  # back, same match


def test_the_funnel_counts_a_hand_made_set(personas: Personas) -> None:
    p = personas
    for enterprise in (p.ent_a, p.ent_b, p.ent_xinzheng):
        refund_for(p, enterprise)
    policy = published(p.henan_hq, unemployment_refund)
    a, b = (PolicyMatch.objects.get(policy=policy, enterprise=e) for e in (p.ent_a, p.ent_b))
    a = match_apply(actor=p.ent_a_user, match=a)
    a = match_approve(actor=p.tongxu_hq, match=a)
    match_redeem(actor=p.tongxu_hq, match=a, amount="480.50")
    b = match_apply(actor=p.ent_b_user, match=b)
    match_decline(actor=p.tongxu_hq, match=b, reason="材料不全")
    county = funnel_counts(match_list(user=p.tongxu_hq))
    assert (county.matched, county.pushed, county.applied, county.approved, county.redeemed, county.declined) == (
        2,
        2,
        2,
        1,
        1,
        1,
    )
    assert county.redeemed_amount == Decimal("480.50") and county.rate == Decimal("50.0")
    refresh("policies.funnel")
    province = funnel_summary(region_path="410000/")
    assert (province.matched, province.applied, province.redeemed) == (3, 2, 1)
    assert province.estimated_amount == Decimal("1500.00")


def test_scope_county_enterprise_and_the_other_county(personas: Personas) -> None:
    p = personas
    for enterprise in (p.ent_a, p.ent_b, p.ent_xinzheng):
        refund_for(p, enterprise)
    policy = published(p.henan_hq, unemployment_refund)
    theirs = PolicyMatch.objects.get(policy=policy, enterprise=p.ent_xinzheng)
    mine = PolicyMatch.objects.get(policy=policy, enterprise=p.ent_a)
    assert set(match_list(user=p.tongxu_hq).values_list("enterprise", flat=True)) == {p.ent_a.pk, p.ent_b.pk}
    assert set(match_list(user=p.ent_a_user).values_list("pk", flat=True)) == {mine.pk}
    hq, ent = client_for(p.tongxu_hq), client_for(p.ent_a_user)
    assert hq.get(f"/policies/matches/{theirs.pk}/").status_code == 404
    assert hq.get(f"/api/policies/matches/{theirs.pk}").status_code == 404
    assert ent.get(f"/policies/matches/{theirs.pk}/").status_code == 404
    assert (
        ent.get(f"/api/policies/matches/{PolicyMatch.objects.get(policy=policy, enterprise=p.ent_b).pk}").status_code
        == 404
    )
    assert ent.post(f"/api/policies/matches/{theirs.pk}/apply", {}, content_type="application/json").status_code == 404
    with pytest.raises(PermissionRefused):
        match_apply(actor=p.ent_b_user, match=mine)
    other_county = make_user("p_xinzheng_ent", Role.ENTERPRISE, enterprise=p.ent_xinzheng)
    assert client_for(other_county).get(f"/api/policies/figures/{p.ent_a.pk}").status_code == 404


def test_pages_and_api_from_match_to_payment(personas: Personas) -> None:
    p = personas
    refund_for(p, p.ent_a, "86400")
    policy = published(p.henan_hq, unemployment_refund)
    match = PolicyMatch.objects.get(policy=policy, enterprise=p.ent_a)
    ent, hq = client_for(p.ent_a_user), client_for(p.tongxu_hq)
    mine = ent.get("/policies/mine/")
    assert "失业保险稳岗返还" in mine.content.decode() and "43200.00" in mine.content.decode()
    detail = ent.get(f"/policies/matches/{match.pk}/").content.decode()
    assert "参加失业保险" in detail and "43200.00" in detail
    assert PolicyMatch.objects.get(pk=match.pk).state == MatchState.SEEN
    body = ent.get(f"/api/policies/matches/{match.pk}").json()
    assert body["qualifies"] and body["steps"][0]["value"] == "43200.00"
    assert (
        ent.post(f"/api/policies/matches/{match.pk}/apply", {"note": "申请"}, content_type="application/json").json()[
            "state"
        ]
        == "applied"
    )
    assert ent.post(f"/api/policies/matches/{match.pk}/approve", {}, content_type="application/json").status_code == 403
    assert hq.post(f"/policies/matches/{match.pk}/approve/", {"amount": "43200"}).status_code == 302
    paid = hq.post(f"/api/policies/matches/{match.pk}/redeem", {"amount": "43200.00"}, content_type="application/json")
    assert paid.json()["state"] == "redeemed"
    again = hq.post(f"/api/policies/matches/{match.pk}/redeem", {"amount": "1"}, content_type="application/json")
    assert again.status_code == 409
    with pytest.raises(StateRefused):
        match_redeem(actor=p.tongxu_hq, match=PolicyMatch.objects.get(pk=match.pk), amount="1")
    assert hq.get(f"/policies/{policy.pk}/").status_code == 200
    assert hq.get("/policies/funnel/").status_code == 200


def test_a_formula_with_code_is_refused_by_the_api_naming_the_field(personas: Personas) -> None:
    p = personas
    payload = {
        "title": "测试政策",
        "issuing_body": "通许县人民政府",
        "level": "county",
        "category": "fiscal_award",
        "eligibility": {"all": [{"field": "livelihood", "op": "is_true"}]},
        "formula": {"steps": [{"name": "x", "expr": "__import__('os').system('id')"}], "amount": "x"},
    }
    answer = client_for(p.tongxu_hq).post("/api/policies", payload, content_type="application/json")
    assert answer.status_code == 400
    assert answer.json()["field"] == "formula" and (
        "Step 1" in answer.json()["message"] or "第1步" in answer.json()["message"]
    )
    payload["formula"] = {"steps": [{"name": "x", "expr": "output_value * 2"}], "amount": "x"}
    assert client_for(p.tongxu_hq).post("/api/policies", payload, content_type="application/json").status_code == 201


def test_the_public_policy_list_logged_out(personas: Personas) -> None:
    p = personas
    published(p.henan_hq, unemployment_refund)
    anonymous = Client()
    page = anonymous.get("/public/policies/")
    assert page.status_code == 200 and "失业保险稳岗返还" in page.content.decode()
    assert "max-age=300" in page["Cache-Control"]
    assert anonymous.get("/api/policies/public").json()["items"][0]["title"] == "失业保险稳岗返还"
    assert "/public/policies/" in anonymous.get("/public/whitelist/").content.decode()
