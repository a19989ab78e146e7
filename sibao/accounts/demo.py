"""Demo users for every role in two counties, the city, the province (make run prints them)."""

from dataclasses import dataclass

from django.db.models import Q

from sibao.accounts.models import User
from sibao.accounts.services import user_create
from sibao.core.roles import Role
from sibao.core.sectors import Sector
from sibao.enterprises.models import Enterprise
from sibao.organisation.models import DepartmentFunction, Unit, UnitKind
from sibao.regions.models import Region, RegionLevel

# Meets the password policy (≥ 10 characters, mixed classes). Demo only.
DEMO_PASSWORD = "Sibao#2026demo"


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    role: str
    region_code: str
    sector: str = ""
    unit_kind: str = ""
    unit_function: str = ""
    township_name: str = ""  # township officers: which township of the county


def _county_users(prefix: str, code: str, county: str, township: str) -> list[DemoUser]:
    return [
        DemoUser(f"{prefix}_hq", f"{county}指挥部办公室", Role.HQ_OFFICE, code, unit_kind=UnitKind.HQ_OFFICE),
        DemoUser(
            f"{prefix}_industry",
            f"{county}工业主管部门",
            Role.SECTOR_DEPARTMENT,
            code,
            sector=Sector.INDUSTRY,
            unit_function=DepartmentFunction.INDUSTRY_IT,
        ),
        DemoUser(
            f"{prefix}_commerce",
            f"{county}商务局",
            Role.SECTOR_DEPARTMENT,
            code,
            sector=Sector.COMMERCE,
            unit_function=DepartmentFunction.COMMERCE,
        ),
        DemoUser(f"{prefix}_township", f"{township}", Role.TOWNSHIP, code, township_name=township),
        DemoUser(
            f"{prefix}_epidemic", f"{county}防疫保障专班", Role.EPIDEMIC, code, unit_function=DepartmentFunction.HEALTH
        ),
        DemoUser(
            f"{prefix}_supervision",
            f"{county}督办督查专班",
            Role.SUPERVISION,
            code,
            unit_function=DepartmentFunction.SUPERVISION,
        ),
        DemoUser(f"{prefix}_leader", f"{county}指挥长", Role.LEADER, code, unit_kind=UnitKind.HQ),
        # EM-4: the epidemic HQ's office decides shutdowns with the HQ office (its unit: the emergency demo).
        DemoUser(f"{prefix}_epidemic_hq", f"{county}疫情防控指挥部办公室", Role.EPIDEMIC_HQ_OFFICE, code),
        # LG-1/LG-2: the 保物流畅通组 (led by the transport bureau) and an officer at a traffic checkpoint.
        DemoUser(
            f"{prefix}_logistics",
            f"{county}保物流畅通组",
            Role.LOGISTICS,
            code,
            unit_function=DepartmentFunction.TRANSPORT,
        ),
        DemoUser(f"{prefix}_checkpoint", f"{county}交通防疫检查点", Role.CHECKPOINT, code),
    ]


