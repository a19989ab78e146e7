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


def register_models() -> None:
    for label in AUDITED_MODELS:
        model = apps.get_model(label)
        if not auditlog.contains(model):
            auditlog.register(model, exclude_fields=_EXCLUDED_FIELDS.get(label, []))


@contextmanager
def as_actor(actor: Any) -> Iterator[None]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        yield
        return
    with set_actor(actor):
        yield
