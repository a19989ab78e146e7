"""The command screen through the API (X-5, DB-1…DB-4): the figures a region's screen shows — every panel the
caller may see with its figures, each with the link of the list it counts — and the indicators of the regions
below, from the same maintained summary the page reads (``selectors.screen``), so the provincial platform and the
screen never disagree. Another region outside the caller's subtree is 404."""

from decimal import Decimal
from typing import Any

from django.urls import reverse
from ninja import Field, Query, Router, Schema

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.api_errors import require, responses
from sibao.core.api_types import Input, optional_text
from sibao.core.roles import Capability
from sibao.core.sectors import Sector
from sibao.dashboard import selectors
from sibao.dashboard.figures import json_number

router = Router(tags=["screen"])

Number = int | str  # counts are numbers; amounts with decimals are sent as text, exact


class ScreenQuery(Input):
    region: str = optional_text(12, description="区划代码（缺省：本人所在地区；须在本人辖区内）")
    sector: Sector | None = Field(None, description="行业（缺省：全部行业）")


class FigureOut(Schema):
    label: str
    value: Number | None
    unit: str
    url: str = Field(description="这一数字所统计的列表（同一地区、行业的筛选）")
    tone: str = Field(description="''、success、warning 或 danger")


class PanelOut(Schema):
    key: str
    title: str
    pillar: str = Field(description="operations 一屏掌控 / requests 一键响应 / risk 一览无余 / support 督办与服务")
    figures: list[FigureOut]


class IndicatorOut(Schema):
    key: str
    title: str
    unit: str


class ChildOut(Schema):
    code: str
    name: str
    level: str
    values: dict[str, Number | None] = Field(description="各指标的值（键为指标 key）")


class ScreenOut(Schema):
    region_code: str
    region_name: str
    level: str
    sector: str
    refreshed_at: str | None = Field(description="数据更新时间（ISO 8601）")
    panels: list[PanelOut]
    indicators: list[IndicatorOut]
    children: list[ChildOut]
    xlsx_url: str


def _number(value: int | Decimal | None) -> Number | None:
    if value is None:
        return None
    return json_number(value if isinstance(value, Decimal) else Decimal(value))


@router.get(
    "", response=responses({200: ScreenOut}), summary="A region's command screen: panels, figures, regions below"
)
def region_screen(request: AuthenticatedRequest, query: Query[ScreenQuery]) -> Any:
    require(request, Capability.SCREEN_VIEW)
    screen = selectors.screen(request.user, query.region or None, sector=query.sector or "")
    region = screen.view.region
    return {
        "region_code": region.code,
        "region_name": region.name,
        "level": region.level,
        "sector": screen.sector,
        "refreshed_at": screen.refreshed_at.isoformat() if screen.refreshed_at else None,
        "panels": [
            {
                "key": panel.key,
                "title": str(panel.title),
                "pillar": panel.pillar,
                "figures": [
                    {
                        "label": str(figure.label),
                        "value": _number(figure.value),
                        "unit": str(figure.unit),
                        "url": figure.url,
                        "tone": figure.tone,
                    }
                    for figure in figures
                ],
            }
            for panel, figures in screen.panels
        ],
        "indicators": [
            {"key": item.key, "title": str(item.title), "unit": str(item.unit)} for item in screen.indicators
        ],
        "children": [
            {
                "code": child.region.code,
                "name": child.region.name,
                "level": child.region.level,
                "values": {key: _number(value) for key, value in child.values.items()},
            }
            for child in screen.children
        ],
        "xlsx_url": reverse("dashboard:xlsx", args=[region.code]),
    }
