"""Load the shipped organisation data (OR-2..OR-6) from ``sibao/organisation/data/*.json``.

One JSON file per region describes its command HQ, the HQ office, the task forces, the government
departments (with their policy consultants), medical institutions and township governments; see
``data/README.md`` for the format. ``load_organisation`` loads one file or every ``*.json`` in a
folder, idempotently and in one transaction:

* units are keyed by (region, name), people by (name, employer) — a person without an employer in
  the file is employed by the region's HQ — and memberships by (unit, person, role);
* missing rows are created and differing rows updated; nothing is ever deleted, so running the
  loader twice changes nothing;
* every file is validated completely (regions loaded, enum values, references, one lead department
  per sector, an epidemic expert in every task force, a policy consultant for every department)
  before anything is written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.db import models, transaction

from sibao.core.sectors import Sector
from sibao.organisation.models import (
    SECTOR_LEAD_FUNCTION,
    DepartmentFunction,
    Membership,
    MembershipRole,
    Person,
    TaskForceKind,
    Unit,
    UnitKind,
)
from sibao.regions.models import Region, RegionLevel

DATA_DIR = Path(__file__).resolve().parent / "data"
FORMAT_VERSION = 1

HQ_ROLES: set[str] = {
    MembershipRole.COMMANDER,
    MembershipRole.FIRST_DEPUTY,
    MembershipRole.DEPUTY,
    MembershipRole.MEMBER,
    MembershipRole.STAFF,
}
TASK_FORCE_ROLES: set[str] = {
    MembershipRole.LEADER,
    MembershipRole.DEPUTY_LEADER,
    MembershipRole.OFFICE_DIRECTOR,
    MembershipRole.EPIDEMIC_EXPERT,
    MembershipRole.STAFF,
}
TOP_LEVEL_KEYS = {
    "format",
    "region",
    "region_name",
    "source",
    "demo_people",
    "notes",
    "departments",
    "hq",
    "office",
    "task_forces",
    "medical",
    "townships",
}
PERSON_ATTRS = ("post", "phone", "employer")


class OrganisationDataError(CommandError):
    """A data file is unreadable or inconsistent, or a region it needs is not loaded."""


@dataclass
class LoadStats:
    files: int = 0
    units_created: int = 0
    units_updated: int = 0
    people_created: int = 0
    people_updated: int = 0
    memberships_created: int = 0
    memberships_updated: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


# --- parsing and validation -------------------------------------------------------------------


@dataclass
class UnitSpec:
    key: str  # the unit's name, unique in the file
    kind: str
    name: str
    short_name: str = ""
    region_code: str = ""
    parent: str = ""  # key of the parent unit
    function: str = ""
    task_force_kind: str = ""
    sector: str = ""
    lead: str = ""  # key of the lead / host department
    office_location: str = ""
    duties: str = ""
    phone: str = ""
    consultant: str = ""  # person name
    order: int = 0


@dataclass
class PersonSpec:
    name: str
    post: str = ""
    phone: str = ""
    employer: str = ""  # unit key; "" = the HQ
    is_epidemic_expert: bool = False


@dataclass
class RegionData:
    path: Path
    region_code: str
    region_name: str
    units: dict[str, UnitSpec] = field(default_factory=dict)
    people: dict[str, PersonSpec] = field(default_factory=dict)
    memberships: list[tuple[str, str, str, int]] = field(default_factory=list)  # unit key, person, role, order
    townships_from_regions: bool = False
    health_centres: bool = False
    hq_key: str = ""


class _Reader:
    """Turns one JSON document into a :class:`RegionData`, collecting every error."""

    def __init__(self, path: Path, document: Any) -> None:
        self.path = path
        self.doc = document
        self.errors: list[str] = []
        self.aliases: dict[str, str] = {}  # name or short name -> unit key
        self.ambiguous: set[str] = set()

    def error(self, message: str) -> None:
        self.errors.append(message)

    def text(self, obj: dict[str, Any], key: str, where: str, *, required: bool = False, max_length: int = 0) -> str:
        value = obj.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.error(f"{where}: {key} 应为字符串")
            return ""
        value = value.strip()
        if required and not value:
            self.error(f"{where}: 缺少 {key}")
        if max_length and len(value) > max_length:
            self.error(f"{where}: {key} 超过 {max_length} 字：{value}")
        return value

    def choice(self, obj: dict[str, Any], key: str, where: str, choices: type[models.TextChoices]) -> str:
        value = self.text(obj, key, where)
        if value and value not in choices.values:
            self.error(f"{where}: {key} 取值无效：{value!r}（可选：{', '.join(choices.values)}）")
        return value

    def items(self, obj: dict[str, Any], key: str, where: str) -> list[dict[str, Any]]:
        value = obj.get(key) or []
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.error(f"{where}: {key} 应为对象列表")
            return []
        return value

    def add_unit(self, spec: UnitSpec, where: str) -> None:
        if not spec.name:
            return
        for limit_field in ("name", "short_name", "office_location"):
            limit = getattr(Unit._meta.get_field(limit_field), "max_length", 0) or 0
            if len(getattr(spec, limit_field)) > limit:
                self.error(f"{where}: {limit_field} 超过 {limit} 字")
        if spec.key in self.data.units:
            self.error(f"{where}: 单位名称重复：{spec.name}")
            return
        self.data.units[spec.key] = spec
        for alias in {spec.name, spec.short_name} - {""}:
            if alias in self.aliases and self.aliases[alias] != spec.key:
                self.ambiguous.add(alias)
            self.aliases[alias] = spec.key

    def resolve(self, reference: str, where: str, *, kinds: set[str] | None = None) -> str:
        if reference in self.ambiguous:
            self.error(f"{where}: “{reference}”同时是多个单位的名称或简称，请写全称")
            return ""
        key = self.aliases.get(reference)
        if key is None:
            self.error(f"{where}: 文件中没有单位“{reference}”")
            return ""
        if kinds and self.data.units[key].kind not in kinds:
            self.error(f"{where}: “{reference}”不是{'/'.join(sorted(kinds))}类单位")
            return ""
        return key

    def add_person(self, entry: dict[str, Any], where: str) -> str:
        name = self.text(entry, "name", where, required=True, max_length=Person._meta.get_field("name").max_length or 0)
        if not name:
            return ""
        incoming = {
            "post": self.text(entry, "post", where, max_length=Person._meta.get_field("post").max_length or 0),
            "phone": self.text(entry, "phone", where, max_length=Person._meta.get_field("phone").max_length or 0),
            "employer": self.text(entry, "employer", where),
        }
        person = self.data.people.setdefault(name, PersonSpec(name=name))
        for attr in PERSON_ATTRS:
            value = incoming[attr]
            if not value:
                continue
            current = getattr(person, attr)
            if current and current != value:
                self.error(f"{where}: {name} 的 {attr} 前后不一致：“{current}” / “{value}”")
            else:
                setattr(person, attr, value)
        if entry.get("epidemic_expert") is True:
            person.is_epidemic_expert = True
        return name

    def read(self) -> RegionData:
        doc, where = self.doc, self.path.name
        if not isinstance(doc, dict):
            raise OrganisationDataError(f"{where}: 应为 JSON 对象")
        if doc.get("format", FORMAT_VERSION) != FORMAT_VERSION:
            self.error(f"{where}: 不支持的 format {doc.get('format')!r}")
        unknown = set(doc) - TOP_LEVEL_KEYS
        if unknown:
            self.error(f"{where}: 未知字段 {', '.join(sorted(unknown))}")
        code = self.text(doc, "region", where, required=True)
        self.data = RegionData(path=self.path, region_code=code, region_name=self.text(doc, "region_name", where))

        # 1. Units. Departments first: the office, task forces and people refer to them.
        for index, item in enumerate(self.items(doc, "departments", where)):
            at = f"{where} departments[{index}]"
            name = self.text(item, "name", at, required=True)
            consultant = item.get("policy_consultant")
            consultant_name = ""
            if isinstance(consultant, dict):
                consultant = {**consultant, "post": consultant.get("post") or "惠企政策咨询员"}
                consultant_name = self.add_person(consultant, at)
                if consultant_name:
                    self.data.people[consultant_name].employer = self.data.people[consultant_name].employer or name
            else:
                self.error(f"{at}: {name} 缺少 policy_consultant（OR-6：每个单位配备惠企政策咨询员）")
            spec = UnitSpec(
                key=name,
                kind=UnitKind.DEPARTMENT,
                name=name,
                short_name=self.text(item, "short_name", at),
                region_code=code,
                function=self.choice(item, "function", at, DepartmentFunction) or DepartmentFunction.OTHER,
                sector=self.choice(item, "sector", at, Sector),
                phone=self.text(item, "phone", at),
                consultant=consultant_name,
                order=index,
            )
            if spec.sector and SECTOR_LEAD_FUNCTION.get(spec.sector) != spec.function:
                expected = SECTOR_LEAD_FUNCTION.get(spec.sector)
                self.error(f"{at}: {name} 领办 {spec.sector} 领域，但 function 应为 {expected}")
            self.add_unit(spec, at)
        sectors = [u.sector for u in self.data.units.values() if u.sector]
        for sector in {s for s in sectors if sectors.count(s) > 1}:
            self.error(f"{where}: {sector} 领域有多个领办部门")

        hq = doc.get("hq")
        if not isinstance(hq, dict):
            raise OrganisationDataError(f"{where}: 缺少 hq（指挥部）")
        hq_name = self.text(hq, "name", f"{where} hq", required=True)
        self.data.hq_key = hq_name
        hq_short = self.text(hq, "short_name", where)
        self.add_unit(
            UnitSpec(key=hq_name, kind=UnitKind.HQ, name=hq_name, short_name=hq_short, region_code=code), where
        )

        office = doc.get("office")
        if isinstance(office, dict):
            at = f"{where} office"
            name = self.text(office, "name", at, required=True)
            self.add_unit(
                UnitSpec(
                    key=name,
                    kind=UnitKind.HQ_OFFICE,
                    name=name,
                    short_name=self.text(office, "short_name", at),
                    region_code=code,
                    parent=hq_name,
                    lead=self.text(office, "host", at, required=True),
                    office_location=self.text(office, "location", at),
                    duties=self.text(office, "duties", at),
                    phone=self.text(office, "phone", at),
                ),
                at,
            )

        task_forces = self.items(doc, "task_forces", where)
        seen_kinds: set[str] = set()
        for index, item in enumerate(task_forces):
            at = f"{where} task_forces[{index}]"
            name = self.text(item, "name", at, required=True)
            kind = self.choice(item, "kind", at, TaskForceKind)
            if not kind:
                self.error(f"{at}: 缺少 kind")
            elif kind in seen_kinds:
                self.error(f"{at}: 工作专班 {kind} 重复")
            seen_kinds.add(kind)
            self.add_unit(
                UnitSpec(
                    key=name,
                    kind=UnitKind.TASK_FORCE,
                    name=name,
                    short_name=self.text(item, "short_name", at),
                    region_code=code,
                    parent=hq_name,
                    task_force_kind=kind,
                    sector=kind if kind in Sector.values else "",  # OR-4: the sector task forces map to their sector
                    lead=self.text(item, "lead", at, required=True),
                    office_location=self.text(item, "office_location", at),
                    duties=self.text(item, "duties", at),
                    order=index,
                ),
                at,
            )

        for index, item in enumerate(self.items(doc, "medical", where)):
            at = f"{where} medical[{index}]"
            name = self.text(item, "name", at, required=True)
            self.add_unit(
                UnitSpec(
                    key=name,
                    kind=UnitKind.MEDICAL,
                    name=name,
                    short_name=self.text(item, "short_name", at),
                    region_code=self.text(item, "region", at) or code,
                    phone=self.text(item, "phone", at),
                    order=index,
                ),
                at,
            )

        townships = doc.get("townships") or {}
        if not isinstance(townships, dict):
            self.error(f"{where}: townships 应为对象")
            townships = {}
        self.data.townships_from_regions = townships.get("from_regions") is True
        self.data.health_centres = townships.get("health_centres") is True
        for index, item in enumerate(self.items(townships, "extra", f"{where} townships")):
            at = f"{where} townships.extra[{index}]"
            name = self.text(item, "name", at, required=True)
            self.add_unit(
                UnitSpec(
                    key=name,
                    kind=UnitKind.TOWNSHIP,
                    name=name,
                    short_name=self.text(item, "short_name", at),
                    region_code=self.text(item, "region", at) or code,
                    order=900 + index,
                ),
                at,
            )

        # 2. References between units.
        for spec in self.data.units.values():
            if spec.lead:
                spec.lead = self.resolve(spec.lead, f"{where} {spec.name}", kinds={UnitKind.DEPARTMENT})

        # 3. Memberships (and the people they name).
        for index, item in enumerate(self.items(hq, "members", f"{where} hq")):
            at = f"{where} hq.members[{index}]"
            self.add_membership(hq_name, item, index, HQ_ROLES, at)
        for index, item in enumerate(task_forces):
            at = f"{where} task_forces[{index}]"
            tf_name = self.text(item, "name", at)
            for position, member in enumerate(self.items(item, "members", at)):
                self.add_membership(tf_name, member, position, TASK_FORCE_ROLES, f"{at}.members[{position}]")
            experts = [m for m in self.data.memberships if m[0] == tf_name and m[2] == MembershipRole.EPIDEMIC_EXPERT]
            if tf_name and not experts:
                self.error(f"{at}: {tf_name} 没有疫情防控专家（OR-5：每个工作专班配备1名）")

        for person in self.data.people.values():
            if person.employer:
                person.employer = self.resolve(person.employer, f"{where} 人员 {person.name} 的 employer")

        if self.errors:
            raise OrganisationDataError("组织机构数据有误：\n" + "\n".join(f"- {e}" for e in self.errors))
        return self.data

    def add_membership(self, unit_key: str, entry: dict[str, Any], order: int, roles: set[str], where: str) -> None:
        role = self.choice(entry, "role", where, MembershipRole)
        if role and role not in roles:
            self.error(f"{where}: 此处不能使用角色 {role}（可选：{', '.join(sorted(roles))}）")
        if not role:
            self.error(f"{where}: 缺少 role")
        name = self.add_person(entry, where)
        if not (name and role and unit_key):
            return
        if role == MembershipRole.EPIDEMIC_EXPERT:
            self.data.people[name].is_epidemic_expert = True
        if any(m[:3] == (unit_key, name, role) for m in self.data.memberships):
            self.error(f"{where}: {name} 在 {unit_key} 的 {role} 角色重复")
            return
        self.data.memberships.append((unit_key, name, role, order))


def read_region_file(path: Path) -> RegionData:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise OrganisationDataError(f"无法读取组织机构文件 {path}: {exc}") from exc
    return _Reader(path, document).read()


def data_files(path_or_dir: Path | str) -> list[Path]:
    path = Path(path_or_dir)
    if path.is_dir():
        files = sorted(path.glob("*.json"))
        if not files:
            raise OrganisationDataError(f"{path} 中没有 .json 文件")
        return files
    if not path.is_file():
        raise OrganisationDataError(f"找不到组织机构文件或目录：{path}")
    return [path]


# --- writing ----------------------------------------------------------------------------------


def township_unit_name(county: Region, township: Region) -> str:
    """The government of a township region, e.g. 通许县竖岗镇人民政府 / 通许县咸平街道办事处."""
    name = township.name
    if name.endswith("街道"):
        return f"{county.name}{name}办事处"
    if name.endswith(("镇", "乡")):
        return f"{county.name}{name}人民政府"
    if name.endswith("区"):
        name = f"{name}管委会"
    stem = county.name[:-1] if len(county.name) > 2 else county.name
    return name if name.startswith(stem) else f"{county.name}{name}"


def health_centre_name(county: Region, township: Region) -> str | None:
    """The public health centre of a township: 乡镇卫生院 or 社区卫生服务中心 (none for farms, parks, ...)."""
    if township.name.endswith("街道"):
        return f"{county.name}{township.name}社区卫生服务中心"
    if township.name.endswith(("镇", "乡")):
        return f"{county.name}{township.name}卫生院"
    return None


def _upsert(model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any]) -> tuple[Any, str]:
    """Create or update one row; ``values`` use attribute names (``lead_department_id``)."""
    obj = model._default_manager.filter(**lookup).order_by("pk").first()
    if obj is None:
        return model._default_manager.create(**lookup, **values), "created"
    changed = [attname for attname, value in values.items() if getattr(obj, attname) != value]
    if not changed:
        return obj, ""
    for attname in changed:
        setattr(obj, attname, values[attname])
    obj.save(update_fields=[attname[:-3] if attname.endswith("_id") else attname for attname in changed])
    return obj, "updated"


class _Writer:
    def __init__(self, data: RegionData, regions: dict[str, Region], stats: LoadStats) -> None:
        self.data, self.regions, self.stats = data, regions, stats
        self.units: dict[str, Unit] = {}
        self.unit_outcomes: dict[int, str] = {}  # pk -> "created" / "updated": each unit counts once

    def count(self, kind: str, outcome: str) -> None:
        if outcome:
            setattr(self.stats, f"{kind}_{outcome}", getattr(self.stats, f"{kind}_{outcome}") + 1)

    def write(self) -> None:
        region = self.regions[self.data.region_code]
        specs = list(self.data.units.values())
        if self.data.townships_from_regions:
            specs += self.township_specs(region)
        # Parents and lead departments before the units that point at them.
        rank: dict[str, int] = {UnitKind.DEPARTMENT: 0, UnitKind.HQ: 1}
        for spec in sorted(specs, key=lambda s: rank.get(s.kind, 2)):
            self.save_unit(spec)
        people = {name: self.save_person(spec) for name, spec in self.data.people.items()}
        for spec in specs:
            if spec.consultant:
                unit = self.units[spec.key]
                _obj, outcome = _upsert(Unit, {"pk": unit.pk}, {"policy_consultant_id": people[spec.consultant].pk})
                if outcome:
                    self.unit_outcomes.setdefault(unit.pk, outcome)
        for unit_key, person_name, role, order in self.data.memberships:
            _obj, outcome = _upsert(
                Membership,
                {"unit": self.units[unit_key], "person": people[person_name], "role": role},
                {"order": order},
            )
            self.count("memberships", outcome)
        for outcome in self.unit_outcomes.values():
            self.count("units", outcome)

    def township_specs(self, county: Region) -> list[UnitSpec]:
        specs: list[UnitSpec] = []
        townships = county.children.filter(level=RegionLevel.TOWNSHIP, is_active=True).order_by("code")
        for index, township in enumerate(townships):
            name = township_unit_name(county, township)
            specs.append(
                UnitSpec(
                    key=name,
                    kind=UnitKind.TOWNSHIP,
                    name=name,
                    short_name=township.name[:32],
                    region_code=township.code,
                    order=index,
                )
            )
            centre = health_centre_name(county, township) if self.data.health_centres else None
            if centre:
                specs.append(
                    UnitSpec(
                        key=centre,
                        kind=UnitKind.MEDICAL,
                        name=centre,
                        short_name=centre.removeprefix(county.name)[:32],
                        region_code=township.code,
                        order=100 + index,
                    )
                )
        return specs

    def save_unit(self, spec: UnitSpec) -> None:
        region = self.regions[spec.region_code]
        values = {
            "kind": spec.kind,
            "short_name": spec.short_name,
            "parent_id": self.units[spec.parent].pk if spec.parent else None,
            "function": spec.function,
            "task_force_kind": spec.task_force_kind,
            "sector": spec.sector,
            "lead_department_id": self.units[spec.lead].pk if spec.lead else None,
            "office_location": spec.office_location,
            "duties": spec.duties,
            "phone": spec.phone,
            "order": spec.order,
            "is_active": True,
        }
        unit, outcome = _upsert(Unit, {"region": region, "name": spec.name}, values)
        if outcome:
            self.unit_outcomes.setdefault(unit.pk, outcome)
        self.units[spec.key] = unit

    def save_person(self, spec: PersonSpec) -> Person:
        employer = self.units[spec.employer or self.data.hq_key]
        values = {"post": spec.post, "phone": spec.phone, "is_epidemic_expert": spec.is_epidemic_expert}
        person, outcome = _upsert(Person, {"name": spec.name, "employer": employer}, values)
        self.count("people", outcome)
        return person


def load_organisation(path_or_dir: Path | str = DATA_DIR) -> dict[str, int]:
    """Load one organisation file or every ``*.json`` in a folder; returns the counts of what changed."""
    files = data_files(path_or_dir)
    parsed = [read_region_file(path) for path in files]

    codes = {d.region_code for d in parsed}
    codes |= {u.region_code for d in parsed for u in d.units.values()}
    regions = {region.code: region for region in Region.objects.filter(code__in=codes)}
    missing = sorted(codes - set(regions))
    if missing:
        raise OrganisationDataError(
            f"行政区划 {', '.join(missing)} 尚未导入数据库：请先运行 `manage.py load_regions`，再导入组织机构。"
        )
    for data in parsed:
        region = regions[data.region_code]
        if data.region_name and data.region_name != region.name:
            raise OrganisationDataError(
                f"{data.path.name}: 区划 {data.region_code} 在数据库中名为“{region.name}”，"
                f"文件写的是“{data.region_name}”"
            )
    # Townships come from the database; make sure the township regions are at hand.
    for data in parsed:
        if data.townships_from_regions:
            for township in regions[data.region_code].children.filter(level=RegionLevel.TOWNSHIP, is_active=True):
                regions.setdefault(township.code, township)

    stats = LoadStats(files=len(files))
    with transaction.atomic():
        for data in parsed:
            _Writer(data, regions, stats).write()
    return stats.as_dict()
