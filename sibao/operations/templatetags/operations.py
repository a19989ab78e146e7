"""Template helpers of the EN-3 pages: the colour of a production status."""

from django import template

from sibao.operations.models import ProductionStatus

register = template.Library()

BADGES = {
    ProductionStatus.NORMAL: "text-bg-success",
    ProductionStatus.CLOSED_LOOP: "text-bg-info",
    ProductionStatus.REDUCED: "text-bg-warning",
    ProductionStatus.HALTED: "text-bg-danger",
}


@register.filter
def status_badge(status: str) -> str:
    return BADGES.get(status, "text-bg-secondary")  # type: ignore[call-overload]
