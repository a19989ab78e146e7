"""Every write to the registry (EN-1, EN-2). Views, API, imports and commands all come through here."""

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sibao.accounts.models import User
from sibao.core.audit import as_actor
from sibao.core.errors import PermissionRefused, ServiceError
from sibao.core.permissions import region_in_scope, require_capability, sector_in_scope
from sibao.core.roles import Capability, Role
from sibao.core.validators import normalise_uscc
from sibao.enterprises.changes import enterprises_changed
from sibao.enterprises.models import (
    Enterprise,
    EnterpriseRecord,
    OperatingStatus,
    Pairing,
    RecordKind,
    RecordSeverity,
    SupplyChainLink,
)
from sibao.enterprises.search import name_initials, name_pinyin

# What an enterprise user may change in its own profile; the rest is the government's data.
SELF_SERVICE_FIELDS = frozenset(
    {
        "legal_representative",
        "contact_name",
        "contact_phone",
        "address",
        "employee_count",
        "closed_loop_mode",
        "dormitory_capacity",
        "canteen_capacity",
    }
)
EDITABLE_FIELDS = frozenset(
    field.name
    for field in Enterprise._meta.get_fields()
    if getattr(field, "editable", False) and not field.auto_created and field.name not in {"id"}
)


def _check_scope(actor: User, enterprise: Enterprise) -> None:
    if actor.role == Role.ENTERPRISE:
        return  # its own record; region and sector are not among the fields it may change
    if not region_in_scope(actor, enterprise.region):
        raise ValidationError({"region": _("This region is outside your area of responsibility.")})
    if not sector_in_scope(actor, enterprise.sector):
        raise ValidationError({"sector": _("This sector is outside your responsibility.")})


def _prepare(enterprise: Enterprise) -> None:
    enterprise.uscc = (enterprise.uscc or "").strip().upper()
    enterprise.name = (enterprise.name or "").strip()
    enterprise.name_initials = name_initials(enterprise.name)
    enterprise.name_pinyin = name_pinyin(enterprise.name)


def enterprise_validate(*, actor: User, enterprise: Enterprise) -> None:
    """The single-record validator shared by forms, API and import: fields, code, uniqueness, scope."""
    _prepare(enterprise)
    errors: dict[str, list[str]] = {}
    try:
        enterprise.uscc = normalise_uscc(enterprise.uscc)
    except ValidationError as exc:
        errors["uscc"] = exc.messages
    try:
        enterprise.full_clean(exclude=["uscc"] if "uscc" in errors else None)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if "region" not in errors and "sector" not in errors and enterprise.region_id:
        try:
            _check_scope(actor, enterprise)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)


def enterprise_create(*, actor: User, data: Mapping[str, Any]) -> Enterprise:
    require_capability(actor, Capability.ENTERPRISE_CREATE)
    unknown = set(data) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in unknown})
    enterprise = Enterprise(**data)
    enterprise_validate(actor=actor, enterprise=enterprise)
    with transaction.atomic(), as_actor(actor):
        enterprise.save()
        enterprises_changed([enterprise.pk])
    return enterprise


def enterprise_update(*, actor: User, enterprise: Enterprise, data: Mapping[str, Any]) -> Enterprise:
    """Change fields of an enterprise the actor can already see (callers fetch it through selectors)."""
    if actor.role == Role.ENTERPRISE:
        require_capability(actor, Capability.ENTERPRISE_CHANGE_OWN)
        if enterprise.pk != actor.enterprise_id:
            raise PermissionRefused("not_own_enterprise", _("You can only change your own enterprise."))
        allowed = SELF_SERVICE_FIELDS
    else:
        require_capability(actor, Capability.ENTERPRISE_CHANGE)
        allowed = EDITABLE_FIELDS
    refused = {name for name in data if name not in allowed}
    if refused:
        raise ValidationError({name: _("You may not change this field.") for name in sorted(refused)})
    with transaction.atomic(), as_actor(actor):
        locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        _check_emergency_rules(locked, data)
        for name, value in data.items():
            setattr(locked, name, value)
        enterprise_validate(actor=actor, enterprise=locked)
        locked.save()
        enterprises_changed([locked.pk])
    return locked


