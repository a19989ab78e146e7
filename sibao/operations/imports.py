"""EN-3 bulk entry: a township (or department, HQ office) files the day's reports of firms without staff online
from one .xlsx/.csv, through the kernel's import jobs (check → preview → confirm, all or nothing).

Each row goes through the same validator as the page and the API (``services.clean_values``) and the same
rights (``services.acts_for``: the firm must be in the uploader's area). A firm's report of today that is already
filed is corrected by its row (a same-day correction, audit-logged); a past day's filed report is refused.
"""

from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sibao.accounts.models import User
from sibao.core.errors import ServiceError
from sibao.core.import_jobs import ImportKind
from sibao.core.imports import Column, Importer, RowInvalid
from sibao.core.roles import Capability
from sibao.core.tabular import write_xlsx
from sibao.enterprises.models import Enterprise
from sibao.operations.models import Channel, OperatingReport, ProductionStatus
from sibao.operations.services import acts_for, clean_values, operating_report_correct, operating_report_file
from sibao.tickets.models import Category

COLUMNS = [
    Column("uscc", "统一社会信用代码", required=True),
    Column("name", "企业名称", help="仅供核对，按信用代码识别企业"),
    Column("day", "日期", help="YYYY-MM-DD，空表示今天"),
    Column("status", "生产状态", required=True, help="正常生产 / 闭环生产 / 减产 / 停产"),
    Column("staff_on_site", "在岗人数", required=True),
    Column("staff_total", "职工总数", required=True),
    Column("capacity_percent", "产能利用率（%）", required=True, help="0—100 的整数"),
    Column("raw_material_days", "原材料可用天数", required=True),
    Column("finished_goods_days", "产成品库存天数", required=True),
    Column("output_month", "本月产值（万元）", required=True),
    Column(
        "problem_category",
        "问题类别",
        help="原料采购 / 用工需求 / 物流运输 / 市场拓展 / 政策优惠 / 资金融资 / 用电用水用气 / 防疫保障 / 其他，可空",
    ),
    Column("main_problem", "主要问题"),
]
HEADER = {column.key: column.header for column in COLUMNS}
# The file format is a contract with the officials' spreadsheets: its words are fixed here, not translations.
STATUS_WORDS = {
    "正常生产": ProductionStatus.NORMAL,
    "闭环生产": ProductionStatus.CLOSED_LOOP,
    "减产": ProductionStatus.REDUCED,
    "停产": ProductionStatus.HALTED,
}
CATEGORY_WORDS = {
    "原料采购": Category.RAW_MATERIALS,
    "用工需求": Category.LABOUR,
    "物流运输": Category.LOGISTICS,
    "市场拓展": Category.MARKET,
    "政策优惠": Category.POLICY,
    "资金融资": Category.FINANCE,
    "用电用水用气": Category.UTILITIES,
    "防疫保障": Category.EPIDEMIC,
    "其他": Category.OTHER,
}


class _Row:
    """One checked row: the firm, the day and the values, and whether it corrects today's filed report."""

    def __init__(self, enterprise: Enterprise, day: date, values: dict[str, Any], existing: OperatingReport | None):
        self.enterprise = enterprise
        self.day = day
        self.values = values
        self.existing = existing


