"""WL-10: the employee list of whitelisted enterprises for the provincial integrated epidemic platform
(员工信息统一报省一体化疫情防控信息管理平台, 001#annex2-三.2).

Only the epidemic task force gets full ID numbers (the platform matches people by them); any other role
allowed to export gets the masked numbers. Every export is one ACCESS entry in the audit log with the
count and whether full numbers were included (X-3), written like a reveal.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from auditlog.cid import get_cid
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sibao.accounts.models import User
from sibao.core.errors import PermissionRefused
from sibao.core.protected import reveal
from sibao.core.roles import Capability, has_capability
from sibao.core.tabular import write_xlsx
from sibao.epidemic.imports import POST_TYPE_WORDS
from sibao.epidemic.models import Employee
from sibao.epidemic.services import REVEALING_ROLES
from sibao.regions.models import Region, RegionLevel
from sibao.whitelist.selectors import whitelisted_q

HEADERS = [
    "企业名称",
    "统一社会信用代码",
    "所属县（市、区）",
    "乡镇（街道）",
    "姓名",
    "身份证号码",
    "手机号码",
    "岗位类型",
    "班组",
    "宿舍",
    "管理单元",
    "到岗日期",
]
_POST_TYPE_WORD = {str(key): word for word, key in POST_TYPE_WORDS.items()}


@dataclass(frozen=True)
class ProvinceExport:
    content: bytes
    count: int
    full_numbers: bool
    filename: str = "白名单企业员工名单.xlsx"


def province_export_queryset(*, actor: User, region_code: str = "") -> QuerySet[Employee]:
    """Employees still employed at currently whitelisted enterprises (WL-9) in the actor's scope."""
    employees = Employee.objects.visible_to(actor).filter(whitelisted_q("enterprise__"), is_active=True)
    if region_code:
        region = Region.objects.filter(code=region_code).only("path").first()
        employees = employees.filter(enterprise__region__path__startswith=region.path) if region else employees.none()
    return employees.select_related("enterprise", "enterprise__region", "enterprise__region__parent").order_by(
        "enterprise__region__path", "enterprise__name", "enterprise_id", "name", "pk"
    )


def _rows(employees: QuerySet[Employee], full_numbers: bool, counter: list[int]) -> Iterator[list[Any]]:
    for employee in employees.iterator(chunk_size=2000):
        counter[0] += 1
        region = employee.enterprise.region
        county, township = (region.parent, region) if region.level == RegionLevel.TOWNSHIP else (region, None)
        yield [
            employee.enterprise.name,
            employee.enterprise.uscc,
            county.name if county else "",
            township.name if township else "",
            employee.name,
            reveal(employee.id_cipher) if full_numbers else employee.id_masked,
            employee.phone,
            _POST_TYPE_WORD.get(employee.post_type, employee.post_type),
            employee.team,
            employee.dormitory,
            employee.management_unit,
            employee.arrival_date.isoformat() if employee.arrival_date else "",
        ]


def employee_export_province(*, actor: User, region_code: str = "") -> ProvinceExport:
    if not has_capability(actor, Capability.EMPLOYEE_EXPORT_PROVINCE):
        raise PermissionRefused("epidemic.export.forbidden", _("Your role may not export the employee list."))
    full_numbers = getattr(actor, "role", None) in REVEALING_ROLES
    counter = [0]
    content = write_xlsx(
        HEADERS,
        _rows(province_export_queryset(actor=actor, region_code=region_code), full_numbers, counter),
        sheet_title="白名单企业员工",
    )
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Employee),
        object_pk="province-export",
        object_repr=_("Employee list of whitelisted enterprises for the provincial platform"),
        action=LogEntry.Action.ACCESS,
        changes={
            "export": ["", "province_platform"],
            "count": ["", str(counter[0])],
            "id_number": ["(masked)", "(full)" if full_numbers else "(masked)"],
            "region": ["", region_code or getattr(getattr(actor, "region", None), "code", "") or "*"],
        },
        actor=actor,
        cid=get_cid(),
    )
    return ProvinceExport(content=content, count=counter[0], full_numbers=full_numbers)
