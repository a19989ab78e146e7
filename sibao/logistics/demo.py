"""Demo logistics (LG-1…LG-4), clearly made up, in 通许县 and 新郑市, played through the services with the demo
users as actors:

* checkpoints (``tongxu_checkpoint`` checks at 通许收费站), transfer stations with map positions (one started,
  the others on standby) and the receiving points of the first listed enterprises;
* the transport company of ``tongxu_ent3`` with three vehicles and four drivers: 张卫东 (green code, a negative
  certificate from this morning), 李国强 (green code, last negative test three days ago), 赵磊 (yellow code) and
  孙建华 (no code recorded). Its first vehicle has no pass: the walk-through applies for one with 张卫东 and 李国强,
  ``tongxu_logistics`` approves it, the pass is printed, and ``tongxu_checkpoint`` lets 张卫东 through and refuses
  李国强 for the old test. The second vehicle holds an approved pass, the third an application awaiting the task
  force, and one more pass serves only the enterprise whose removal from the whitelist awaits the HQ office —
  confirming that removal suspends it;
* a listed industrial enterprise's own truck with its employee as driver (the transport whitelist, LG-3);
* a few checks today, so the checks page and the command-screen panel have figures.

Idempotent: a company that already has vehicles is left as it is, except that the walk-through driver's
negative certificate is renewed when it is older than 12 hours (``make run`` loads the demo on every start, and
the walk-through must still find him green days later).
"""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from sibao.accounts.models import User
from sibao.enterprises.models import Enterprise
from sibao.epidemic.models import CodeColour, Employee
from sibao.logistics import services
from sibao.logistics.models import (
    Arrangement,
    Checkpoint,
    CheckpointKind,
    Driver,
    PassCheck,
    ReceivingPoint,
    StationKind,
    StationStatus,
    TransferStation,
    Vehicle,
    VehicleKind,
    VehiclePass,
)
from sibao.logistics.tokens import sign_code
from sibao.regions.models import Region
from sibao.whitelist.models import Removal, RemovalState
from sibao.whitelist.selectors import whitelisted_q

COMPANY_USER = "tongxu_ent3"
GROUP = "tongxu_logistics"
OFFICER = "tongxu_checkpoint"
WALK_THROUGH_DRIVER = "张卫东"
FRESH_HOURS = 12

CHECKPOINTS = [
    ("410222", "通许收费站防疫检查点", CheckpointKind.HIGHWAY_EXIT, "G1511日兰高速通许出口", "34.4770", "114.4930"),
    ("410222", "S219通许—尉氏交界检查点", CheckpointKind.BORDER, "S219省道与尉氏县交界处", "34.4010", "114.3560"),
    ("410184", "新郑收费站防疫检查点", CheckpointKind.HIGHWAY_EXIT, "京港澳高速新郑出口", "34.4030", "113.7490"),
]
STATIONS = [
    (
        "410222",
        StationKind.TRANSFER,
        "通许县应急物资中转站（示例）",
        "通许县产业集聚区物流园区内",
        120,
        StationStatus.ACTIVE,
        "34.4890",
        "114.4790",
    ),
    (
        "410222",
        StationKind.CONNECTION,
        "通许县咸平街道接驳点（示例）",
        "咸平街道G343国道旁货运停车场",
        40,
        StationStatus.STANDBY,
        "34.4720",
        "114.4650",
    ),
    (
        "410200",
        StationKind.DISTRIBUTION,
        "开封市应急物资分拨场地（示例）",
        "开封综合保税区分拨中心",
        300,
        StationStatus.STANDBY,
        "34.7930",
        "114.4020",
    ),
    (
        "410184",
        StationKind.TRANSFER,
        "新郑市零接触物资中转站（示例）",
        "新郑市薛店镇物流园",
        150,
        StationStatus.STANDBY,
        "34.4880",
        "113.7850",
    ),
]
DRIVERS = [
    # name, ID body (17 digits), phone, code recorded, negative certificate hours ago (None: none)
    (WALK_THROUGH_DRIVER, "41022219850312451", "13903781201", CodeColour.GREEN, 3),
    ("李国强", "41022219860806213", "13903781202", CodeColour.GREEN, 72),
    ("赵磊", "41022119880117355", "13903781203", CodeColour.YELLOW, 20),
    ("孙建华", "41022419910925117", "13903781204", "", None),
]
PLATES = [("豫B·6T215", VehicleKind.TRUCK), ("豫BD27815", VehicleKind.VAN), ("豫B·3K087", VehicleKind.REFRIGERATED)]
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _id_number(body: str) -> str:
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True)) % 11]


