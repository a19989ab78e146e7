from typing import Any

from django import template

from sibao.parameters.registry import Definition

register = template.Library()


@register.filter
def shown(value: Any, definition: Definition) -> str:
    """``{{ value|shown:row.definition }}``: 是/否, a choice's label, or the number with its unit."""
    return definition.display(value)
