"""EN-4: enterprise import from .xlsx/.csv and export to .xlsx, with one column layout for both.

Column titles are the Chinese ones officials use on paper; choice columns take the Chinese label
(or the internal key). Export writes the same layout, so an exported file can be edited and
imported elsewhere.
"""

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sibao.accounts.models import User
from sibao.core.import_jobs import ImportKind
from sibao.core.imports import Column, Importer, RowInvalid
from sibao.core.roles import Capability
from sibao.core.sectors import Sector
from sibao.core.tabular import write_csv, write_xlsx
from sibao.enterprises.models import CreditStatus, Enterprise, EntityKind, OperatingStatus, ServiceLevel
from sibao.enterprises.services import enterprise_validate, enterprises_create_many
from sibao.regions.models import Region, RegionLevel

COLUMNS = [
    Column("name", "企业（项目）名称", required=True),
    Column("uscc", "统一社会信用代码", required=True, help="18位，含校验码"),
    Column("kind", "类型", help="企业 / 重点项目 / 海关特殊监管区（综合保税区，以园区为单位），默认企业"),
    Column("sector", "所属行业", required=True, help="工业生产 / 商贸流通 / 交通运输 / 文化旅游 / 重点项目"),
    Column("county", "所属县（市、区）", required=True, help="名称或6位区划代码"),
    Column("township", "乡镇（街道）", help="名称或9位区划代码，可空"),
    Column("park", "所在园区"),
    Column("legal_representative", "法定代表人"),
    Column("contact_name", "联系人"),
    Column("contact_phone", "联系电话"),
    Column("address", "地址"),
    Column("output_value", "年产值（万元）"),
    Column("investment", "投资额（万元）", help="重点项目填写"),
    Column("employee_count", "员工人数"),
    Column("above_designated_size", "规上企业", help="是 / 否"),
    Column("specialised_sme", "专精特新培育库", help="是 / 否"),
    Column("leader_linked", "万人助万企县级领导联系", help="是 / 否"),
    Column("livelihood", "民生商贸或电商", help="是 / 否"),
    Column("city_operation", "城市运行保障", help="是 / 否"),
    Column("operating_status", "经营状态", help="正常经营 / 停业 / 注销，默认正常经营"),
    Column("credit_status", "信用状况", help="良好 / 一般 / 严重失信，默认良好"),
    Column("environmental_compliant", "环保达标", help="是 / 否，默认是"),
    Column("safety_compliant", "安全生产达标", help="是 / 否，默认是"),
    Column("service_level", "保障层级", help="县级 / 市级 / 省级，默认县级"),
    Column("dormitory_capacity", "宿舍床位"),
    Column("canteen_capacity", "食堂座位"),
]
HEADER_BY_KEY = {column.key: column.header for column in COLUMNS}
# Model field → column key (region errors are reported on the county column).
FIELD_TO_COLUMN = {"region": "county"}

BOOLEAN_COLUMNS = (
    "above_designated_size",
    "specialised_sme",
    "leader_linked",
    "livelihood",
    "city_operation",
    "environmental_compliant",
    "safety_compliant",
)
BOOLEAN_DEFAULTS = {"environmental_compliant": True, "safety_compliant": True}
TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "有"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "×", "无", ""}
DECIMAL_COLUMNS = ("output_value", "investment")
INTEGER_COLUMNS = ("employee_count", "dormitory_capacity", "canteen_capacity")
# The file format is a contract with the officials' spreadsheets: its Chinese words are fixed here,
# not taken from the page translations (which may change).
SECTOR_WORDS = {
    "工业生产": Sector.INDUSTRY,
    "商贸流通": Sector.COMMERCE,
    "交通运输": Sector.TRANSPORT,
    "文化旅游": Sector.CULTURE_TOURISM,
    "重点项目": Sector.KEY_PROJECT,
}
KIND_WORDS = {
    "企业": EntityKind.ENTERPRISE,
    "重点项目": EntityKind.KEY_PROJECT,
    "海关特殊监管区": EntityKind.SPECIAL_ZONE,
    "综合保税区": EntityKind.SPECIAL_ZONE,
}
OPERATING_WORDS = {
    "正常经营": OperatingStatus.OPERATING,
    "停业": OperatingStatus.SUSPENDED,
    "注销": OperatingStatus.DEREGISTERED,
}
CREDIT_WORDS = {"良好": CreditStatus.GOOD, "一般": CreditStatus.ORDINARY, "严重失信": CreditStatus.DISHONEST}
SERVICE_LEVEL_WORDS = {"县级": ServiceLevel.COUNTY, "市级": ServiceLevel.CITY, "省级": ServiceLevel.PROVINCE}


def _lookup(words: Mapping[str, str]) -> dict[str, str]:
    """Accept the Chinese word or the internal key."""
    return {**{str(value): str(value) for value in words.values()}, **words}


