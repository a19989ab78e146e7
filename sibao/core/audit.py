"""X-3: every write is attributable, and the record cannot be rewritten.

Model changes go to django-auditlog's ``LogEntry``. Services wrap their writes in ``as_actor(actor)`` so
that changes made outside a request (API tokens, commands, tasks) are attributed too; inside a request
the middleware already sets the actor. Security events that change no row — logins, failed logins,
logouts, refused actions — are ``LogEntry`` rows too (action "access", ``additional_data["event"]``),
written by ``record_event``.

The table is append-only (issue 8 #7): ``install_guard`` puts triggers on it (PostgreSQL and SQLite) that
refuse UPDATE, DELETE and TRUNCATE, except detaching a deleted user (the entry keeps the actor's name in
``actor_email``, which here holds "display name（username）") and deleting entries older than
``RETENTION_FLOOR_DAYS`` (the retention purge). The triggers are (re)installed after every ``migrate``.
"""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from auditlog.context import set_actor
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection as default_connection
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_save
from django.utils.translation import gettext_lazy as _

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

# MLPS 2.0 level 3: audit records are kept at least 180 days. The database refuses to delete younger
# entries whatever the retention parameter says (the parameter may only lengthen it).
RETENTION_FLOOR_DAYS = 180

TABLE = LogEntry._meta.db_table


class SecurityEvent(models.TextChoices):
    """Events recorded with ``record_event`` (``additional_data["event"]``)."""

    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOCKED_OUT = "locked_out", _("Login locked")
    LOGOUT = "logout", _("Logged out")
    REFUSED = "refused", _("Refused action")
    REPEATED_NOT_FOUND = "repeated_not_found", _("Repeated requests for records out of reach")
    PURGED = "purged", _("Old audit entries deleted")
    PERSONAL_DATA_PURGED = "personal_data_purged", _("Personal epidemic data deleted")


# Selects the entries ``record_event`` wrote (``LogEntry.objects.exclude(security_event)`` leaves the changes
# and reads of data).
security_event = models.Q(additional_data__has_key="event")


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


# --- The actor, and the actor's name on every entry ------------------------------------------------

# The actor of the current request or ``as_actor`` block. auditlog keeps its own context variable but never
# resets it, so it cannot tell whether a block is still open; this one is reset on exit.
_current_actor: ContextVar[Any] = ContextVar("sibao_audit_actor", default=None)


@contextmanager
def actor_context(actor: Any) -> Iterator[None]:
    token = _current_actor.set(actor)
    try:
        yield
    finally:
        _current_actor.reset(token)


@contextmanager
def as_actor(actor: Any) -> Iterator[None]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        yield
        return
    with set_actor(actor), actor_context(actor):
        yield


def actor_label(actor: Any) -> str:
    """How an entry names its actor for good: "display name（username）", or the username."""
    username = actor.get_username()
    display = getattr(actor, "display_name", "") or ""
    return f"{display}（{username}）" if display and display != username else username


def _name_the_actor(sender: Any, instance: LogEntry, **kwargs: Any) -> None:
    """Before an entry is written: take the actor from the open context (auditlog's own receiver would do it
    later and copy the e-mail address) and keep the actor's name on the row, so that deleting the user —
    which can only blank ``actor_id`` — leaves the entry attributable."""
    if instance.pk is not None:
        return
    actor = instance.actor if instance.actor_id is not None else None
    if actor is None:
        candidate = _current_actor.get()
        if isinstance(candidate, get_user_model()) and candidate.is_authenticated:
            actor = candidate
            instance.actor = candidate
    if actor is not None:
        instance.actor_email = actor_label(actor)[:254]


# --- Security events -------------------------------------------------------------------------------


def record_event(
    event: str,
    *,
    actor: Any = None,
    subject: models.Model | None = None,
    username: str = "",
    remote_addr: str | None = None,
    detail: Mapping[str, Any] | None = None,
) -> LogEntry:
    """Write one security event. ``subject`` is what it concerns (default: the actor's own user row, or the
    user named ``username`` for a failed login); ``detail`` lands in ``additional_data``."""
    user_model = get_user_model()
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if subject is None and actor is not None:
        subject = actor
    if subject is None and username:
        subject = user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username}).first()
    data = {"event": str(event), **(detail or {})}
    if username:
        data["username"] = username[:150]
    if subject is not None:
        content_type = ContentType.objects.get_for_model(subject)
        object_pk, object_id, object_repr = str(subject.pk), subject.pk, str(subject)
    else:
        content_type = ContentType.objects.get_for_model(user_model)
        object_pk, object_id, object_repr = "", None, username[:150]
    return LogEntry.objects.create(
        content_type=content_type,
        object_pk=object_pk,
        object_id=object_id if isinstance(object_id, int) else None,
        object_repr=object_repr,
        action=LogEntry.Action.ACCESS,
        actor=actor,
        remote_addr=remote_addr,
        additional_data=data,
    )


