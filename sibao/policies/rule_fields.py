"""What a policy's eligibility rule and benefit formula may read (PO-2, PO-4): every enterprise field of the
whitelist criteria (``enterprises.rule_fields``), whether it is whitelisted now, and its policy figures
(``EnterpriseFacts``).

The extra fields are annotations of the enterprise queryset, so that ``core.rules.to_q`` filters on them in
bulk and ``evaluate`` reads them as attributes of the same annotated row: both see one value, and an enterprise
without figures reads the defaults (not insured, 0 yuan), never NULL (the engine's fields are NOT NULL)."""

from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import BooleanField, DecimalField, Exists, IntegerField, OuterRef, Value
from django.db.models.functions import Coalesce

from sibao.core.rules import FieldSpec, make_fields, register_subject
from sibao.enterprises.models import Enterprise
from sibao.enterprises.rule_fields import FIELDS as ENTERPRISE_FIELDS
from sibao.policies.models import EnterpriseFacts
from sibao.whitelist.models import Listing

SUBJECT = "policy_enterprise"


def _facts_field(name: str) -> tuple[FieldSpec, Any]:
    field = EnterpriseFacts._meta.get_field(name)
    assert isinstance(field, models.Field)
    alias = f"pf_{name}"
    output: Any
    if isinstance(field, models.BooleanField):
        kind, places, output, default = "bool", 0, BooleanField(), Value(field.default)
    elif isinstance(field, models.DecimalField):
        kind, places = "number", field.decimal_places
        output = DecimalField(max_digits=field.max_digits, decimal_places=field.decimal_places)
        default = Value(Decimal(field.default), output_field=output)
    else:
        kind, places, output, default = "number", 0, IntegerField(), Value(int(field.default))
    spec = FieldSpec(name, field.verbose_name, kind, alias, decimal_places=places)  # type: ignore[arg-type]
    return spec, Coalesce(f"policy_facts__{name}", default, output_field=output)


FACTS = (
    "ui_insured",
    "ui_contributions",
    "layoff_rate",
    "booth_cost",
    "tax_hardship",
    "tax_deferral_amount",
    "tax_deferral_months",
    "logistics_vehicles",
    "monthly_toll",
)
_facts = dict(_facts_field(name) for name in FACTS)  # type: ignore[misc]
_FACT_SPECS = {spec.name: spec for spec in _facts}
ANNOTATIONS: dict[str, Any] = {spec.lookup: expression for spec, expression in _facts.items()}
WHITELISTED = FieldSpec("whitelisted", Listing._meta.verbose_name or "whitelisted", "bool", "pf_whitelisted")
ANNOTATIONS[WHITELISTED.lookup] = Exists(Listing.objects.filter(enterprise_id=OuterRef("pk"), removed_at__isnull=True))

FIELDS = make_fields(*ENTERPRISE_FIELDS.values(), WHITELISTED, *_FACT_SPECS.values())
register_subject(SUBJECT, FIELDS)


def annotations_for(names: set[str]) -> dict[str, Any]:
    """The annotations the given rule/formula fields need (only those: each costs a join or a subquery)."""
    wanted = {FIELDS[name].lookup for name in names if name in FIELDS}
    return {alias: expression for alias, expression in ANNOTATIONS.items() if alias in wanted}


def subjects(names: set[str]) -> "models.QuerySet[Enterprise]":
    """Enterprises with the annotations ``names`` need: filter with ``to_q`` or read one to ``evaluate``."""
    return Enterprise.objects.annotate(**annotations_for(names))


def rule_field_names(rule: Any) -> set[str]:
    """Every field a rule mentions."""
    found: set[str] = set()
    pending = [rule]
    while pending:
        node = pending.pop()
        if not isinstance(node, dict):
            continue
        if isinstance(node.get("field"), str):
            found.add(node["field"])
        for group in ("all", "any", "none"):
            if isinstance(node.get(group), list):
                pending.extend(node[group])
    return found


def value_of(enterprise: Any, name: str) -> Any:
    """A field's value on an annotated enterprise row (formula inputs)."""
    spec = FIELDS[name]
    value: Any = enterprise
    for part in spec.lookup.split("__"):
        value = getattr(value, part, None)
    return value
