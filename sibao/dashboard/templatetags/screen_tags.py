"""How the command screen writes a figure: a dash for "nothing to divide by", thousands grouped."""

from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def figure_value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal) and value != value.to_integral_value():
        return f"{value:,.1f}" if abs(value) >= 100 else f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{int(value):,}"


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    return mapping.get(key) if mapping else None