# --- Append-only at the database level -------------------------------------------------------------

_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION sibao_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('sibao.audit_guard', true) = 'off' THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.actor_id IS NULL
       AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
        RETURN NEW;  -- a deleted user is detached; the entry keeps the name in actor_email
    END IF;
    IF TG_OP = 'DELETE' AND OLD."timestamp" < now() - interval '{RETENTION_FLOOR_DAYS} days' THEN
        RETURN OLD;  -- the retention purge
    END IF;
    RAISE EXCEPTION 'the audit log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
"""
_PG_TRIGGERS = f"""
DROP TRIGGER IF EXISTS sibao_audit_append_only_rows ON {TABLE};
CREATE TRIGGER sibao_audit_append_only_rows BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION sibao_audit_append_only();
DROP TRIGGER IF EXISTS sibao_audit_append_only_truncate ON {TABLE};
CREATE TRIGGER sibao_audit_append_only_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION sibao_audit_append_only();
"""


def _sqlite_triggers() -> list[str]:
    # SQLite has no TRUNCATE. ``UPDATE OF`` lists every column but actor_id, so only a statement that sets
    # nothing but actor_id (Django's SET_NULL when a user is deleted) gets through, and only to NULL.
    # sibao_audit_guard() is registered on every connection (``_on_connection``); where it is missing
    # (the sqlite3 shell) the trigger fails, which refuses the change as well.
    columns = ", ".join(f'"{field.column}"' for field in LogEntry._meta.concrete_fields if field.name != "actor")
    refuse = "SELECT RAISE(ABORT, 'the audit log is append-only'); END"
    return [
        f"CREATE TRIGGER IF NOT EXISTS sibao_audit_no_delete BEFORE DELETE ON {TABLE} "
        f'WHEN sibao_audit_guard() AND OLD."timestamp" >= '
        f"strftime('%Y-%m-%d %H:%M:%f', 'now', '-{RETENTION_FLOOR_DAYS} days') BEGIN {refuse};",
        f"CREATE TRIGGER IF NOT EXISTS sibao_audit_no_update BEFORE UPDATE OF {columns} ON {TABLE} "
        f"WHEN sibao_audit_guard() BEGIN {refuse};",
        f"CREATE TRIGGER IF NOT EXISTS sibao_audit_detach_only BEFORE UPDATE OF actor_id ON {TABLE} "
        f"WHEN sibao_audit_guard() AND NEW.actor_id IS NOT NULL BEGIN {refuse};",
    ]


def install_guard(using: BaseDatabaseWrapper | None = None) -> None:
    """Create (or re-create) the append-only triggers; idempotent."""
    connection = using or default_connection
    if TABLE not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_PG_FUNCTION)
            cursor.execute(_PG_TRIGGERS)
        elif connection.vendor == "sqlite":
            for statement in _sqlite_triggers():
                cursor.execute(statement)


def guard_enabled() -> bool:
    """Off only in the test settings, whose flush empties every table between browser tests."""
    return bool(getattr(settings, "SIBAO_AUDIT_GUARD", True))


def _on_connection(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("sibao_audit_guard", 0, lambda: 1 if guard_enabled() else 0)
    elif connection.vendor == "postgresql" and not guard_enabled():
        with connection.cursor() as cursor:
            cursor.execute("SET sibao.audit_guard = 'off'")


def _after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    from django.db import connections

    install_guard(connections[using])


def install() -> None:
    """Called once from an AppConfig's ``ready``: models, the actor's name, the guard."""
    register_models()
    pre_save.connect(_name_the_actor, sender=LogEntry, dispatch_uid="sibao_audit_actor_name")
    connection_created.connect(_on_connection, dispatch_uid="sibao_audit_guard_function")
    post_migrate.connect(_after_migrate, sender=apps.get_app_config("auditlog"), dispatch_uid="sibao_audit_guard")
