"""EP-1 employee import (.xlsx/.csv) for one enterprise, on the shared preview → confirm mechanism (X-4).

Each row is checked with the validators ``employee_create`` uses (name required, ``validate_id_number``,
post type, date), plus duplicates inside the file and against the enterprise (by the ID digest, so no
number is decrypted). Saving calls ``employee_create`` row by row inside ``run_import``'s transaction, so
the service's own checks and audit entries apply and any refusal leaves nothing behind.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sibao.accounts.models import User
from sibao.core.errors import ServiceError
from sibao.core.import_jobs import ImportKind
from sibao.core.imports import Column, Importer, ImportResult, RowError, RowInvalid, run_import
from sibao.core.models import ImportJob
from sibao.core.protected import digest, mask_id_number
from sibao.core.roles import Capability
from sibao.core.tabular import write_xlsx
from sibao.core.validators import validate_id_number
from sibao.enterprises.models import Enterprise
from sibao.epidemic.models import Employee, PostType
from sibao.epidemic.services import employee_create

COLUMNS = [
    Column("name", "姓名", required=True),
    Column("id_number", "身份证号码", required=True, help="18位居民身份证号码，含校验码"),
    Column("phone", "手机号码"),
    Column("post_type", "岗位类型", help="一般岗位 / 物流运输 / 销售采购 / 对外接触，默认一般岗位"),
    Column("team", "班组"),
    Column("dormitory", "宿舍"),
    Column("management_unit", "管理单元", help="划小单元（气泡）名称"),
    Column("arrival_date", "到岗日期", help="如 2022-03-01，可空"),
]
HEADER_BY_KEY = {column.key: column.header for column in COLUMNS}
# The file format is a contract with the enterprises' spreadsheets: fixed Chinese words, not translations.
POST_TYPE_WORDS = {
    "一般岗位": PostType.NORMAL,
    "物流运输": PostType.LOGISTICS,
    "销售采购": PostType.SALES,
    "对外接触": PostType.CONTACT,
}
_POST_TYPE_LOOKUP = {**{str(value): str(value) for value in PostType.values}, **POST_TYPE_WORDS}
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


@dataclass(frozen=True)
class EmployeeRow:
    """One checked row. The full number stays out of ``repr`` so that it cannot reach a log line."""

    name: str
    id_number: str = field(repr=False)
    id_masked: str
    phone: str
    post_type: str
    team: str
    dormitory: str
    management_unit: str
    arrival_date: date | None

    def get_post_type_display(self) -> str:
        return str(PostType(self.post_type).label)

    def as_data(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "id_number": self.id_number,
            "phone": self.phone,
            "post_type": self.post_type,
            "team": self.team,
            "dormitory": self.dormitory,
            "management_unit": self.management_unit,
            "arrival_date": self.arrival_date,
        }


def parse_date(raw: str) -> date:
    """2022-03-01, 2022/3/1, 2022.3.1, 2022年3月1日 or 20220301 (Excel date cells arrive as ISO text)."""
    text = raw.split()[0] if raw.split() else ""  # a date-time cell: keep the date
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    if match is None:
        raise ValueError(raw)
    year, month, day = (int(part) for part in match.groups())
    return date(year, month, day)


class _RowParser:
    """Checks one row; remembers the numbers seen earlier in the file and those already registered."""

    def __init__(self, enterprise: Enterprise) -> None:
        self.seen: dict[str, int] = {}
        self.registered = set(Employee.objects.filter(enterprise=enterprise).values_list("id_digest", flat=True))

    def __call__(self, record: dict[str, str], row_number: int) -> EmployeeRow:
        errors: list[tuple[str, str]] = []
        name = record.get("name", "").strip()
        if not name:
            errors.append((HEADER_BY_KEY["name"], _("This field is required.")))
        number = ""
        raw_number = record.get("id_number", "")
        if not raw_number:
            errors.append((HEADER_BY_KEY["id_number"], _("This field is required.")))
        else:
            try:
                number = validate_id_number(raw_number)
            except ValidationError as error:
                errors.append((HEADER_BY_KEY["id_number"], error.messages[0]))
        if number:
            key = digest(number)
            if key in self.seen:
                errors.append(
                    (
                        HEADER_BY_KEY["id_number"],
                        _("The same ID number already appears in data row %(record)d of this file.")
                        % {"record": self.seen[key] - 1},
                    )
                )
            elif key in self.registered:
                errors.append((HEADER_BY_KEY["id_number"], _("This person is already registered here.")))
            else:
                self.seen[key] = row_number
        raw_post = record.get("post_type", "").strip()
        post_type = _POST_TYPE_LOOKUP.get(raw_post or PostType.NORMAL)
        if post_type is None:
            errors.append(
                (
                    HEADER_BY_KEY["post_type"],
                    _("“%(value)s” is not one of: %(allowed)s.")
                    % {"value": raw_post, "allowed": "、".join(POST_TYPE_WORDS)},
                )
            )
        arrival: date | None = None
        raw_date = record.get("arrival_date", "").strip()
        if raw_date:
            try:
                arrival = parse_date(raw_date)
            except ValueError:
                errors.append((HEADER_BY_KEY["arrival_date"], _("Enter a valid date.")))
        if errors:
            raise RowInvalid(errors)
        return EmployeeRow(
            name=name,
            id_number=number,
            id_masked=mask_id_number(number),
            phone=record.get("phone", "").strip(),
            post_type=str(post_type),
            team=record.get("team", "").strip(),
            dormitory=record.get("dormitory", "").strip(),
            management_unit=record.get("management_unit", "").strip(),
            arrival_date=arrival,
        )


def employee_importer(*, actor: User, enterprise: Enterprise) -> Importer[EmployeeRow]:
    def save_rows(rows: list[EmployeeRow]) -> int:
        for row in rows:
            employee_create(actor=actor, enterprise=enterprise, data=row.as_data())
        return len(rows)

    return Importer(columns=COLUMNS, parse_row=_RowParser(enterprise), save_rows=save_rows, max_rows=20_000)


def employee_import(
    *, actor: User, enterprise: Enterprise, upload: IO[bytes], filename: str, commit: bool
) -> ImportResult[EmployeeRow]:
    """Preview or import. A refusal while saving (permission, a concurrent registration) rolls the whole
    file back and is reported like a row error."""
    try:
        return run_import(employee_importer(actor=actor, enterprise=enterprise), upload, filename, commit=commit)
    except ServiceError as refused:
        result: ImportResult[EmployeeRow] = ImportResult()
        result.errors.append(RowError(0, "", refused.message))
        return result


def _job_enterprise(actor: User, params: Mapping[str, Any]) -> Enterprise:
    """The enterprise a job imports into, re-checked against the uploader's scope (404 when outside)."""
    enterprise: Enterprise = Enterprise.objects.get_visible(actor, pk=params.get("enterprise"))
    return enterprise


