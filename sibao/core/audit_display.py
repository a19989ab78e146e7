"""The audit log as people read it (issue 9 #8): model and field names in the reader's language, choice
labels instead of codes, related rows by name, yes/no, local times, security events in words — instead
of auditlog's raw dumps ("state: None", "sentinel.PharmacyPurchase.None").

Values are shown as stored: fields masked in the log (``audit_masked_fields``) stay masked.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from sibao.core.audit import SecurityEvent, security_event

EMPTY = "—"
TRUNCATE_AT = 140
# Keys that are not model fields but appear in access entries (reveals, exports, traces).
EXTRA_LABELS = {
    "id_number": gettext_lazy("ID number"),
    "purpose": gettext_lazy("Purpose"),
    "count": gettext_lazy("Count"),
}
EXTRA_VALUES = {
    "(masked)": gettext_lazy("masked"),
    "(revealed)": gettext_lazy("shown in full"),
}
LOGOUT_REASONS = {
    "user": gettext_lazy("logged out by the user"),
    "idle": gettext_lazy("no activity for too long"),
    "absolute": gettext_lazy("session time limit reached"),
}
ACTION_LABELS = {
    LogEntry.Action.CREATE: pgettext_lazy("audit action", "Created"),
    LogEntry.Action.UPDATE: pgettext_lazy("audit action", "Changed"),
    LogEntry.Action.DELETE: pgettext_lazy("audit action", "Deleted"),
    LogEntry.Action.ACCESS: pgettext_lazy("audit action", "Viewed"),
}


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class AuditRow:
    entry: LogEntry
    actor: str
    action: str
    subject: str
    object_repr: str
    changes: list[Change] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    is_event: bool = False


def audit_entries(*, model: str = "", kind: str = "", actor: str = "") -> QuerySet[LogEntry]:
    """The log newest first, of one record type (``app_label.Model``), kind ("changes", "events" or one security
    event) and actor (user name, or part of the e-mail kept for a deleted user) — for the page and the API."""
    entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-pk")
    if model:
        app_label, model_name = model.split(".")
        entries = entries.filter(content_type__app_label=app_label, content_type__model=model_name.lower())
    if kind == "changes":
        entries = entries.exclude(security_event)
    elif kind == "events":
        entries = entries.filter(security_event)
    elif kind:
        entries = entries.filter(additional_data__event=kind)
    if actor:
        entries = entries.filter(Q(actor__username=actor) | Q(actor_email__icontains=actor))
    return entries


def audit_kinds() -> list[str]:
    """The values ``audit_entries`` takes for ``kind``."""
    return ["changes", "events", *SecurityEvent.values]


def audit_rows(entries: Sequence[LogEntry]) -> list[AuditRow]:
    """Readable rows for a page of entries (with ``content_type`` and ``actor`` selected). Related rows
    named in the changes are read in one query per related model."""
    related = _RelatedNames(entries)
    return [_row(entry, related) for entry in entries]


def _row(entry: LogEntry, related: "_RelatedNames") -> AuditRow:
    model = entry.content_type.model_class()
    subject = capfirst(str(model._meta.verbose_name)) if model else entry.content_type.model
    actor = entry.actor_email or (str(entry.actor) if entry.actor_id else "") or EMPTY
    event = (entry.additional_data or {}).get("event") if isinstance(entry.additional_data, dict) else None
    if event:
        return AuditRow(
            entry=entry,
            actor=actor,
            action=_event_label(event),
            subject=subject,
            object_repr=entry.object_repr,
            details=_event_details(event, entry.additional_data),
            is_event=True,
        )
    return AuditRow(
        entry=entry,
        actor=actor,
        action=str(ACTION_LABELS.get(entry.action, entry.get_action_display())),
        subject=subject,
        object_repr=entry.object_repr,
        changes=_changes(entry, model, related),
    )


def _event_label(event: str) -> str:
    try:
        return str(SecurityEvent(event).label)
    except ValueError:
        return event


def _event_details(event: str, data: dict[str, Any]) -> list[str]:
    details: list[str] = []
    if data.get("username"):
        details.append(_("User name: %(name)s") % {"name": data["username"]})
    if data.get("method"):
        details.append(f"{data['method']} {data.get('path', '')} → {data.get('status', '')}")
    if event == SecurityEvent.LOGOUT and data.get("reason"):
        details.append(str(LOGOUT_REASONS.get(data["reason"], data["reason"])))
    if event == SecurityEvent.REPEATED_NOT_FOUND:
        details.append(
            _("%(count)s requests for records out of reach within %(minutes)s minutes")
            % {"count": data.get("count", ""), "minutes": data.get("window_minutes", "")}
        )
    if event == SecurityEvent.PURGED:
        details.append(
            _("%(count)s entries older than %(days)s days deleted")
            % {"count": data.get("deleted", ""), "days": data.get("retention_days", "")}
        )
    if event == SecurityEvent.PERSONAL_DATA_PURGED:
        details.append(_("%(count)s records deleted") % {"count": data.get("total", "")})
    return details


def _changes(entry: LogEntry, model: type[models.Model] | None, related: "_RelatedNames") -> list[Change]:
    changes: list[Change] = []
    for name, values in (entry.changes_dict or {}).items():
        model_field = _field(model, name)
        if model_field is not None and (model_field.auto_created or not model_field.concrete):
            continue  # the primary key, reverse relations ("sentinel.PharmacyPurchase.None")
        label = capfirst(str(model_field.verbose_name)) if model_field else str(EXTRA_LABELS.get(name, name))
        if isinstance(values, dict):  # many-to-many: {"type": "m2m", "operation": …, "objects": […]}
            objects = "、".join(str(item) for item in values.get("objects", []))
            before, after = (EMPTY, objects) if values.get("operation") == "add" else (objects, EMPTY)
        else:
            pair = [*list(values), None, None]
            before, after = (_value(model_field, pair[0], related), _value(model_field, pair[1], related))
        if entry.action == LogEntry.Action.CREATE and after == EMPTY:
            continue  # a new row: only what it was created with
        if entry.action == LogEntry.Action.DELETE and before == EMPTY:
            continue
        changes.append(Change(label=label, before=before, after=after))
    return changes


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _value(model_field: Any, raw: Any, related: "_RelatedNames") -> str:
    if raw is None or raw == "None" or raw == "":
        return EMPTY
    text = str(raw)
    if model_field is None:
        return str(EXTRA_VALUES.get(text, _truncate(text)))
    if model_field.is_relation and model_field.many_to_one:
        return related.name(model_field.related_model, text)
    choices = getattr(model_field, "flatchoices", None)
    if choices:
        labels = {str(value): label for value, label in choices}
        if text in labels:
            return str(labels[text])
    internal = model_field.get_internal_type()
    if internal == "BooleanField":
        return _("Yes") if text == "True" else _("No") if text == "False" else text
    if internal == "DateTimeField":
        moment = parse_datetime(text)
        if isinstance(moment, datetime):
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, UTC)
            return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
    return _truncate(text)


def _truncate(text: str) -> str:
    return text if len(text) <= TRUNCATE_AT else text[:TRUNCATE_AT] + "…"


class _RelatedNames:
    """The names of the rows the changes point at, read in one query per related model."""

    def __init__(self, entries: Iterable[LogEntry]) -> None:
        wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
        for entry in entries:
            model = entry.content_type.model_class()
            data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
            if model is None or data.get("event"):
                continue
            for name, values in (entry.changes_dict or {}).items():
                model_field = _field(model, name)
                if model_field is None or not (model_field.is_relation and model_field.many_to_one):
                    continue
                if not model_field.concrete or isinstance(values, dict):
                    continue
                for value in values:
                    if value not in (None, "None", ""):
                        try:
                            wanted[model_field.related_model].add(model_field.related_model._meta.pk.to_python(value))
                        except Exception:  # a value that is not a key of that model
                            continue
        self.names: dict[tuple[type[models.Model], str], str] = {}
        for model, keys in wanted.items():
            for pk, obj in model._base_manager.in_bulk(list(keys)).items():
                self.names[(model, str(pk))] = str(obj)

    def name(self, model: type[models.Model], key: str) -> str:
        return self.names.get((model, key)) or _("#%(key)s (deleted)") % {"key": key}
