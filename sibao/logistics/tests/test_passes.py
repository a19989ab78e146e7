"""LG-1/LG-3: plates, the pass workflow (scope, one winner), passes following the whitelist (WL-9), the API's
scope and the lists' query counts."""

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from conftest import client_for
from sibao.core.errors import PermissionRefused, ServiceError, StateRefused
from sibao.logistics import services
from sibao.logistics.models import PassEnterprise, PassState, VehiclePass
from sibao.logistics.plates import is_new_energy, validate_plate
from sibao.logistics.tests.factories import World
from sibao.notifications.models import Notification
from sibao.sentinel.tests.helpers import whitelist
from sibao.whitelist.models import Listing, RemovalReason
from sibao.whitelist.services import removal_decide, removal_propose
from tests.query_counts import growing

pytestmark = pytest.mark.django_db


# --- Plates (LG-1) --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "plate", "new_energy"),
    [
        ("豫B·12345", "豫B12345", False),
        ("豫b 1a2b3", "豫B1A2B3", False),
        ("豫A1234挂", "豫A1234挂", False),
        ("豫AD12345", "豫AD12345", True),  # small new-energy: D/F first of six
        ("豫AFA1234", "豫AFA1234", True),
        ("豫A12345D", "豫A12345D", True),  # large new-energy: D/F last
    ],
)
def test_good_plates_are_normalised(raw: str, plate: str, new_energy: bool) -> None:
    assert validate_plate(raw) == plate
    assert is_new_energy(plate) is new_energy


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "豫B1234",
        "豫B123456",
        "XB12345",
        "豫I12345",
        "豫BO1234",
        "豫AX123456",
        "豫AD1A2345",
        "豫AF1A234",
    ],
)
def test_bad_plates_are_refused_with_a_clear_chinese_message(raw: str) -> None:
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        validate_plate(raw)
    assert "车牌" in refused.value.messages[0]


def test_the_service_refuses_a_bad_plate_naming_the_field(world: World) -> None:
    with pytest.raises(ServiceError) as refused:
        services.vehicle_register(actor=world.company_user, enterprise=world.company, plate="豫B12")
    assert refused.value.field == "plate"


# --- The workflow: scope and one winner (LG-1) ----------------------------------------------------------------


def test_another_countys_logistics_group_cannot_see_or_approve_the_pass(world: World) -> None:
    application = world.application()
    client = client_for(world.other_group)
    assert client.get(f"/api/logistics/passes/{application.pk}").status_code == 404
    assert client.post(f"/api/logistics/passes/{application.pk}/actions/approve").status_code == 404
    assert client.get(f"/logistics/passes/{application.pk}/").status_code == 404
    with pytest.raises(PermissionRefused):
        services.pass_decide(actor=world.other_group, vehicle_pass=application, action="approve")
    assert VehiclePass.objects.get(pk=application.pk).state == PassState.SUBMITTED


def test_the_own_group_approves_through_the_api_and_gets_the_qr_token(world: World) -> None:
    application = world.application()
    client = client_for(world.group)
    response = client.post(f"/api/logistics/passes/{application.pk}/actions/approve")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "approved" and len(body["qr_token"]) >= 40  # signed, not a sequential id
    refused = client.post(
        f"/api/logistics/passes/{application.pk}/actions/refuse",
        data=json.dumps({"reason": "材料不全"}),
        content_type="application/json",
    )
    assert refused.status_code == 409


def test_a_return_needs_a_reason(world: World) -> None:
    application = world.application()
    with pytest.raises(ServiceError):
        services.pass_decide(actor=world.group, vehicle_pass=application, action="return", reason=" ")
    returned = services.pass_decide(actor=world.group, vehicle_pass=application, action="return", reason="线路不清")
    assert returned.state == PassState.RETURNED


def test_two_officials_deciding_at_once_make_one_winner(world: World) -> None:
    from conftest import make_user
    from sibao.core.roles import Role

    colleague = make_user("p_tongxu_logistics_2", Role.LOGISTICS, region=world.group.region)
    application = world.application()
    first, second = (VehiclePass.objects.get(pk=application.pk) for _ in range(2))
    services.pass_decide(actor=world.group, vehicle_pass=first, action="approve")
    with pytest.raises(StateRefused):
        services.pass_decide(actor=colleague, vehicle_pass=second, action="refuse", reason="不符合条件")
    assert VehiclePass.objects.get(pk=application.pk).state == PassState.APPROVED


# --- Passes follow the whitelist (WL-9) -----------------------------------------------------------------------


def remove(world: World, enterprise: Any) -> None:
    listing = Listing.objects.get(enterprise=enterprise, removed_at__isnull=True)
    removal = removal_propose(
        actor=world.p.tongxu_industry,
        listing=listing,
        reason=RemovalReason.EPIDEMIC_MEASURES,
        details="防控措施落实不到位导致疫情传入",
    )
    removal_decide(actor=world.p.tongxu_hq, removal=removal, action="confirm")


