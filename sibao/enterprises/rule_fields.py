"""What a rule may test on an enterprise (WL-2 criteria, PO-2 eligibility): its flags, choices, figures,
region and dated records (accidents, violations, dishonesty) for the "within the last N years" exclusions."""

from typing import Any

from sibao.core.rules import FieldKind, FieldSpec, RecordsSpec, choices_of, make_fields, model_field, register_subject
from sibao.enterprises.models import Enterprise, EnterpriseRecord


def _field(name: str, kind: FieldKind, **extra: Any) -> FieldSpec:
    choices = choices_of(Enterprise, name) if kind == "choice" else ()
    return FieldSpec(name, model_field(Enterprise, name).verbose_name, kind, name, choices=choices, **extra)


FIELDS: dict[str, FieldSpec] = make_fields(
    *(
        _field(name, "bool")
        for name in (
            "above_designated_size",
            "specialised_sme",
            "leader_linked",
            "livelihood",
            "city_operation",
            "environmental_compliant",
            "safety_compliant",
        )
    ),
    *(_field(name, "choice") for name in ("operating_status", "credit_status", "sector", "kind")),
    _field("service_level", "choice"),
    _field("output_value", "number", decimal_places=2),
    _field("investment", "number", decimal_places=2),
    _field("employee_count", "number"),
    _field("park", "text"),
    FieldSpec("region", model_field(Enterprise, "region").verbose_name, "region", "region__path"),
    FieldSpec(
        "records",
        EnterpriseRecord._meta.verbose_name_plural or "records",
        "records",
        "records",
        records=RecordsSpec(
            model=EnterpriseRecord,
            parent_field="enterprise",
            kinds=choices_of(EnterpriseRecord, "kind"),
            severities=choices_of(EnterpriseRecord, "severity"),
        ),
    ),
)
register_subject("enterprise", FIELDS)