def _check_emergency_rules(enterprise: Enterprise, data: Mapping[str, Any]) -> None:
    """EM-2: during its region's emergency an enterprise's closed-loop mode is the switch's. EM-4: a whitelist
    enterprise is not suspended at will — only a shutdown approved by both HQs stops it (emergency app)."""
    from sibao.emergency.services import mode_change_refusal

    if "closed_loop_mode" in data and data["closed_loop_mode"] != enterprise.closed_loop_mode:
        refusal = mode_change_refusal(enterprise)
        if refusal:  # the stored state forbids it (409 through the API), not the value
            raise ValidationError({"closed_loop_mode": ValidationError(refusal, code="state")})
    if data.get("operating_status", OperatingStatus.OPERATING) != OperatingStatus.OPERATING and (
        enterprise.operating_status == OperatingStatus.OPERATING
    ):
        from sibao.whitelist.selectors import listing_status

        if listing_status(enterprise).listed:
            refusal = _(
                "A whitelist enterprise is not stopped at will: a township or department proposes a shutdown and "
                "both HQ offices approve it (at most a few days); to take the enterprise off the whitelist, propose "
                "its removal."
            )
            raise ValidationError({"operating_status": ValidationError(refusal, code="state")})


def enterprises_create_many(*, actor: User, enterprises: Iterable[Enterprise]) -> int:
    """Used by the import after every row was validated; the caller holds the transaction."""
    require_capability(actor, Capability.ENTERPRISE_IMPORT)
    count = 0
    saved = list(enterprises)
    with as_actor(actor):
        for enterprise in saved:
            _prepare(enterprise)
            enterprise.save()  # one by one so that each creation is audit-logged
            count += 1
        enterprises_changed([enterprise.pk for enterprise in saved])
    return count


def _require_visible(actor: User, *enterprises: Enterprise) -> None:
    visible = set(
        Enterprise.objects.visible_to(actor).filter(pk__in=[e.pk for e in enterprises]).values_list("pk", flat=True)
    )
    if any(enterprise.pk not in visible for enterprise in enterprises):
        raise ValidationError({"partner": _("This enterprise is outside your area of responsibility.")})


def supply_link_add(*, actor: User, supplier: Enterprise, customer: Enterprise, product: str = "") -> SupplyChainLink:
    """EN-2: ``supplier`` delivers to ``customer``; both must be in the actor's scope."""
    require_capability(actor, Capability.ENTERPRISE_CHANGE)
    _require_visible(actor, supplier, customer)
    if supplier.pk == customer.pk:
        raise ValidationError({"partner": _("An enterprise cannot be linked to itself.")})
    if SupplyChainLink.objects.filter(supplier=supplier, customer=customer).exists():
        raise ValidationError({"partner": _("This supply-chain link is already recorded.")})
    link = SupplyChainLink(supplier=supplier, customer=customer, product=product.strip())
    with transaction.atomic(), as_actor(actor):
        link.save()
    return link


def pairing_add(*, actor: User, enterprise: Enterprise, partner: Enterprise, kind: str, note: str = "") -> Pairing:
    """EN-2, 000#五.2: pair a production enterprise with a transport, commerce or catering partner."""
    require_capability(actor, Capability.ENTERPRISE_CHANGE)
    _require_visible(actor, enterprise, partner)
    if enterprise.pk == partner.pk:
        raise ValidationError({"partner": _("An enterprise cannot be linked to itself.")})
    pairing = Pairing(enterprise=enterprise, partner=partner, kind=kind, note=note.strip())
    try:
        pairing.full_clean()
    except ValidationError as exc:
        raise ValidationError({"partner" if k == "__all__" else k: v for k, v in exc.message_dict.items()}) from None
    with transaction.atomic(), as_actor(actor):
        pairing.save()
    return pairing


def relation_remove(*, actor: User, relation: SupplyChainLink | Pairing) -> None:
    require_capability(actor, Capability.ENTERPRISE_CHANGE)
    with transaction.atomic(), as_actor(actor):
        relation.delete()


class RelationType:
    SUPPLIER = "supplier"  # the partner supplies this enterprise
    CUSTOMER = "customer"  # this enterprise supplies the partner
    PAIRING_PREFIX = "pairing:"