def test_removal_suspends_a_pass_serving_only_that_firm_and_the_next_check_names_it(world: World) -> None:
    only_a = world.approved(served=[world.p.ent_a])
    both = world.approved(served=[world.p.ent_a, world.p.ent_b])
    assert world.check(only_a)[1].green

    remove(world, world.p.ent_a)

    only_a.refresh_from_db()
    both.refresh_from_db()
    assert only_a.state == PassState.SUSPENDED and world.p.ent_a.name in only_a.suspension_reason
    assert both.state == PassState.APPROVED
    dropped = PassEnterprise.objects.get(vehicle_pass=both, enterprise=world.p.ent_a)
    assert dropped.dropped_at is not None and world.p.ent_a.name in dropped.drop_reason
    topics = Notification.objects.inbox_of(world.company_user).values_list("topic", flat=True)
    assert list(topics).count("logistics.pass_follows_whitelist") == 2  # the holder is told of both

    _, result = world.check(only_a)
    assert not result.green
    message = {v.condition: v.message for v in result.verdicts}["pass"]
    assert world.p.ent_a.name in message
    assert world.check(both)[1].green  # still serving ent_b

    whitelist(world.p.ent_a, world.p.tongxu_hq)  # re-listed: nothing revives silently
    only_a.refresh_from_db()
    assert only_a.state == PassState.SUSPENDED
    assert not world.check(only_a)[1].green


# --- Lists: scope and query counts -------------------------------------------------------------------------------


def test_a_company_sees_only_its_own_vehicles_and_passes(world: World) -> None:
    vehicle_pass = world.approved()
    outsider = client_for(world.p.ent_a_user)
    assert outsider.get(f"/api/logistics/passes/{vehicle_pass.pk}").status_code == 404
    assert outsider.get(f"/api/logistics/vehicles/{world.vehicle.pk}").status_code == 404
    assert outsider.get(f"/api/logistics/drivers/{world.driver.pk}").status_code == 404
    own = client_for(world.company_user).get("/api/logistics/passes").json()
    assert [row["id"] for row in own["items"]] == [vehicle_pass.pk]


def test_lists_cost_the_same_queries_whatever_their_length(world: World) -> None:
    def grow(count: int) -> None:
        for _ in range(count):
            vehicle_pass = world.approved()
            world.check(vehicle_pass)

    group, company = client_for(world.group), client_for(world.company_user)
    problems = growing(
        [
            ("passes page", group, "/logistics/passes/", None),
            ("passes api", company, "/api/logistics/passes", None),
            ("vehicles page", company, "/logistics/vehicles/", None),
            ("checks page", group, "/logistics/checks/", None),
            ("checks api", group, "/api/logistics/checks", None),
        ],
        grow,
    )
    assert problems == []


def test_the_new_roles_reach_what_they_need_and_no_more(world: World) -> None:
    officer, group = client_for(world.officer), client_for(world.group)
    assert officer.get("/logistics/check/").status_code == 200
    assert officer.get("/logistics/passes/").status_code == 403
    assert officer.get("/api/logistics/passes").status_code == 403
    assert officer.get("/enterprises/").status_code == 403
    for url in ("/logistics/check/", "/logistics/passes/", "/logistics/checkpoints/", "/api/logistics/passes"):
        assert group.get(url).status_code == 200, url
    assert group.get("/logistics/passes/new/").status_code == 403  # the company applies, not the task force


def test_a_checkpoint_system_checks_through_the_api(world: World) -> None:
    from sibao.logistics.tokens import sign_code

    vehicle_pass = world.approved()
    token = sign_code(vehicle_pass.code)
    client = client_for(world.officer)
    found = client.get(f"/api/logistics/checks/passes/{token}").json()
    assert [driver["id"] for driver in found["drivers"]] == [world.driver.pk]
    assert client.get(f"/api/logistics/checks/passes/{token[:-1]}x").status_code == 404  # altered
    body = {"checkpoint": world.checkpoint.pk, "token": token, "driver": world.driver.pk}
    answer = client.post("/api/logistics/checks", json.dumps(body), content_type="application/json")
    assert answer.status_code == 201 and answer.json()["green"] is True
    body["token"] = token[:-1] + ("A" if token[-1] != "A" else "B")
    answer = client.post("/api/logistics/checks", json.dumps(body), content_type="application/json").json()
    assert answer["green"] is False and answer["failed"] == ["pass"]


def test_stations_with_a_position_form_the_map_layer(world: World) -> None:
    data = {"region": world.group.region, "kind": "transfer", "name": "通许县应急物资中转站", "address": "城关镇"}
    data |= {"capacity": 80, "hours": "全天", "latitude": "34.47", "longitude": "114.46"}
    services.station_save(actor=world.group, data=data)
    services.station_save(actor=world.group, data={**data, "name": "无坐标接驳点", "latitude": "", "longitude": ""})
    points = client_for(world.p.tongxu_hq).get("/api/logistics/stations/map?region=410222").json()
    assert [(p["name"], p["region_code"], p["latitude"]) for p in points] == [
        ("通许县应急物资中转站", "410222", "34.470000")
    ]
