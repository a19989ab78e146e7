"""OR-2…OR-6 API shapes: the command structure as the organisation page shows it, and the HQ office's edits of
a unit's roster, office and policy consultant."""

from ninja import Field, Schema

from sibao.core.api_types import Input, Patch, optional_text, required_text
from sibao.organisation.models import MembershipRole


class StructureQuery(Input):
    region: str = optional_text(12, description="区划代码：该地区的指挥部（缺省：可见的第一个）")


class ExpertGapQuery(Input):
    region: str = optional_text(12, description="区划代码（含下级；缺省：本人所在地区）")


class OrganisationRegionOut(Schema):
    code: str
    name: str
    level: str


class MemberOut(Schema):
    id: int  # the membership: DELETE /api/organisation/members/{id} takes the person off this post
    role: str
    role_label: str
    name: str
    post: str
    phone: str


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


class RoleOut(Schema):
    value: str
    label: str


class UnitRosterOut(UnitOut):
    roles: list[RoleOut]  # the posts this unit has (empty: no roster of its own)


class MemberIn(Input):
    role: MembershipRole = Field(..., description="职务；须为该单位所设职务之一（见单位的 roles）")
    name: str = required_text(32, description="姓名")
    post: str = optional_text(128, description="职务/单位职务，如 县委副书记、县长")
    phone: str = optional_text(32, description="联系电话")


class UnitPatch(Patch):
    office_location: str | None = optional_text(128, default=None, description="办公地点")
    phone: str | None = optional_text(32, default=None, description="联系电话")
    duties: str | None = optional_text(2000, default=None, description="职责")


class ConsultantIn(Input):
    name: str = required_text(32, description="政策咨询员姓名")
    post: str = optional_text(128, description="职务")
    phone: str = required_text(32, description="联系电话（随政策清单公布）")


class ConsultantGapOut(Schema):
    id: int
    name: str
    region_code: str
    region_name: str
