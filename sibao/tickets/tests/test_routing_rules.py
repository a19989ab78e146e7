"""RQ-2 routing rules kept by the HQ office on a page and through the API (issue 9 #7): list, add, change,
disable — scope-checked (another region's rules are 404), refusals name the field, and a disabled rule no
longer routes."""

import json
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from conftest import client_for, region
from sibao.core.errors import PermissionRefused, ServiceError, StateRefused
from sibao.tickets.models import Category, RoutingRule, Urgency
from sibao.tickets.services import routing_rule_add, routing_rule_change
from sibao.tickets.tests.test_services import TONGXU, World, assigned, w  # noqa: F401 (w is a fixture)

pytestmark = pytest.mark.django_db


def _json(client: Any, method: str, url: str, body: Any) -> Any:
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def test_the_hq_office_adds_a_rule_on_the_page_and_it_routes(w: World) -> None:  # noqa: F811
    client = client_for(w.p.tongxu_hq)
    page = client.get("/requests/routing/")
    assert page.status_code == 200
    assert 'data-testid="effective-routing"' in page.content.decode()
    response = client.post(
        "/requests/routing/",
        {
            "region": region(TONGXU).pk,
            "category": Category.RAW_MATERIALS,
            "urgency": "",
            "department_function": "commerce",
            "handle_days": "5",
        },
    )
    assert response.status_code == 302
    rule = RoutingRule.objects.get()
    assert rule.department_function == "commerce" and rule.handle_days == 5 and rule.response_hours is None
    ticket = assigned(w)
    assert ticket.unit == w.commerce
    entry = LogEntry.objects.get(content_type=ContentType.objects.get_for_model(RoutingRule), object_id=rule.pk)
    assert entry.actor == w.p.tongxu_hq
    assert "通许县商务局" in client.get("/requests/routing/").content.decode()  # the effective table names the unit


def test_disabling_a_rule_falls_back_to_the_usual_department(w: World) -> None:  # noqa: F811
    rule = routing_rule_add(
        actor=w.p.tongxu_hq,
        region=region(TONGXU),
        data={"category": Category.RAW_MATERIALS, "department_function": "commerce"},
    )
    client = client_for(w.p.tongxu_hq)
    assert client.post(f"/requests/routing/{rule.pk}/active/", {"active": "0"}).status_code == 302
    rule.refresh_from_db()
    assert rule.is_active is False
    assert assigned(w).unit == w.industry  # the category's usual department (OR-4)
    assert 'data-active="0"' in client.get("/requests/routing/").content.decode()
    client.post(f"/requests/routing/{rule.pk}/active/", {"active": "1"})
    assert assigned(w).unit == w.commerce


def test_the_edit_page_changes_terms_and_names_the_bad_field(w: World) -> None:  # noqa: F811
    rule = routing_rule_add(
        actor=w.p.tongxu_hq,
        region=region(TONGXU),
        data={"category": Category.LOGISTICS, "department_function": "transport", "handle_days": 3},
    )
    client = client_for(w.p.tongxu_hq)
    bad = client.post(f"/requests/routing/{rule.pk}/", {"department_function": "transport", "handle_days": "999"})
    assert bad.status_code == 400 and 'data-field="handle_days"' in bad.content.decode()
    good = client.post(f"/requests/routing/{rule.pk}/", {"department_function": "commerce", "response_hours": "8"})
    assert good.status_code == 302
    rule.refresh_from_db()
    assert (rule.department_function, rule.response_hours, rule.handle_days) == ("commerce", 8, None)


def test_a_duplicate_or_a_township_rule_is_refused_naming_the_field(w: World) -> None:  # noqa: F811
    data = {"category": Category.RAW_MATERIALS, "department_function": "commerce"}
    routing_rule_add(actor=w.p.tongxu_hq, region=region(TONGXU), data=data)
    with pytest.raises(StateRefused) as duplicate:
        routing_rule_add(actor=w.p.tongxu_hq, region=region(TONGXU), data=data)
    assert duplicate.value.field == "category"
    township = w.p.tongxu_township.region
    with pytest.raises(ServiceError) as refused:
        routing_rule_add(actor=w.p.tongxu_hq, region=township, data=data)
    assert refused.value.field == "region"
    with pytest.raises(ServiceError) as bad_department:
        routing_rule_add(actor=w.p.tongxu_hq, region=region(TONGXU), data={**data, "department_function": "zoo"})
    assert bad_department.value.field == "department_function"
    assert RoutingRule.objects.count() == 1


