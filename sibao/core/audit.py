"""X-3: every write is attributable. Model changes go to django-auditlog's LogEntry.

Services wrap their writes in ``as_actor(actor)`` so that changes made outside a request (API
tokens, commands, tasks) are attributed too; inside a request the middleware already sets it.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from auditlog.context import set_actor
from auditlog.registry import auditlog
from django.apps import apps

# Models whose changes are audit-logged (app_label.ModelName).
AUDITED_MODELS = [
    "accounts.User",
    "accounts.ApiToken",
    "regions.Region",
    "organisation.Unit",
    "organisation.Person",
    "organisation.Membership",
    "enterprises.Enterprise",
    "enterprises.EnterpriseRecord",
    "enterprises.SupplyChainLink",
    "enterprises.Pairing",
    "organisation.Liaison",
    "parameters.ParameterOverride",
    "whitelist.Criteria",
    "whitelist.Application",
    "whitelist.Attachment",
    "whitelist.Batch",
    "whitelist.Listing",
    "whitelist.SpotCheck",
    "whitelist.Removal",
    "whitelist.ChainFlag",
    "tickets.Ticket",
    "tickets.TicketNote",
    "tickets.TicketAttachment",
    "tickets.CommonIssue",
    "tickets.RoutingRule",
    "tickets.SupervisionNotice",
    "epidemic.Employee",
]
# Never copy secrets into the log.
_EXCLUDED_FIELDS = {
    "accounts.User": ["password", "last_login"],
    "accounts.ApiToken": ["key_hash"],
    # The audit log would otherwise keep a second copy of the (encrypted) ID number and its digest.
    "epidemic.Employee": ["id_cipher", "id_digest"],
}


# Private persons' phone numbers are kept in the log as lists show them (138****5678).
_MASKED_FIELDS = {"epidemic.Employee": ["phone"]}
_MASK = "sibao.core.protected.mask_phone"


def masked_fields() -> dict[str, list[str]]:
    """``{app_label.Model: fields masked in the log}``: the list above plus each AppConfig's
    ``audit_masked_fields``."""
    labels = {label: list(fields) for label, fields in _MASKED_FIELDS.items()}
    for config in apps.get_app_configs():
        for name, fields in getattr(config, "audit_masked_fields", {}).items():
            labels[f"{config.label}.{name}"] = list(fields)
    return labels


def audited_models() -> dict[str, list[str]]:
    """``{app_label.Model: excluded fields}``: the list above plus what each app declares on its AppConfig
    (``audited_models = {"Model": ["excluded", …]}``), so a new app registers its own models."""
    labels = {label: _EXCLUDED_FIELDS.get(label, []) for label in AUDITED_MODELS}
    for config in apps.get_app_configs():
        for name, excluded in getattr(config, "audited_models", {}).items():
            labels[f"{config.label}.{name}"] = list(excluded)
    return labels


def register_models() -> None:
    masked = masked_fields()
    for label, excluded in audited_models().items():
        model = apps.get_model(label)
        if not auditlog.contains(model):
            auditlog.register(model, exclude_fields=excluded, mask_fields=masked.get(label, []), mask_callable=_MASK)


@contextmanager
def as_actor(actor: Any) -> Iterator[None]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        yield
        return
    with set_actor(actor):
        yield
