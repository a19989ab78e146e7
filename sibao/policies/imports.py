"""PO-4: a department imports enterprises' policy figures (insurance, layoff rate, booth cost …) from .xlsx/.csv
as a kernel import job; each row is checked by ``services.facts_clean``, the validator of the form and the API.
Column titles are the fixed Chinese words officials use (a data format, not a translation)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sibao.core.errors import ServiceError
from sibao.core.import_jobs import ImportKind
from sibao.core.imports import Column, Importer, RowInvalid
from sibao.core.roles import Capability
from sibao.core.tabular import write_xlsx
from sibao.enterprises.models import Enterprise
from sibao.policies.services import facts_clean, facts_save_many

COLUMNS = [
    Column("uscc", "统一社会信用代码", required=True),
    Column("data_year", "数据年度", help="如 2021"),
    Column("ui_insured", "参加失业保险", help="是 / 否"),
    Column("ui_contributions", "上年度实际缴纳失业保险费（元）"),
    Column("layoff_rate", "上年末裁员率（%）"),
    Column("booth_cost", "核酸采样屋购置费用（元）"),
    Column("tax_hardship", "确有特殊困难不能按期缴纳税款", help="是 / 否"),
    Column("tax_deferral_amount", "申请延期缴纳税款（元）"),
    Column("tax_deferral_months", "申请延期月数"),
    Column("logistics_vehicles", "四保物流车辆数"),
    Column("monthly_toll", "物流车辆月均高速通行费（元）"),
]
TITLES = {column.key: column.header for column in COLUMNS}
YES = {"是", "yes", "true", "1", "y"}
NO = {"否", "no", "false", "0", "n", ""}


class _RowParser:
    def __init__(self, actor: Any) -> None:
        self.actor = actor
        self.visible = Enterprise.objects.visible_to(actor)

    def __call__(self, record: dict[str, str], row: int) -> tuple[Enterprise, dict[str, Any]]:
        uscc = record.get("uscc", "").strip().upper()
        enterprise = self.visible.filter(uscc=uscc).first()
        if enterprise is None:
            raise RowInvalid([(TITLES["uscc"], _("No enterprise with this credit code in your area."))])
        data: dict[str, Any] = {}
        for key, text in record.items():
            if key == "uscc" or (text == "" and key not in ("ui_insured", "tax_hardship")):
                continue
            if key in ("ui_insured", "tax_hardship"):
                word = text.strip().lower()
                if word not in YES | NO:
                    raise RowInvalid([(TITLES[key], _("Write 是 or 否."))])
                data[key] = word in YES
            else:
                data[key] = text
        try:
            return enterprise, facts_clean(data)
        except ServiceError as error:
            raise RowInvalid([(TITLES.get(error.field or "", ""), error.message)]) from None


def facts_importer(*, actor: Any) -> Importer[tuple[Enterprise, dict[str, Any]]]:
    return Importer(
        columns=COLUMNS,
        parse_row=_RowParser(actor),
        save_rows=lambda rows: facts_save_many(actor=actor, rows=rows),
        max_rows=100_000,
    )


def template_xlsx() -> bytes:
    return write_xlsx([column.header for column in COLUMNS], [], sheet_title="政策核验信息")


def _preview_row(row: int, value: tuple[Enterprise, dict[str, Any]]) -> dict[str, Any]:
    enterprise, data = value
    return {"row": row, "name": enterprise.name, "uscc": enterprise.uscc, "fields": len(data)}


FACTS_IMPORT = ImportKind(
    key="policy_facts",
    title=gettext_lazy("Import enterprises' policy figures"),
    capability=Capability.POLICY_FACTS_IMPORT,
    importer=lambda actor, params: facts_importer(actor=actor),
    preview_template="policies/_facts_preview.html",
    preview_row=_preview_row,
    upload_url=lambda job: f"{reverse('policies:facts_import')}?job={job.pk}",
    done_url=lambda job: reverse("policies:list"),
    done_message=lambda job: _("Policy figures of %(count)d enterprises were imported.") % {"count": job.saved},
)