def test_scope_other_regions_rules_are_out_of_reach(w: World) -> None:  # noqa: F811
    rule = routing_rule_add(
        actor=w.p.tongxu_hq, region=region(TONGXU), data={"category": "labour", "department_function": "commerce"}
    )
    xinzheng = client_for(w.p.xinzheng_hq)
    assert xinzheng.get(f"/requests/routing/{rule.pk}/").status_code == 404
    assert xinzheng.post(f"/requests/routing/{rule.pk}/active/", {"active": "0"}).status_code == 404
    assert _json(xinzheng, "patch", f"/api/requests/routing-rules/{rule.pk}", {"is_active": False}).status_code == 404
    with pytest.raises(PermissionRefused):
        routing_rule_add(
            actor=w.p.xinzheng_hq, region=region(TONGXU), data={"category": "other", "department_function": "commerce"}
        )
    with pytest.raises(PermissionRefused):
        routing_rule_change(actor=w.p.xinzheng_hq, rule=rule, data={"is_active": False})
    rule.refresh_from_db()
    assert rule.is_active
    # The city above sees and keeps the county's rule; the county sees the city's as inherited, read-only.
    kaifeng = client_for(w.p.kaifeng_hq)
    assert kaifeng.get(f"/requests/routing/{rule.pk}/").status_code == 200
    routing_rule_add(
        actor=w.p.kaifeng_hq, region=region("410200"), data={"category": "finance", "department_function": "finance"}
    )
    page = client_for(w.p.tongxu_hq).get("/requests/routing/").content.decode()
    assert 'data-testid="rules-above"' in page and "开封市" in page
    for user in (w.p.tongxu_industry, w.p.ent_a_user, w.p.tongxu_supervision):
        assert client_for(user).get("/requests/routing/").status_code == 403
        assert client_for(user).get("/api/requests/routing-rules").status_code == 403


def test_the_api_lists_adds_and_changes(w: World) -> None:  # noqa: F811
    client = client_for(w.p.tongxu_hq)
    created = _json(
        client,
        "post",
        "/api/requests/routing-rules",
        {
            "region_code": TONGXU,
            "category": "logistics",
            "urgency": Urgency.URGENT,
            "department_function": "transport",
            "response_hours": 4,
            "handle_days": 2,
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["region"]["code"] == TONGXU and body["urgency"] == "urgent" and body["is_active"] is True
    listed = client.get("/api/requests/routing-rules").json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]
    changed = _json(client, "patch", f"/api/requests/routing-rules/{body['id']}", {"is_active": False})
    assert changed.status_code == 200 and changed.json()["is_active"] is False
    duplicate = _json(
        client,
        "post",
        "/api/requests/routing-rules",
        {"region_code": TONGXU, "category": "logistics", "urgency": "urgent", "department_function": "commerce"},
    )
    assert duplicate.status_code == 409 and duplicate.json()["field"] == "category"
    outside = _json(
        client,
        "post",
        "/api/requests/routing-rules",
        {"region_code": "410184", "category": "logistics", "department_function": "commerce"},
    )
    assert outside.status_code == 403


def test_the_effective_routing_of_every_category_is_read_at_once(
    w: World,  # noqa: F811
    django_assert_max_num_queries: Any,
) -> None:
    """Issue 10: the page's table of what each category gets reads the rules and units once (it read them
    twice per category: 29 queries for the page)."""
    from sibao.tickets.models import Ticket
    from sibao.tickets.routing import routing_for

    routing_rule_add(
        actor=w.p.tongxu_hq,
        region=region(TONGXU),
        data={"category": Category.LABOUR, "urgency": "", "department_function": "commerce", "handle_days": 4},
    )
    client = client_for(w.p.tongxu_hq)
    client.get("/requests/routing/")  # warm-up: the session's first request writes its idle clock
    with django_assert_max_num_queries(16):
        rows = client.get("/requests/routing/").context["effective"]
    assert len(rows) == len(Category.choices)
    for row, value in zip(rows, Category.values, strict=True):
        one = routing_for(Ticket(category=value, urgency=Urgency.NORMAL, holder_region=region(TONGXU)))
        assert (row["unit"], row["rule"], row["handle_days"]) == (one.unit, one.rule, one.handling.days)