def _word(words: Mapping[str, str], value: str) -> str:
    return next((word for word, key in words.items() if key == value), value)


class _RowParser:
    """Turns one row into an unsaved, validated Enterprise. Remembers codes seen earlier in the file."""

    def __init__(self, actor: User) -> None:
        self.actor = actor
        self.seen_codes: dict[str, int] = {}
        self.sectors = _lookup(SECTOR_WORDS)
        self.kinds = _lookup(KIND_WORDS)
        self.operating = _lookup(OPERATING_WORDS)
        self.credit = _lookup(CREDIT_WORDS)
        self.levels = _lookup(SERVICE_LEVEL_WORDS)
        self.region_cache: dict[tuple[str, str], Region | None] = {}

    def _choice(
        self, raw: str, lookup: dict[str, str], key: str, errors: list[tuple[str, str]], default: str = ""
    ) -> str:
        if not raw:
            if default:
                return default
            errors.append((HEADER_BY_KEY[key], _("This field is required.")))
            return ""
        value = lookup.get(raw)
        if value is None:
            allowed = "、".join(label for label in lookup if not label.isascii())
            errors.append(
                (HEADER_BY_KEY[key], _("“%(value)s” is not one of: %(allowed)s.") % {"value": raw, "allowed": allowed})
            )
            return ""
        return value

    def _region(self, raw: str, level: str, parent: Region | None) -> Region | None:
        cache_key = (raw, parent.code if parent else "")
        if cache_key not in self.region_cache:
            regions = Region.objects.active().filter(
                level__in=[level] if level == RegionLevel.TOWNSHIP else [RegionLevel.COUNTY, RegionLevel.CITY]
            )
            if parent is not None:
                regions = regions.filter(path__startswith=parent.path)
            elif not (self.actor.is_superuser or self.actor.role == "administrator") and self.actor.region:
                regions = regions.filter(path__startswith=self.actor.region.path)
            matches = list(regions.filter(code=raw)) or list(regions.filter(name=raw))
            self.region_cache[cache_key] = matches[0] if len(matches) == 1 else None
        return self.region_cache[cache_key]

    def __call__(self, record: dict[str, str], row_number: int) -> Enterprise:
        errors: list[tuple[str, str]] = []
        values: dict[str, Any] = {}
        for key in ("name", "park", "legal_representative", "contact_name", "contact_phone", "address"):
            values[key] = record.get(key, "")
        values["uscc"] = record.get("uscc", "").upper()
        values["kind"] = self._choice(record.get("kind", ""), self.kinds, "kind", errors, default=EntityKind.ENTERPRISE)
        values["sector"] = self._choice(record.get("sector", ""), self.sectors, "sector", errors)
        values["operating_status"] = self._choice(
            record.get("operating_status", ""),
            self.operating,
            "operating_status",
            errors,
            default=OperatingStatus.OPERATING,
        )
        values["credit_status"] = self._choice(
            record.get("credit_status", ""), self.credit, "credit_status", errors, default=CreditStatus.GOOD
        )
        values["service_level"] = self._choice(
            record.get("service_level", ""), self.levels, "service_level", errors, default=ServiceLevel.COUNTY
        )
        for key in BOOLEAN_COLUMNS:
            raw = record.get(key, "").strip().lower()
            if raw == "" and key in BOOLEAN_DEFAULTS:
                values[key] = BOOLEAN_DEFAULTS[key]
            elif raw in TRUE_WORDS:
                values[key] = True
            elif raw in FALSE_WORDS:
                values[key] = False
            else:
                errors.append((HEADER_BY_KEY[key], _("Enter 是 or 否.")))
        for key in DECIMAL_COLUMNS:
            raw = record.get(key, "").replace(",", "")
            try:
                values[key] = Decimal(raw) if raw else Decimal("0")
            except InvalidOperation:
                errors.append((HEADER_BY_KEY[key], _("“%(value)s” is not a number.") % {"value": raw}))
        for key in INTEGER_COLUMNS:
            raw = record.get(key, "").replace(",", "")
            if raw and not raw.isdigit():
                errors.append((HEADER_BY_KEY[key], _("“%(value)s” is not a whole number.") % {"value": raw}))
            else:
                values[key] = int(raw or 0)
        county_raw = record.get("county", "")
        county = self._region(county_raw, RegionLevel.COUNTY, None) if county_raw else None
        if county is None:
            message = (
                _("“%(value)s” is not a county in your area.") % {"value": county_raw}
                if county_raw
                else _("This field is required.")
            )
            errors.append((HEADER_BY_KEY["county"], message))
        region = county
        township_raw = record.get("township", "")
        if county is not None and township_raw:
            region = self._region(township_raw, RegionLevel.TOWNSHIP, county)
            if region is None:
                errors.append(
                    (
                        HEADER_BY_KEY["township"],
                        _("“%(value)s” is not a township of %(county)s.")
                        % {"value": township_raw, "county": county.name},
                    )
                )
        enterprise = Enterprise(**values)
        if region is not None:
            enterprise.region = region
        code = values["uscc"]
        if code and code in self.seen_codes:
            errors.append(
                (
                    HEADER_BY_KEY["uscc"],
                    _("The same code already appears in row %(row)d of this file.") % {"row": self.seen_codes[code]},
                )
            )
        try:
            enterprise_validate(actor=self.actor, enterprise=enterprise)
        except ValidationError as exc:
            reported = {column for column, _message in errors}
            for field, messages in exc.message_dict.items():
                header = HEADER_BY_KEY.get(FIELD_TO_COLUMN.get(field, field), field)
                if header in reported:
                    continue  # already explained by the parse step
                errors.extend((header, message) for message in messages)
        if errors:
            raise RowInvalid(errors)
        self.seen_codes[enterprise.uscc] = row_number
        return enterprise


