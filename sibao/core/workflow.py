"""The one workflow mechanism (ARCHITECTURE "Workflow"): whitelist review, requests, incidents, approvals.

A process declares its states and transitions once (``Workflow``). ``perform`` makes one transition:
in one transaction it locks the row, checks the state and who may act, writes the change and a
``TransitionLog`` row; side effects the caller hands in (``after``) run in the same transaction, and
``on_commit`` callbacks (outbound messages) only once it committed.

Two people acting at once: the row lock serialises them on PostgreSQL, and the state is also
re-checked by a compare-and-set UPDATE, so on SQLite (no row locks) the second still gets a refusal
instead of overwriting the first. Refusals are ``StateRefused``/``PermissionRefused`` with stable codes
``<workflow>.<action>.state`` and ``<workflow>.<action>.forbidden``.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from sibao.core.errors import PermissionRefused, ServiceError, StateRefused
from sibao.core.models import TransitionLog

# (actor, locked object) -> a refusal message, or None when the actor may act.
Guard = Callable[[Any, Any], str | Promise | None]


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    label: str | Promise
    guard: Guard | None = None
    needs_reason: bool = False


@dataclass
class Workflow:
    name: str
    states: type[models.TextChoices]
    transitions: Iterable[Transition]
    state_field: str = "state"
    _by_action: dict[str, Transition] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_action = {}
        known = set(self.states.values)
        for transition in self.transitions:
            if transition.action in self._by_action:
                raise ValueError(f"{self.name}: duplicate action {transition.action!r}")
            if not transition.sources <= known or transition.target not in known:
                raise ValueError(f"{self.name}.{transition.action}: unknown state")
            self._by_action[transition.action] = transition

    def transition(self, action: str) -> Transition:
        try:
            return self._by_action[action]
        except KeyError:
            raise ServiceError(f"{self.name}.unknown_action", _("Unknown action “%s”.") % action) from None

    def state_label(self, state: str) -> str:
        return str(dict(self.states.choices).get(state, state))

    def refusal(self, obj: Any, action: str, actor: Any) -> str | None:
        """Why ``actor`` may not take ``action`` on ``obj`` now, or None (for showing buttons)."""
        transition = self.transition(action)
        state = getattr(obj, self.state_field)
        if state not in transition.sources:
            return _("Not allowed while the item is “%(state)s”.") % {"state": self.state_label(state)}
        if transition.guard is not None:
            message = transition.guard(actor, obj)
            if message:
                return str(message)
        return None

    def history_rows(self, obj: models.Model) -> list[dict[str, Any]]:
        """The item's history for a page: when, who, the action's and states' labels, the reason."""
        rows = []
        for log in history(obj).select_related("actor__region", "actor__unit", "actor__enterprise"):
            if log.action == "create":
                label: str = pgettext("history action", "Created")
            else:
                label = str(self._by_action[log.action].label) if log.action in self._by_action else log.action
            rows.append(
                {
                    "at": log.at,
                    "actor": log.actor,
                    "action": label,
                    "from_state": self.state_label(log.from_state) if log.from_state else "",
                    "to_state": self.state_label(log.to_state),
                    "reason": log.reason,
                }
            )
        return rows

    def log_creation(self, obj: models.Model, *, actor: Any, data: dict[str, Any] | None = None) -> TransitionLog:
        """The first history row of a new item (from "" to its initial state), in the caller's transaction."""
        return TransitionLog.objects.create(
            content_type=ContentType.objects.get_for_model(type(obj)),
            object_id=obj.pk,
            workflow=self.name,
            action="create",
            from_state="",
            to_state=getattr(obj, self.state_field),
            actor=actor if getattr(actor, "pk", None) else None,
            data=data or {},
            at=timezone.now(),
        )

    def available(self, obj: Any, actor: Any) -> list[Transition]:
        return [t for t in self._by_action.values() if self.refusal(obj, t.action, actor) is None]


def perform(
    workflow: Workflow,
    obj: models.Model,
    action: str,
    *,
    actor: Any,
    reason: str = "",
    changes: dict[str, Any] | Callable[[Any], dict[str, Any]] | None = None,
    data: dict[str, Any] | None = None,
    after: Callable[[Any], None] | None = None,
    on_commit: Callable[[], None] | None = None,
) -> Any:
    """Make one transition and return the fresh, updated object. See the module docstring."""
    transition = workflow.transition(action)
    reason = reason.strip()
    if transition.needs_reason and not reason:
        raise ServiceError(f"{workflow.name}.{action}.reason_required", _("Give a reason."), field="reason")
    model = type(obj)
    with transaction.atomic():
        locked = model._default_manager.select_for_update().get(pk=obj.pk)
        current = getattr(locked, workflow.state_field)
        if current not in transition.sources:
            raise StateRefused(
                f"{workflow.name}.{action}.state",
                _("“%(action)s” is not allowed while the item is “%(state)s”.")
                % {"action": transition.label, "state": workflow.state_label(current)},
            )
        if transition.guard is not None:
            message = transition.guard(actor, locked)
            if message:
                raise PermissionRefused(f"{workflow.name}.{action}.forbidden", message)
        # Compare-and-set: only one of two concurrent actors can move the row out of ``current``.
        state_only = {workflow.state_field: transition.target}
        moved = model._default_manager.filter(pk=obj.pk, **{workflow.state_field: current}).update(**state_only)
        if moved != 1:
            raise StateRefused(f"{workflow.name}.{action}.state", _("Someone else has just acted on this item."))
        # A callable computes the changes from the locked row (counters, clock arithmetic), so two
        # concurrent actors never work from a stale copy.
        extra = changes(locked) if callable(changes) else (changes or {})
        values = {**state_only, **extra}
        for name, value in values.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(values))  # through save(), so the audit log sees the other changes
        TransitionLog.objects.create(
            content_type=ContentType.objects.get_for_model(model),
            object_id=obj.pk,
            workflow=workflow.name,
            action=action,
            from_state=current,
            to_state=transition.target,
            actor=actor if getattr(actor, "pk", None) else None,
            reason=reason,
            data=data or {},
            at=timezone.now(),
        )
        if after is not None:
            after(locked)
        if on_commit is not None:
            transaction.on_commit(on_commit)
    return locked


def history(obj: models.Model) -> Any:
    """The object's transitions, oldest first, with their actors."""
    return TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    ).select_related("actor")