def _users() -> dict[str, User] | None:
    users = {u.username: u for u in User.objects.filter(username__in=[COMPANY_USER, GROUP, OFFICER], is_active=True)}
    if len(users) < 3 or users[COMPANY_USER].enterprise_id is None:
        return None
    return users


def _places(group: User, admin_region_users: dict[str, User]) -> None:
    stations = 0
    for code, name, kind, location, lat, lng in CHECKPOINTS:
        if Checkpoint.objects.filter(name=name).exists():
            continue
        actor = admin_region_users.get(code, group)
        services.checkpoint_save(
            actor=actor,
            data={
                "region": Region.objects.get(code=code),
                "name": name,
                "kind": kind,
                "location": location,
                "latitude": Decimal(lat),
                "longitude": Decimal(lng),
            },
        )
    for code, station_kind, name, address, capacity, status, lat, lng in STATIONS:
        if TransferStation.objects.filter(name=name).exists():
            continue
        services.station_save(
            actor=admin_region_users.get(code, group),
            data={
                "region": Region.objects.get(code=code),
                "kind": station_kind,
                "name": name,
                "address": address,
                "capacity": capacity,
                "hours": "00:00–24:00",
                "contact_phone": "0371-2491" + str(1000 + stations),
                "status": status,
                "latitude": Decimal(lat),
                "longitude": Decimal(lng),
            },
        )
        stations += 1


def _listed(county: str) -> list[Enterprise]:
    return list(
        Enterprise.objects.filter(whitelisted_q(), region__path__contains=f"/{county}/")
        .select_related("region")
        .order_by("pk")
    )


def _renew_walk_through(company: Enterprise, actor: User) -> None:
    driver = Driver.objects.filter(enterprise=company, name=WALK_THROUGH_DRIVER).first()
    now = timezone.now()
    if driver and (
        driver.certificate_sampled_at is None or driver.certificate_sampled_at < now - timedelta(hours=FRESH_HOURS)
    ):
        services.driver_record_health(
            actor=actor, driver=driver, health_code=CodeColour.GREEN, certificate_sampled_at=now - timedelta(hours=3)
        )


def _pass(
    actor: User, company: Enterprise, vehicle: Vehicle, drivers: list[Driver], served: list[Enterprise], **extra: Any
) -> VehiclePass:
    """An application made through the service, then dated two days back (a new one may not start in the past)."""
    today = timezone.localdate()
    data = {
        "vehicle": vehicle,
        "drivers": drivers,
        "served": served,
        "arrangement": extra.get("arrangement", Arrangement.FIXED_OUTSOURCED),
        "route": extra.get("route", "通许县—开封市区，点对点运输"),
        "valid_from": today,
        "valid_until": today + timedelta(days=28),
        "stations": extra.get("stations", []),
        "toll_reduction": True,
    }
    vehicle_pass = services.pass_apply(actor=actor, enterprise=company, data=data)
    VehiclePass.objects.filter(pk=vehicle_pass.pk).update(valid_from=today - timedelta(days=2))
    return vehicle_pass