def relation_add(
    *, actor: User, enterprise: Enterprise, relation: str, partner_uscc: str, detail: str = ""
) -> SupplyChainLink | Pairing:
    """One entry point for pages and API: find the partner by its credit code, then link."""
    partner = Enterprise.objects.visible_to(actor).filter(uscc=(partner_uscc or "").strip().upper()).first()
    if partner is None:
        raise ValidationError(
            {"partner": _("No enterprise with this credit code in your area: %(code)s") % {"code": partner_uscc}}
        )
    if relation == RelationType.SUPPLIER:
        return supply_link_add(actor=actor, supplier=partner, customer=enterprise, product=detail)
    if relation == RelationType.CUSTOMER:
        return supply_link_add(actor=actor, supplier=enterprise, customer=partner, product=detail)
    if relation.startswith(RelationType.PAIRING_PREFIX):
        return pairing_add(
            actor=actor,
            enterprise=enterprise,
            partner=partner,
            kind=relation.removeprefix(RelationType.PAIRING_PREFIX),
            note=detail,
        )
    raise ValidationError({"relation": _("Unknown relation type.")})


# --- EN-1: dated records of accidents, violations and dishonesty -------------------------------------------
# The whitelist exclusions of 003#二 ("近三年…") read these records, so they are written here — with the
# capability, the scope and the audit actor — not in the admin (issue 9 #7).

RECORD_FIELDS = ("kind", "severity", "occurred_on", "description", "source")


def _record_scope(actor: User, enterprise: Enterprise) -> None:
    require_capability(actor, Capability.ENTERPRISE_CHANGE)
    if not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        raise PermissionRefused("enterprises.record.forbidden", _("This enterprise is outside your responsibility."))


def _record_validate(record: EnterpriseRecord) -> None:
    """One message per problem, naming the field (X-4)."""
    if record.kind not in RecordKind.values:
        raise ServiceError("enterprises.record.kind", _("Choose the kind of record."), field="kind")
    if record.severity not in RecordSeverity.values:
        raise ServiceError("enterprises.record.severity", _("Choose the severity."), field="severity")
    if not isinstance(record.occurred_on, date):
        raise ServiceError("enterprises.record.occurred_on", _("Enter the date it happened."), field="occurred_on")
    if record.occurred_on > timezone.localdate():
        raise ServiceError(
            "enterprises.record.occurred_on",
            _("Date: %(day)s is in the future; a record is entered once it has happened.")
            % {"day": record.occurred_on.isoformat()},
            field="occurred_on",
        )
    for name in ("description", "source"):
        value = getattr(record, name)
        setattr(record, name, str(value or "").strip())
    limit = EnterpriseRecord._meta.get_field("source").max_length or 0
    if len(record.source) > limit:
        raise ServiceError(
            "enterprises.record.source",
            _("Source: at most %(limit)d characters.") % {"limit": limit},
            field="source",
        )


def enterprise_record_add(*, actor: User, enterprise: Enterprise, data: Mapping[str, Any]) -> EnterpriseRecord:
    """EN-1: record an accident, violation or dishonesty of an enterprise in the actor's scope."""
    _record_scope(actor, enterprise)
    unknown = set(data) - set(RECORD_FIELDS)
    if unknown:
        raise ServiceError("enterprises.record.field", _("This field cannot be set."), field=sorted(unknown)[0])
    record = EnterpriseRecord(enterprise=enterprise, **data)
    _record_validate(record)
    with transaction.atomic(), as_actor(actor):
        record.save()
        enterprises_changed([enterprise.pk])
    return record


def enterprise_record_change(*, actor: User, record: EnterpriseRecord, data: Mapping[str, Any]) -> EnterpriseRecord:
    """Correct a record (kind, severity, date, description, source); the audit log keeps the old values."""
    _record_scope(actor, record.enterprise)
    unknown = set(data) - set(RECORD_FIELDS)
    if unknown:
        raise ServiceError("enterprises.record.field", _("This field cannot be set."), field=sorted(unknown)[0])
    with transaction.atomic(), as_actor(actor):
        locked = EnterpriseRecord.objects.select_for_update().get(pk=record.pk)
        for name, value in data.items():
            setattr(locked, name, value)
        _record_validate(locked)
        locked.save()
        enterprises_changed([locked.enterprise_id])
    return locked


def enterprise_record_remove(*, actor: User, record: EnterpriseRecord) -> None:
    """Remove a record entered in error (the audit log keeps what it said and who removed it)."""
    _record_scope(actor, record.enterprise)
    with transaction.atomic(), as_actor(actor):
        enterprise_id = record.enterprise_id
        record.delete()
        enterprises_changed([enterprise_id])