def enterprise_importer(*, actor: User) -> Importer[Enterprise]:
    return Importer(
        columns=COLUMNS,
        parse_row=_RowParser(actor),
        save_rows=lambda enterprises: enterprises_create_many(actor=actor, enterprises=enterprises),
    )


def _preview_row(row: int, enterprise: Enterprise) -> dict[str, Any]:
    return {
        "row": row,
        "name": enterprise.name,
        "uscc": enterprise.uscc,
        "sector": str(enterprise.get_sector_display()),
        "region": enterprise.region.name if enterprise.region_id else "",
    }


# Issue 8 #8: the import runs as a kernel job (core.import_jobs); listed on the AppConfig.
ENTERPRISE_IMPORT = ImportKind(
    key="enterprises",
    title=gettext_lazy("Import enterprises"),
    capability=Capability.ENTERPRISE_IMPORT,
    importer=lambda actor, params: enterprise_importer(actor=actor),
    preview_template="enterprises/_import_preview.html",
    preview_row=_preview_row,
    upload_url=lambda job: f"{reverse('enterprises:import')}?job={job.pk}",
    done_url=lambda job: reverse("enterprises:list"),
    done_message=lambda job: _("%(count)d enterprises were imported.") % {"count": job.saved},
)


def _export_row(enterprise: Enterprise) -> list[Any]:
    region = enterprise.region
    county, township = (region.parent, region) if region.level == RegionLevel.TOWNSHIP else (region, None)
    yes_no = {True: "是", False: "否"}
    row: dict[str, Any] = {
        "name": enterprise.name,
        "uscc": enterprise.uscc,
        "kind": _word(KIND_WORDS, enterprise.kind),
        "sector": _word(SECTOR_WORDS, enterprise.sector),
        "county": county.name if county else "",
        "township": township.name if township else "",
        "park": enterprise.park,
        "legal_representative": enterprise.legal_representative,
        "contact_name": enterprise.contact_name,
        "contact_phone": enterprise.contact_phone,
        "address": enterprise.address,
        "output_value": float(enterprise.output_value),
        "investment": float(enterprise.investment),
        "employee_count": enterprise.employee_count,
        "operating_status": _word(OPERATING_WORDS, enterprise.operating_status),
        "credit_status": _word(CREDIT_WORDS, enterprise.credit_status),
        "service_level": _word(SERVICE_LEVEL_WORDS, enterprise.service_level),
        "dormitory_capacity": enterprise.dormitory_capacity,
        "canteen_capacity": enterprise.canteen_capacity,
    }
    for key in BOOLEAN_COLUMNS:
        row[key] = yes_no[getattr(enterprise, key)]
    return [row[column.key] for column in COLUMNS]


def _notes() -> list[str]:
    lines = ["填写说明：第一行为列标题，请勿修改；带 * 的列必填；从第二行起每行一家企业（项目）。"]
    lines += [f"{'* ' if column.required else ''}{column.header}：{column.help or '文本'}" for column in COLUMNS]
    lines.append("导入时先预览校验，全部行无误后才会一次性保存；任何一行有错误，则不保存任何数据。")
    return lines


def import_template_xlsx() -> bytes:
    headers = [f"*{column.header}" if column.required else column.header for column in COLUMNS]
    return write_xlsx(headers, [], sheet_title="企业名录", notes=_notes())


def export_xlsx(enterprises: Iterable[Enterprise]) -> bytes:
    return write_xlsx(
        [column.header for column in COLUMNS], (_export_row(e) for e in enterprises), sheet_title="企业名录"
    )


def export_csv(enterprises: Iterable[Enterprise]) -> bytes:
    """The same columns as the Excel export (and the import), as CSV (EN-4)."""
    return write_csv([column.header for column in COLUMNS], (_export_row(e) for e in enterprises))
