"""PO-4: a department imports enterprises' policy figures (insurance, layoff rate, booth cost …) from .xlsx/.csv
as a kernel import job; each row is checked by ``services.facts_clean``, the validator of the form and the API.
Column titles are the fixed Chinese words officials use (a data format, not a translation)."""

import re
from datetime import date
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from sibao.accounts.models import User
from sibao.core.errors import ServiceError
from sibao.core.import_jobs import ImportKind
from sibao.core.imports import Column, Importer, RowInvalid
from sibao.core.roles import Capability
from sibao.core.sectors import Sector
from sibao.core.tabular import write_xlsx
from sibao.enterprises.models import Enterprise
from sibao.policies.models import PolicyCategory, PolicyLevel
from sibao.policies.services import facts_clean, facts_save_many, policies_create_many, policy_values_check

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
    def __init__(self, actor: User) -> None:
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


def facts_importer(*, actor: User) -> Importer[tuple[Enterprise, dict[str, Any]]]:
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


# --- PO-1: a policy list (the catalogue) from a spreadsheet ----------------------------------------------------

POLICY_COLUMNS = [
    Column("title", "政策名称", required=True),
    Column("document_number", "文号"),
    Column("issuing_body", "发文机关", required=True),
    Column("level", "层级", required=True, help="国家 / 省 / 市 / 县"),
    Column("category", "类别", required=True, help="如 社会保险、税费减免"),
    Column("sectors", "适用行业", help="多个用顿号或逗号分隔；空：全部行业"),
    Column("summary", "政策内容"),
    Column("how_to_apply", "申报方式"),
    Column("link", "原文链接"),
    Column("valid_from", "有效期起", help="YYYY-MM-DD"),
    Column("valid_until", "有效期止", help="YYYY-MM-DD"),
]
POLICY_TITLES = {column.key: column.header for column in POLICY_COLUMNS}


def _by_label(choices: type[models.TextChoices]) -> dict[str, str]:
    """A choice by its value, its English label or its Chinese label (the words officials write)."""
    found: dict[str, str] = {}
    for value, label in choices.choices:
        found[value.lower()] = value
        found[str(label).lower()] = value
        with override("zh-hans"):
            found[str(label).lower()] = value
    return found


def _date(text: str, key: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        raise RowInvalid([(POLICY_TITLES[key], _("Enter a date as YYYY-MM-DD."))]) from None


class _PolicyRowParser:
    """A row → the data of a reserve draft. Its eligibility starts as "an enterprise of these sectors"
    (PO-5: the department completes the conditions and the formula before publishing it in one step)."""

    def __init__(self, actor: User) -> None:
        self.actor = actor
        self.levels = _by_label(PolicyLevel) | {
            word + suffix: level
            for word, level in (("国家", "national"), ("省", "province"), ("市", "city"), ("县", "county"))
            for suffix in ("", "级")
        }
        self.categories = _by_label(PolicyCategory)
        self.sectors = _by_label(Sector)

    def __call__(self, record: dict[str, str], row: int) -> dict[str, Any]:
        def choice(key: str, table: dict[str, str], message: str) -> str:
            found = table.get(record.get(key, "").strip().lower())
            if found is None:
                raise RowInvalid([(POLICY_TITLES[key], message)])
            return found

        sectors = []
        for word in re.split(r"[、,，;；\s]+", record.get("sectors", "").strip()):
            if word:
                sectors.append(choice_of(self.sectors, word, POLICY_TITLES["sectors"]))
        data: dict[str, Any] = {
            **{
                key: record.get(key, "")
                for key in ("title", "document_number", "issuing_body", "summary", "how_to_apply", "link")
            },
            "level": choice("level", self.levels, _("Write 国家, 省, 市 or 县.")),
            "category": choice("category", self.categories, _("Write one of the categories of the template.")),
            "sectors": sectors,
            "valid_from": _date(record.get("valid_from", ""), "valid_from"),
            "valid_until": _date(record.get("valid_until", ""), "valid_until"),
            "eligibility": {
                "label": "适用行业",
                "all": [{"field": "sector", "op": "in", "value": sorted(set(sectors) or set(Sector.values))}],
            },
            "reserve": True,
            "reserve_note": "表格导入，发布前请补全条件和测算公式",
            "source": "导入",
        }
        try:
            policy_values_check(self.actor, data)
        except ServiceError as error:
            raise RowInvalid([(POLICY_TITLES.get(error.field or "", ""), error.message)]) from None
        return data


def choice_of(table: dict[str, str], word: str, column: str) -> str:
    found = table.get(word.lower())
    if found is None:
        raise RowInvalid([(column, _("Unknown sector: %(word)s.") % {"word": word})])
    return found


def policy_importer(*, actor: User) -> Importer[dict[str, Any]]:
    return Importer(
        columns=POLICY_COLUMNS,
        parse_row=_PolicyRowParser(actor),
        save_rows=lambda rows: policies_create_many(actor=actor, rows=rows),
        max_rows=2_000,
    )


def policy_template_xlsx() -> bytes:
    return write_xlsx([column.header for column in POLICY_COLUMNS], [], sheet_title="政策清单")


def _policy_preview_row(row: int, value: dict[str, Any]) -> dict[str, Any]:
    return {"row": row, "title": value["title"], "issuing_body": value["issuing_body"]}


POLICY_IMPORT = ImportKind(
    key="policy_list",
    title=gettext_lazy("Import a policy list"),
    capability=Capability.POLICY_MANAGE,
    importer=lambda actor, params: policy_importer(actor=actor),
    preview_template="policies/_policies_preview.html",
    preview_row=_policy_preview_row,
    upload_url=lambda job: f"{reverse('policies:policy_import')}?job={job.pk}",
    done_url=lambda job: reverse("policies:reserve"),
    done_message=lambda job: _("%(count)d policies were added to the reserve as drafts.") % {"count": job.saved},
)