class _RowParser:
    def __init__(self, actor: User) -> None:
        self.actor = actor
        self.today = timezone.localdate()
        self.seen: dict[tuple[str, date], int] = {}
        self.enterprises: dict[str, Enterprise | None] = {}

    def _enterprise(self, code: str) -> Enterprise | None:
        if code not in self.enterprises:
            found = Enterprise.objects.visible_to(self.actor).select_related("region").filter(uscc=code).first()
            self.enterprises[code] = found if found is not None and acts_for(self.actor, found) else None
        return self.enterprises[code]

    def __call__(self, record: dict[str, str], row_number: int) -> _Row:
        errors: list[tuple[str, str]] = []
        code = record.get("uscc", "").strip().upper()
        enterprise = self._enterprise(code) if code else None
        if enterprise is None:
            message = (
                _("“%(value)s” is not an enterprise you may report for.") % {"value": code}
                if code
                else _("This field is required.")
            )
            errors.append((HEADER["uscc"], message))
        raw_day = record.get("day", "").strip()
        day = self.today
        if raw_day:
            try:
                day = date.fromisoformat(raw_day[:10])
            except ValueError:
                errors.append((HEADER["day"], _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": raw_day}))
        if day > self.today:
            errors.append((HEADER["day"], _("A report cannot be filed for a future day.")))
        data: dict[str, Any] = {key: record.get(key, "") for key in HEADER}
        raw_status = data["status"].strip()
        data["status"] = STATUS_WORDS.get(raw_status, raw_status)
        raw_category = data["problem_category"].strip()
        data["problem_category"] = CATEGORY_WORDS.get(raw_category, raw_category)
        values: dict[str, Any] = {}
        try:
            values = clean_values(data)
        except ServiceError as refused:
            errors.append((HEADER.get(refused.field or "", ""), refused.message))
        existing = None
        if enterprise is not None and not errors:
            key = (enterprise.uscc, day)
            if key in self.seen:
                errors.append(
                    (
                        HEADER["uscc"],
                        _("This enterprise's report for %(day)s is already in row %(row)d of this file.")
                        % {"day": day.isoformat(), "row": self.seen[key]},
                    )
                )
            self.seen.setdefault(key, row_number)
            existing = OperatingReport.objects.filter(enterprise=enterprise, day=day).first()
            if existing is not None and day != self.today:
                errors.append(
                    (
                        HEADER["day"],
                        _("The report for %(day)s is already filed; past reports stay as filed.")
                        % {"day": day.isoformat()},
                    )
                )
        if errors:
            raise RowInvalid(errors)
        assert enterprise is not None
        return _Row(enterprise, day, values, existing)


def _save(actor: User, rows: list[_Row]) -> dict[str, int]:
    filed = corrected = 0
    for row in rows:
        if row.existing is not None:
            operating_report_correct(actor=actor, report=row.existing, values=row.values)
            corrected += 1
        else:
            operating_report_file(
                actor=actor, enterprise=row.enterprise, day=row.day, values=row.values, channel=Channel.IMPORT
            )
            filed += 1
    return {"saved": filed + corrected, "filed": filed, "corrected": corrected}


def report_importer(*, actor: User) -> Importer[_Row]:
    return Importer(
        columns=COLUMNS, parse_row=_RowParser(actor), save_rows=lambda rows: _save(actor, rows), max_rows=20_000
    )


def _preview_row(row: int, value: _Row) -> dict[str, Any]:
    return {
        "row": row,
        "name": value.enterprise.name,
        "uscc": value.enterprise.uscc,
        "day": value.day.isoformat(),
        "status": str(ProductionStatus(value.values["status"]).label),
        "staff": f"{value.values['staff_on_site']}/{value.values['staff_total']}",
        "capacity": value.values["capacity_percent"],
        "corrects": value.existing is not None,
    }


def _done_message(job: Any) -> str:
    summary = job.summary or {}
    return _("%(filed)d reports were filed and %(corrected)d of today's were corrected.") % {
        "filed": summary.get("filed", job.saved),
        "corrected": summary.get("corrected", 0),
    }


OPERATING_REPORT_IMPORT = ImportKind(
    key="operating_reports",
    title=gettext_lazy("Import operating reports"),
    capability=Capability.OPERATIONS_IMPORT,
    importer=lambda actor, params: report_importer(actor=actor),
    preview_template="operations/_import_preview.html",
    preview_row=_preview_row,
    upload_url=lambda job: f"{reverse('operations:import')}?job={job.pk}",
    done_url=lambda job: reverse("operations:index"),
    done_message=_done_message,
)


def _notes() -> list[str]:
    lines = ["填写说明：第一行为列标题，请勿修改；带 * 的列必填；从第二行起每行一家企业一天的生产经营日报。"]
    lines += [f"{'* ' if column.required else ''}{column.header}：{column.help or '数字或文本'}" for column in COLUMNS]
    lines.append("今天已填报的企业，导入时按本行更正；以前日期已填报的不可再改。先预览校验，全部行无误后才一次性保存。")
    return lines


def import_template_xlsx(enterprises: list[Enterprise] | None = None) -> bytes:
    """The template, pre-filled with the uscc and name of ``enterprises`` (the firms still missing today)."""
    headers = [f"*{column.header}" if column.required else column.header for column in COLUMNS]
    rows = [[enterprise.uscc, enterprise.name] + [""] * (len(COLUMNS) - 2) for enterprise in enterprises or []]
    return write_xlsx(headers, rows, sheet_title="生产经营日报", notes=_notes())