def _company(users: dict[str, User], listed: list[Enterprise]) -> None:
    company_user, group, officer = users[COMPANY_USER], users[GROUP], users[OFFICER]
    company = Enterprise.objects.get(pk=company_user.enterprise_id or 0)
    vehicles = [
        services.vehicle_register(actor=company_user, enterprise=company, plate=plate, kind=kind)
        for plate, kind in PLATES
    ]
    now = timezone.now()
    drivers = []
    for name, body, phone, colour, hours in DRIVERS:
        driver = services.driver_register(
            actor=company_user,
            enterprise=company,
            data={"name": name, "id_number": _id_number(body), "phone": phone, "health_code": colour},
        )
        if hours is not None:
            driver = services.driver_record_health(
                actor=company_user, driver=driver, certificate_sampled_at=now - timedelta(hours=hours)
            )
        drivers.append(driver)
    if len(listed) < 3:
        return
    stations = list(TransferStation.objects.filter(region__code__in=["410222", "410200"]).order_by("pk"))
    approved = _pass(company_user, company, vehicles[1], drivers[:2], listed[:2], stations=stations[:2])
    services.pass_decide(actor=group, vehicle_pass=approved, action="approve")
    _pass(company_user, company, vehicles[2], drivers[2:3], listed[1:3], route="通许县—郑州市经开区，点对点运输")
    # The whitelist demo's pending removal: this pass serves only that enterprise, so confirming the removal
    # suspends it (and the holder is told).
    pending = (
        Removal.objects.filter(state=RemovalState.PROPOSED, listing__enterprise__region__path__contains="/410222/")
        .select_related("listing__enterprise")
        .first()
    )
    if pending is not None:
        truck = services.vehicle_register(actor=company_user, enterprise=company, plate="豫B·7M530")
        only = _pass(company_user, company, truck, drivers[:1], [pending.listing.enterprise])
        services.pass_decide(actor=group, vehicle_pass=only, action="approve")
    # Checks today at 通许收费站: one let through, one old test, one person not on the pass, one forged code.
    checkpoint = Checkpoint.objects.get(name=CHECKPOINTS[0][1]).pk
    token = sign_code(approved.code)
    for driver_id, id_number, scanned in (
        (drivers[0].pk, "", token),
        (drivers[1].pk, "", token),
        (None, _id_number("41022219930505218"), token),
        (None, "", token[:-3] + "xyz"),
    ):
        services.pass_check(
            actor=officer, checkpoint_id=checkpoint, token=scanned, driver_id=driver_id, id_number=id_number
        )


def _own_truck(listed: list[Enterprise], group: User, admin: User) -> None:
    """LG-3: a listed industrial enterprise's own truck, driven by one of its employees (registered here as a
    logistics post, so the driver is linked to the employee record)."""
    from sibao.epidemic.models import PostType
    from sibao.epidemic.services import employee_create

    for enterprise in listed:
        if Vehicle.objects.filter(enterprise=enterprise).exists():
            continue
        number = _id_number("41022219850715231")
        if not Employee.objects.filter(enterprise=enterprise, name="王海军").exists():
            employee_create(
                actor=None,
                enterprise=enterprise,
                data={"name": "王海军", "id_number": number, "post_type": PostType.LOGISTICS, "phone": "13903781205"},
            )
        truck = services.vehicle_register(actor=admin, enterprise=enterprise, plate="豫B·8H612")
        driver = services.driver_register(
            actor=admin, enterprise=enterprise, data={"name": "王海军", "id_number": number, "phone": "13903781205"}
        )
        own = _pass(
            admin, enterprise, truck, [driver], [enterprise], arrangement=Arrangement.OWN, route="厂区—通许县产业集聚区"
        )
        services.pass_decide(actor=group, vehicle_pass=own, action="approve")
        return


def _totals() -> dict[str, int]:
    return {
        "vehicles": Vehicle.objects.count(),
        "drivers": Driver.objects.count(),
        "passes": VehiclePass.objects.count(),
        "checkpoints": Checkpoint.objects.count(),
        "stations": TransferStation.objects.count(),
        "checks": PassCheck.objects.count(),
    }


def load_demo_logistics() -> dict[str, int]:
    """Returns what it added."""
    before = _totals()
    users = _users()
    admin = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if users is None or admin is None:
        return {name: 0 for name in before}
    company = Enterprise.objects.get(pk=users[COMPANY_USER].enterprise_id or 0)
    with transaction.atomic():
        # 新郑市's task force keeps its own places; a city's station is entered by the administrator for the city.
        region_users = {"410184": User.objects.filter(username="xinzheng_logistics").first() or admin, "410200": admin}
        _places(users[GROUP], region_users)
        listed = _listed("410222")
        for enterprise in listed[:3]:
            if not ReceivingPoint.objects.filter(enterprise=enterprise).exists():
                services.receiving_point_set(
                    actor=admin,
                    enterprise=enterprise,
                    data={
                        "location": "东门外卸货区（示例）",
                        "hours": "08:00–20:00",
                        "contact_name": "刘建华",
                        "contact_phone": "13803781100",
                        "instructions": "司机不下车，货物放在黄线内后拍照离开。",
                    },
                )
        if not Vehicle.objects.filter(enterprise=company).exists():
            _company(users, listed)
            _own_truck(listed[3:], users[GROUP], admin)
        _renew_walk_through(company, users[COMPANY_USER])
    after = _totals()
    return {name: after[name] - before[name] for name in before}