def _preview_row(row: int, employee: EmployeeRow) -> dict[str, Any]:
    # The masked number only: the preview is stored with the job (EP-1).
    return {
        "row": row,
        "name": employee.name,
        "id_masked": employee.id_masked,
        "post_type": employee.get_post_type_display(),
        "team": employee.team,
        "management_unit": employee.management_unit,
        "arrival_date": employee.arrival_date.isoformat() if employee.arrival_date else "",
    }


def _enterprise_name(job: ImportJob) -> str:
    return str(Enterprise.objects.filter(pk=job.params.get("enterprise")).values_list("name", flat=True).first() or "")


# Issue 8 #8: the import runs as a kernel job (core.import_jobs); listed on the AppConfig.
EMPLOYEE_IMPORT = ImportKind(
    key="employees",
    title=gettext_lazy("Import employees"),
    capability=Capability.EMPLOYEE_MANAGE,
    importer=lambda actor, params: employee_importer(actor=actor, enterprise=_job_enterprise(actor, params)),
    preview_template="epidemic/_import_preview.html",
    preview_row=_preview_row,
    upload_url=lambda job: f"{reverse('epidemic:import')}?job={job.pk}",
    done_url=lambda job: f"{reverse('epidemic:list')}?enterprise={job.params.get('enterprise')}",
    done_message=lambda job: (
        _("%(count)d employees of %(enterprise)s were imported.")
        % {"count": job.saved, "enterprise": _enterprise_name(job)}
    ),
    context=lambda user, job: {"enterprise": {"name": _enterprise_name(job)}},
)


def _notes() -> list[str]:
    lines = ["填写说明：第一行为列标题，请勿修改；带 * 的列必填；从第二行起每行一名员工。"]
    lines += [f"{'* ' if column.required else ''}{column.header}：{column.help or '文本'}" for column in COLUMNS]
    lines.append("身份证号码请设置为文本格式，避免末尾数字被 Excel 改写。")
    lines.append("导入时先预览校验，全部行无误后才会一次性保存；任何一行有错误，则不保存任何数据。")
    return lines


def import_template_xlsx() -> bytes:
    headers = [f"*{column.header}" if column.required else column.header for column in COLUMNS]
    return write_xlsx(headers, [], sheet_title="员工名单", notes=_notes())
