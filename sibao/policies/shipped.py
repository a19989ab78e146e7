"""The seeds' policies as published demo policies (PO-4), with their rules and formulas.

Thresholds in the rules are read from the parameter registry when a policy is built (a published policy keeps
the numbers it was published with); the formulas name their parameters, read per region when computing."""

from decimal import Decimal
from typing import Any

from sibao.core.sectors import Sector
from sibao.parameters.registry import EPIDEMIC_SAMPLING_BOOTH_STAFF, POLICY_UI_LAYOFF_RATE_BELOW
from sibao.parameters.selectors import parameter_value
from sibao.policies.models import PolicyCategory, PolicyLevel


def _number(value: Any) -> int | float:
    number = Decimal(value)
    return int(number) if number == number.to_integral_value() else float(number)


def sampling_booth() -> dict[str, Any]:
    """001#annex1-六.2, 001#annex2-二.1: enterprises with ≥ 1,000 staff that set up their own sampling booth get
    50 % of the purchase cost, the government share split province : city/county = 7 : 3."""
    staff = parameter_value(EPIDEMIC_SAMPLING_BOOTH_STAFF, None)
    return {
        "title": "白名单企业自行配置核酸采样屋购置补贴",
        "document_number": "通政办〔2022〕18号 附件2",
        "issuing_body": "河南省常态化疫情防控下经济运行调度机制指挥部",
        "level": PolicyLevel.PROVINCE,
        "category": PolicyCategory.EPIDEMIC_SUBSIDY,
        "source": "001#annex1-六.2, 001#annex2-二.1",
        "summary": "鼓励用工1000人以上的白名单企业（项目）自行配置核酸采样屋，政府补贴购置费用的50%，"
        "由省与省辖市或县（市）按7:3比例分担。",
        "how_to_apply": "在“我的政策”中填写采样屋购置费用并提交申请，附购置发票；县工信部门审核后拨付。",
        "eligibility": {
            "label": "自行配置核酸采样屋的白名单企业",
            "all": [
                {"field": "whitelisted", "op": "is_true", "label": "已列入“四保”白名单"},
                {"field": "employee_count", "op": "gte", "value": staff, "label": f"用工{staff}人以上"},
                {"field": "booth_cost", "op": "gt", "value": 0, "label": "已自行配置核酸采样屋（有购置费用）"},
            ],
        },
        "formula": {
            "steps": [
                {"name": "subsidy", "label": "政府补贴", "expr": "booth_cost * policies.booth_subsidy_percent%"},
                {
                    "name": "province",
                    "label": "省级承担",
                    "expr": "subsidy * policies.booth_province_share / "
                    "(policies.booth_province_share + policies.booth_local_share)",
                },
                {"name": "local", "label": "市县承担", "expr": "subsidy - province"},
            ],
            "amount": "subsidy",
        },
    }


def unemployment_refund() -> dict[str, Any]:
    """004#13: insured enterprises with no layoffs or a layoff rate under 5 % get back 50 % of last year's
    unemployment-insurance contributions."""
    below = _number(parameter_value(POLICY_UI_LAYOFF_RATE_BELOW, None))
    return {
        "title": "失业保险稳岗返还",
        "document_number": "参照焦作市2020年支持企业意见第13条",
        "issuing_body": "河南省人力资源和社会保障厅",
        "level": PolicyLevel.PROVINCE,
        "category": PolicyCategory.JOB_RETENTION,
        "source": "004#13",
        "summary": "对上年末未裁员或裁员率低于5%的参保企业，返还其上年度实际缴纳失业保险费的50%。",
        "how_to_apply": "核对“我的政策”中的参保和缴费信息后提交申请，人社部门核定后返还。",
        "eligibility": {
            "label": "参保且稳定岗位的企业",
            "all": [
                {"field": "ui_insured", "op": "is_true", "label": "参加失业保险"},
                {"field": "layoff_rate", "op": "lt", "value": below, "label": f"上年末裁员率低于{below}%"},
                {"field": "ui_contributions", "op": "gt", "value": 0, "label": "上年度缴纳了失业保险费"},
            ],
        },
        "formula": {
            "steps": [
                {"name": "refund", "label": "返还金额", "expr": "ui_contributions * policies.ui_refund_percent%"}
            ],
            "amount": "refund",
        },
    }


