"""What the criteria page's condition builder offers (issue 9 #9, WL-2).

A 科工局 official builds the rule from lists — field, operator, value; all/any/none groups, nested — instead of
writing JSON. The builder (``static/sibao/criteria-builder.js``) writes the same rule JSON the engine reads;
this module tells it, from the engine's own registries, which fields exist, which operators each kind of field
takes (``core.rules.OPS_BY_KIND``), which values a choice or record field has, and every word it shows, already
in the reader's language. Nothing here decides whether a rule is valid: ``validate_rule`` does, on preview and
on save.
"""

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from sibao.core.rules import GROUPS, MAX_DEPTH, OPS_BY_KIND, Fields, FieldSpec
from sibao.regions.models import Region


def group_labels() -> dict[str, str]:
    return {
        "all": _("All of these hold"),
        "any": _("At least one of these holds"),
        "none": _("None of these applies"),
    }


def op_labels() -> dict[str, str]:
    return {
        "is_true": _("is yes"),
        "is_false": _("is no"),
        "eq": _("equals"),
        "ne": _("does not equal"),
        "in": _("is one of"),
        "not_in": _("is none of"),
        "gt": _("is more than"),
        "gte": _("is at least"),
        "lt": _("is less than"),
        "lte": _("is at most"),
        "in_region": _("lies in"),
        "any_within_years": _("has a record"),
        "none_within_years": _("has no record"),
    }


def _pairs(choices: Iterable[tuple[str, Any]]) -> list[list[str]]:
    return [[str(value), str(label)] for value, label in choices]


def _field(spec: FieldSpec) -> dict[str, Any]:
    described: dict[str, Any] = {
        "name": spec.name,
        "label": str(spec.label),
        "kind": spec.kind,
        "ops": list(OPS_BY_KIND[spec.kind]),
    }
    if spec.kind == "choice":
        described["choices"] = _pairs(spec.choices)
    if spec.kind == "number":
        described["decimal_places"] = spec.decimal_places
    if spec.records is not None:
        described["kinds"] = _pairs(spec.records.kinds)
        described["severities"] = _pairs(spec.records.severities)
    return described


def builder_schema(fields: Fields, regions: Iterable[Region]) -> dict[str, Any]:
    """Everything the builder needs, JSON-ready (the page embeds it with ``json_script``)."""
    return {
        "groups": [[group, group_labels()[group]] for group in GROUPS],
        "max_depth": MAX_DEPTH,
        "fields": [_field(spec) for spec in fields.values()],
        "ops": op_labels(),
        "regions": [[region.code, region.name] for region in regions],
        "text": {
            "add_condition": _("Add a condition"),
            "add_group": _("Add a group"),
            "remove": _("Remove"),
            "up": _("Move up"),
            "down": _("Move down"),
            "group": _("Group"),
            "field": _("Field"),
            "op": _("Operator"),
            "value": _("Value"),
            "label": _("Wording shown to officials and enterprises"),
            "label_placeholder": _("Optional: e.g. 规上工业企业"),
            "yes": _("Yes"),
            "no": _("No"),
            "list_hint": _("Separate several values with commas"),
            "years": _("Within the last … years"),
            "years_placeholder": _("empty: any time"),
            "kinds": _("Kinds of record"),
            "severities": _("Severity"),
            "all_when_none": _("none ticked: any"),
            "empty": _("No conditions yet: add one, or start from the 003 template."),
            "unknown": _("The builder cannot show this condition; it is kept as written:"),
            "unreadable": _("The rule is not valid JSON, so the builder cannot show it. Fix the JSON or start again."),
            "start_again": _("Start again"),
        },
    }


def builder_regions(root: Region) -> list[Region]:
    """Regions an ``in_region`` condition may name: the criteria's region and the cities and counties in it
    (a county's criteria: its townships too). Other codes can still be typed in."""
    levels = ["province", "city", "county"] + (["township"] if root.level == "county" else [])
    return list(Region.objects.active().filter(path__startswith=root.path, level__in=levels).order_by("path"))
