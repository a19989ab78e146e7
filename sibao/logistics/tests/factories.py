"""The logistics tests' world: a transport company of 通许县 with a vehicle and drivers, the whitelist enterprises
it serves, the county logistics task forces and checkpoint officers of 通许县 and 新郑市, checkpoints, and an
approved pass — all made through the services."""

import itertools
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from conftest import Personas, make_user, region
from sibao.accounts.models import User
from sibao.core.roles import Role
from sibao.core.sectors import Sector
from sibao.enterprises.models import Enterprise
from sibao.enterprises.tests.factories import EnterpriseFactory
from sibao.epidemic.models import CodeColour
from sibao.epidemic.tests.test_employees import id_number
from sibao.logistics import services
from sibao.logistics.models import Arrangement, Checkpoint, CheckpointKind, Driver, Vehicle, VehiclePass
from sibao.logistics.tokens import sign_code
from sibao.sentinel.tests.helpers import whitelist

_plates = itertools.count(10001)
_bodies = itertools.count(1)


def next_plate() -> str:
    return f"豫B{next(_plates)}"


def next_id_number() -> str:
    return id_number(f"41022219900203{next(_bodies) % 1000:03d}")


@dataclass
class World:
    p: Personas
    company: Enterprise
    company_user: User
    group: User  # 通许县 保物流畅通组
    other_group: User  # 新郑市 保物流畅通组
    officer: User  # 通许县 checkpoint officer
    other_officer: User  # 新郑市 checkpoint officer
    checkpoint: Checkpoint  # 通许县
    other_checkpoint: Checkpoint  # 新郑市
    vehicle: Vehicle
    driver: Driver  # green code, negative certificate 2 h ago
    driver_number: str

    def driver_with(
        self, *, colour: str = CodeColour.GREEN, tested: datetime | None = None, number: str | None = None
    ) -> tuple[Driver, str]:
        number = number or next_id_number()
        driver = services.driver_register(
            actor=self.company_user,
            enterprise=self.company,
            data={"name": f"司机{number[-4:]}", "id_number": number, "health_code": colour},
        )
        if tested is not None:
            driver = services.driver_record_health(
                actor=self.company_user, driver=driver, certificate_sampled_at=tested
            )
        return driver, number

    def application(self, **overrides: Any) -> VehiclePass:
        today = timezone.localdate()
        data: dict[str, Any] = {
            "vehicle": self.vehicle,
            "drivers": [self.driver],
            "served": [self.p.ent_a, self.p.ent_b],
            "arrangement": Arrangement.FIXED_OUTSOURCED,
            "route": "通许县—开封市区",
            "valid_from": today,
            "valid_until": today + timedelta(days=10),
        }
        data.update(overrides)
        return services.pass_apply(actor=self.company_user, enterprise=self.company, data=data)

    def approved(self, **overrides: Any) -> VehiclePass:
        if "vehicle" not in overrides:
            overrides["vehicle"] = services.vehicle_register(
                actor=self.company_user, enterprise=self.company, plate=next_plate()
            )
        return services.pass_decide(actor=self.group, vehicle_pass=self.application(**overrides), action="approve")

    def dates(self, vehicle_pass: VehiclePass, valid_from: date, valid_until: date) -> VehiclePass:
        """Move a pass's dates (a test of the check's calendar; applications may not start in the past)."""
        VehiclePass.objects.filter(pk=vehicle_pass.pk).update(valid_from=valid_from, valid_until=valid_until)
        vehicle_pass.refresh_from_db()
        return vehicle_pass

    def check(self, vehicle_pass: VehiclePass | None, *, token: str | None = None, **kwargs: Any) -> Any:
        kwargs.setdefault("actor", self.officer)
        kwargs.setdefault("checkpoint_id", self.checkpoint.pk)
        if "driver_id" not in kwargs and "id_number" not in kwargs:
            kwargs["driver_id"] = self.driver.pk
        scanned = token if token is not None else sign_code(vehicle_pass.code if vehicle_pass else "")
        return services.pass_check(token=scanned, **kwargs)


def build_world(p: Personas) -> World:
    whitelist(p.ent_a, p.tongxu_hq)
    whitelist(p.ent_b, p.tongxu_hq)
    tongxu, xinzheng = region("410222"), region("410184")
    company = EnterpriseFactory(name="通许县宏远物流运输有限公司", region=p.ent_a.region, sector=Sector.TRANSPORT)
    company_user = make_user("p_transport", Role.ENTERPRISE, enterprise=company)
    group = make_user("p_tongxu_logistics", Role.LOGISTICS, region=tongxu)
    other_group = make_user("p_xinzheng_logistics", Role.LOGISTICS, region=xinzheng)
    officer = make_user("p_tongxu_checkpoint", Role.CHECKPOINT, region=tongxu)
    other_officer = make_user("p_xinzheng_checkpoint", Role.CHECKPOINT, region=xinzheng)
    checkpoint = services.checkpoint_save(
        actor=group, data={"region": tongxu, "name": "通许收费站检查点", "kind": CheckpointKind.HIGHWAY_EXIT}
    )
    other_checkpoint = services.checkpoint_save(
        actor=other_group, data={"region": xinzheng, "name": "新郑收费站检查点", "kind": CheckpointKind.HIGHWAY_EXIT}
    )
    vehicle = services.vehicle_register(actor=company_user, enterprise=company, plate=next_plate())
    world = World(
        p=p,
        company=company,
        company_user=company_user,
        group=group,
        other_group=other_group,
        officer=officer,
        other_officer=other_officer,
        checkpoint=checkpoint,
        other_checkpoint=other_checkpoint,
        vehicle=vehicle,
        driver=None,  # type: ignore[arg-type]
        driver_number="",
    )
    world.driver, world.driver_number = world.driver_with(tested=timezone.now() - timedelta(hours=2))
    return world