DEMO_USERS: list[DemoUser] = [
    DemoUser("admin", "平台管理员", Role.ADMINISTRATOR, "410000"),
    DemoUser("henan_hq", "河南省指挥部办公室", Role.HQ_OFFICE, "410000", unit_kind=UnitKind.HQ_OFFICE),
    DemoUser("kaifeng_hq", "开封市指挥部办公室", Role.HQ_OFFICE, "410200", unit_kind=UnitKind.HQ_OFFICE),
    # 分级保障 (WL-4): big enterprises are reviewed by the city's or the province's department.
    DemoUser(
        "henan_industry",
        "河南省工业和信息化厅",
        Role.SECTOR_DEPARTMENT,
        "410000",
        sector=Sector.INDUSTRY,
        unit_function=DepartmentFunction.INDUSTRY_IT,
    ),
    DemoUser(
        "kaifeng_industry",
        "开封市工业和信息化局",
        Role.SECTOR_DEPARTMENT,
        "410200",
        sector=Sector.INDUSTRY,
        unit_function=DepartmentFunction.INDUSTRY_IT,
    ),
    DemoUser(
        "zhengzhou_industry",
        "郑州市工业和信息化局",
        Role.SECTOR_DEPARTMENT,
        "410100",
        sector=Sector.INDUSTRY,
        unit_function=DepartmentFunction.INDUSTRY_IT,
    ),
    *_county_users("tongxu", "410222", "通许县", "咸平街道"),
    *_county_users("xinzheng", "410184", "新郑市", "新建路街道"),
    DemoUser("fangcheng_hq", "方城县指挥部办公室", Role.HQ_OFFICE, "411322", unit_kind=UnitKind.HQ_OFFICE),
    DemoUser("xinxian_hq", "新县指挥部办公室", Role.HQ_OFFICE, "411523", unit_kind=UnitKind.HQ_OFFICE),
]
# Enterprise users, one per listed sector: the first enterprise (by credit code) of the county in that sector
# that a walk-through can use end to end — served at county level by a demo department and, for industry
# and commerce, meeting the 003#二 criteria (an operating, compliant 规上 or livelihood firm with a clean record).
DEMO_ENTERPRISE_USERS = {
    # tongxu_ent3: a transport company that applies for vehicle passes (LG-1).
    "tongxu": ("410222", [Sector.INDUSTRY, Sector.COMMERCE, Sector.TRANSPORT]),
    "xinzheng": ("410184", [Sector.INDUSTRY]),
}


def _unit_for(spec: DemoUser, region: Region) -> Unit | None:
    units = Unit.objects.filter(region=region, is_active=True)
    if spec.unit_kind:
        return units.filter(kind=spec.unit_kind).first()
    if spec.unit_function:
        return units.filter(kind=UnitKind.DEPARTMENT, function=spec.unit_function).first()
    return None


def _walk_through_enterprise(county_code: str, sector: str) -> Enterprise:
    in_sector = Enterprise.objects.filter(region__path__contains=f"/{county_code}/", sector=sector).order_by("uscc")
    suitable = in_sector.filter(
        kind="enterprise",
        service_level="county",
        operating_status="operating",
        credit_status="good",
        environmental_compliant=True,
        safety_compliant=True,
        records__isnull=True,
    ).filter(Q(above_designated_size=True) | Q(livelihood=True))
    chosen = suitable.first() or in_sector.first()
    if chosen is None:
        raise ValueError(f"no demo enterprise in {county_code} for {sector}")
    return chosen


def load_demo_users(*, actor: User | None = None) -> list[tuple[User, str]]:
    """Create missing demo users (existing ones keep their password). Returns (user, note) pairs."""
    result: list[tuple[User, str]] = []
    for spec in DEMO_USERS:
        existing = User.objects.filter(username=spec.username).first()
        if existing:
            result.append((existing, ""))
            continue
        region = Region.objects.get(code=spec.region_code)
        unit = _unit_for(spec, region)
        if spec.township_name:
            township = (
                Region.objects.filter(parent=region, level=RegionLevel.TOWNSHIP, name=spec.township_name).first()
                or Region.objects.filter(parent=region, level=RegionLevel.TOWNSHIP).order_by("code").first()
            )
            region = township or region
            unit = Unit.objects.filter(region=region, kind=UnitKind.TOWNSHIP).first()
        user = user_create(
            actor=actor,
            username=spec.username,
            password=DEMO_PASSWORD,
            role=spec.role,
            display_name=spec.display_name,
            region=region,
            unit=unit,
            sector=spec.sector,
        )
        result.append((user, ""))
    for prefix, (county_code, sectors) in DEMO_ENTERPRISE_USERS.items():
        enterprises = [_walk_through_enterprise(county_code, sector) for sector in sectors]
        for index, enterprise in enumerate(enterprises, start=1):
            username = f"{prefix}_ent{index}"
            user = User.objects.filter(username=username).first() or user_create(
                actor=actor,
                username=username,
                password=DEMO_PASSWORD,
                role=Role.ENTERPRISE,
                display_name=f"{enterprise.name}联系人",
                enterprise=enterprise,
            )
            result.append((user, enterprise.name))
    return result


def load_demo_accounts() -> dict[str, int]:
    """``load_demo``'s step (see ``AccountsConfig.demo_data``): the demo users, counted."""
    return {"users": len(load_demo_users())}
