from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def wan(value: Decimal | float | int | None) -> str:
    """Format an amount in 10k yuan with thousands separators: 12345.6 → 12,345.60."""
    if value is None:
        return "—"
    return f"{Decimal(value):,.2f}"
