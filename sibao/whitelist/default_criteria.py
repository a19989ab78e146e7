"""The default whitelist criteria: seed 003#二 (新县), shipped for 新县 and offered as a template elsewhere (WL-2)."""

from collections.abc import Mapping
from copy import deepcopy
from typing import Any

from sibao.core.rules import REGION_CODE, Rule
from sibao.core.sectors import Sector

REGION_PLACEHOLDER = "{region}"

# 新县 003#二. "能够严格执行疫情防控工作指南" is met by the signed 《落实疫情防控主体责任承诺书》 attached
# to the application (WL-3), not by anything on the enterprise record, so it is not a condition here.
DEFAULT_CRITERIA_003: dict[str, Any] = {
    "label": "白名单企业遴选标准和申报条件（003#二）",
    "all": [
        {"field": "region", "op": "in_region", "value": REGION_PLACEHOLDER, "label": "在县内注册"},
        {
            "field": "sector",
            "op": "in",
            "value": [Sector.INDUSTRY.value, Sector.COMMERCE.value],
            "label": "属于工业、商贸流通、电商平台类企业",
        },
        {"field": "operating_status", "op": "eq", "value": "operating", "label": "生产经营状态正常"},
        # 诚信度好: the registry's scale has one bad step (严重失信); "ordinary" is not bad credit.
        {"field": "credit_status", "op": "in", "value": ["good", "ordinary"], "label": "诚信度好"},
        {"field": "environmental_compliant", "op": "is_true", "label": "达到环保排放标准"},
        {"field": "safety_compliant", "op": "is_true", "label": "达到安全生产标准"},
        {
            "label": "符合以下条件之一",
            "any": [
                {"field": "above_designated_size", "op": "is_true", "label": "规上工业企业"},
                {"field": "specialised_sme", "op": "is_true", "label": "专精特新中小企业培育库企业"},
                {"field": "leader_linked", "op": "is_true", "label": "“万人助万企”县领导包联企业"},
                {"field": "livelihood", "op": "is_true", "label": "关系民生的商贸流通、电商类企业"},
            ],
        },
        {
            "label": "不得有下列情况之一",
            "none": [
                # No time limit in the seed, unlike the two exclusions below.
                {
                    "field": "records",
                    "op": "any_within_years",
                    "value": {"kinds": ["application_fraud"]},
                    "label": "通过弄虚作假行为达到申报标准",
                },
                # 重大 is the registry's "major" grade (较大 = "serious" does not exclude).
                {
                    "field": "records",
                    "op": "any_within_years",
                    "value": {"years": 3, "kinds": ["safety_accident", "quality_accident"], "severities": ["major"]},
                    "label": "近三年发生重大安全、重大质量事故",
                },
                {
                    "field": "records",
                    "op": "any_within_years",
                    "value": {"years": 3, "kinds": ["environmental_violation"], "severities": ["serious", "major"]},
                    "label": "近三年有严重环境违法行为",
                },
                {
                    "field": "records",
                    "op": "any_within_years",
                    "value": {"years": 3, "kinds": ["dishonesty"], "severities": ["serious", "major"]},
                    "label": "近三年发生严重社会失信行为",
                },
            ],
        },
    ],
}


def criteria_for_region(code: str, template: Rule = DEFAULT_CRITERIA_003) -> dict[str, Any]:
    """A copy of ``template`` whose ``in_region`` placeholders name the county ``code``."""
    if not isinstance(code, str) or not REGION_CODE.fullmatch(code):
        raise ValueError(f"not a region code: {code!r}")

    def fill(node: Any) -> Any:
        if isinstance(node, Mapping):
            if node.get("op") == "in_region" and node.get("value") == REGION_PLACEHOLDER:
                return {**deepcopy(dict(node)), "value": code}
            return {key: fill(item) for key, item in node.items()}
        if isinstance(node, list | tuple):
            return [fill(item) for item in node]
        return deepcopy(node)

    filled: dict[str, Any] = fill(template)
    return filled
