"""OR-2…OR-6 API shapes: the command structure as the organisation page shows it."""

from ninja import Schema

from sibao.core.api_types import Input, optional_text


class StructureQuery(Input):
    region: str = optional_text(12, description="区划代码：该地区的指挥部（缺省：可见的第一个）")


class ExpertGapQuery(Input):
    region: str = optional_text(12, description="区划代码（含下级；缺省：本人所在地区）")


class OrganisationRegionOut(Schema):
    code: str
    name: str
    level: str


class MemberOut(Schema):
    role: str
    role_label: str
    name: str
    post: str


class ConsultantOut(Schema):
    name: str
    post: str
    phone: str


class UnitOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    short_name: str
    region_code: str
    region_name: str
    task_force_kind: str
    sector: str
    lead_department: str | None
    office_location: str
    duties: str
    phone: str
    policy_consultant: ConsultantOut | None
    members: list[MemberOut]
    has_epidemic_expert: bool | None  # task forces only (OR-5)


class StructureOut(Schema):
    region: OrganisationRegionOut
    hq: UnitOut | None
    office: UnitOut | None
    task_forces: list[UnitOut]
    departments: list[UnitOut]
    townships: list[UnitOut]
    medical: list[UnitOut]


class ExpertGapOut(Schema):
    id: int
    name: str
    region_code: str
    region_name: str