def tax_deferral() -> dict[str, Any]:
    """004#11: an enterprise in special hardship may defer paying its taxes, up to 3 months."""
    return {
        "title": "受疫情影响企业延期缴纳税款",
        "document_number": "参照焦作市2020年支持企业意见第11条",
        "issuing_body": "国家税务总局河南省税务局",
        "level": PolicyLevel.PROVINCE,
        "category": PolicyCategory.TAX_RELIEF,
        "source": "004#11",
        "summary": "对确有特殊困难不能按期缴纳税款的企业，可申请依法办理延期缴纳税款，最长不超过3个月。",
        "how_to_apply": "向主管税务机关提出延期缴纳申请；平台核对后推送至税务部门办理。",
        "eligibility": {
            "label": "确有特殊困难的企业",
            "all": [
                {"field": "tax_hardship", "op": "is_true", "label": "确有特殊困难不能按期缴纳税款"},
                {"field": "tax_deferral_amount", "op": "gt", "value": 0, "label": "有需延期缴纳的税款"},
            ],
        },
        "formula": {
            "steps": [
                {
                    "name": "months",
                    "label": "可延期月数",
                    "expr": "min(max(tax_deferral_months, 1), policies.tax_deferral_max_months)",
                },
                {"name": "deferred", "label": "延期缴纳税款", "expr": "tax_deferral_amount"},
            ],
            "amount": "deferred",
        },
    }


def toll_reduction() -> dict[str, Any]:
    """001#annex1-六.2: highway toll reduction for 四保 enterprises' logistics vehicles. The rate is the transport
    department's (a parameter); the vehicles are the enterprise's declared 四保 logistics vehicles."""
    return {
        "title": "“四保”企业物流车辆高速公路通行费减免",
        "document_number": "通政办〔2022〕18号 附件1",
        "issuing_body": "河南省交通运输厅",
        "level": PolicyLevel.PROVINCE,
        "category": PolicyCategory.TOLL,
        "source": "001#annex1-六.2",
        "summary": "对“四保”白名单企业自有和固定外协的物流车辆，落实高速公路通行减让优惠。",
        "how_to_apply": "在“我的政策”中申报车辆数和月均通行费，交通运输部门核定后按月减免。",
        "sectors": [],
        "eligibility": {
            "label": "有物流车辆的白名单企业",
            "all": [
                {"field": "whitelisted", "op": "is_true", "label": "已列入“四保”白名单"},
                {"field": "logistics_vehicles", "op": "gt", "value": 0, "label": "有自有或固定外协物流车辆"},
                {"field": "monthly_toll", "op": "gt", "value": 0, "label": "有高速公路通行费支出"},
            ],
        },
        "formula": {
            "steps": [
                {"name": "monthly", "label": "每月减免", "expr": "monthly_toll * policies.toll_reduction_percent%"},
            ],
            "amount": "monthly",
        },
    }


SHIPPED = (sampling_booth, unemployment_refund, tax_deferral, toll_reduction)


def reserve_policies() -> list[dict[str, Any]]:
    """PO-5: the toolbox — draft policies per sector, ready to publish when an emergency needs them."""
    return [
        {
            "title": "应急状态下白名单工业企业闭环生产补贴",
            "issuing_body": "通许县人民政府",
            "level": PolicyLevel.COUNTY,
            "category": PolicyCategory.FISCAL_AWARD,
            "sectors": [Sector.INDUSTRY],
            "summary": "应急状态下实行闭环生产的白名单工业企业，按在岗职工每人每天补贴。",
            "reserve": True,
            "reserve_note": "本县进入应急状态、企业闭环生产时出台",
            "eligibility": {
                "all": [
                    {"field": "whitelisted", "op": "is_true", "label": "已列入“四保”白名单"},
                    {"field": "above_designated_size", "op": "is_true", "label": "规上工业企业"},
                ]
            },
            "formula": {
                "steps": [{"name": "subsidy", "label": "每日补贴", "expr": "employee_count * 20"}],
                "amount": "subsidy",
            },
        },
        {
            "title": "商贸流通企业保供稳价临时补贴",
            "issuing_body": "通许县人民政府",
            "level": PolicyLevel.COUNTY,
            "category": PolicyCategory.SUPPLY_PRICE,
            "sectors": [Sector.COMMERCE],
            "summary": "承担民生保供任务的商贸流通企业，给予一次性补贴。",
            "reserve": True,
            "reserve_note": "生活必需品价格异常波动时出台",
            "eligibility": {"all": [{"field": "livelihood", "op": "is_true", "label": "民生商贸企业"}]},
            "formula": {"steps": [{"name": "subsidy", "label": "一次性补贴", "expr": "20000"}], "amount": "subsidy"},
        },
    ]
