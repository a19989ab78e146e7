"""OR-2/OR-3/OR-5/OR-6 writes: the HQ office keeps its region's roster — who sits in the HQ, its office and each
task force, a unit's office, phone and duties, and each department's policy consultant.

Every write checks the capability and the scope (a unit outside the actor's subtree is 404, like a read), runs
in one transaction under ``as_actor`` (people, posts and units are audit-logged) and keeps OR-5's rule: a task
force never loses its last epidemic expert — the new one is added before the old one leaves.
"""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sibao.accounts.models import User
from sibao.core.audit import as_actor
from sibao.core.errors import ServiceError, StateRefused
from sibao.core.permissions import require_capability
from sibao.core.roles import Capability
from sibao.organisation.models import Membership, MembershipRole, Person, Unit, UnitKind

# Which posts each kind of unit has (OR-2: 指挥长, 第一副指挥长, 副指挥长, 成员; OR-3: 组长, 副组长, 办公室主任 and
# the epidemic expert of 001#3; the office: its director and staff).
ROLES_BY_KIND: dict[str, tuple[str, ...]] = {
    UnitKind.HQ: (
        MembershipRole.COMMANDER,
        MembershipRole.FIRST_DEPUTY,
        MembershipRole.DEPUTY,
        MembershipRole.MEMBER,
    ),
    UnitKind.HQ_OFFICE: (MembershipRole.OFFICE_DIRECTOR, MembershipRole.STAFF),
    UnitKind.TASK_FORCE: (
        MembershipRole.LEADER,
        MembershipRole.DEPUTY_LEADER,
        MembershipRole.OFFICE_DIRECTOR,
        MembershipRole.EPIDEMIC_EXPERT,
        MembershipRole.MEMBER,
        MembershipRole.STAFF,
    ),
}
UNIT_TEXT_FIELDS = {"office_location": 128, "phone": 32, "duties": 2000}
FIELD_LABELS: dict[str, Any] = {  # lazy: read in the language of each request
    "name": gettext_lazy("Full name"),
    "post": gettext_lazy("Post"),
    "phone": gettext_lazy("Phone"),
    "office_location": gettext_lazy("Office location"),
    "duties": gettext_lazy("Duties"),
}


def _text(data: dict[str, Any], field: str, max_length: int, *, required: bool = False) -> str:
    value = str(data.get(field) or "").strip()
    label = FIELD_LABELS.get(field, field)
    if required and not value:
        raise ServiceError(
            "organisation.required", _("%(field)s: this field is required.") % {"field": label}, field=field
        )
    if len(value) > max_length:
        raise ServiceError(
            "organisation.too_long",
            _("%(field)s: at most %(count)d characters.") % {"field": label, "count": max_length},
            field=field,
        )
    if "\x00" in value:
        raise ServiceError("organisation.invalid", _("%(field)s: invalid characters.") % {"field": label}, field=field)
    return value


def _manageable(actor: User, unit: Unit) -> Unit:
    """The unit, locked, if ``actor`` keeps rosters and the unit lies in its subtree (else 404 / 403)."""
    require_capability(actor, Capability.ORGANISATION_MANAGE)
    locked: Unit = Unit.objects.select_for_update().get_visible(actor, pk=unit.pk)
    return locked


def roles_for(unit: Unit) -> list[tuple[str, Any]]:
    """The posts a person may hold in ``unit`` (empty: the unit has no roster of its own)."""
    return [(role, MembershipRole(role).label) for role in ROLES_BY_KIND.get(unit.kind, ())]


def membership_add(*, actor: User, unit: Unit, role: str, data: dict[str, Any]) -> Membership:
    """Put a person (``name``, ``post``, ``phone``) in ``unit`` with ``role``. An epidemic expert is marked as
    one on the person too (OR-5 reads the role)."""
    with transaction.atomic(), as_actor(actor):
        unit = _manageable(actor, unit)
        allowed = ROLES_BY_KIND.get(unit.kind, ())
        if not allowed:
            raise StateRefused(
                "organisation.no_roster",
                _("%(unit)s has no roster of its own; add people to the HQ, its office or a task force.")
                % {"unit": unit.name},
                field="role",
            )
        if role not in allowed:
            raise ServiceError(
                "organisation.role",
                _("Choose one of the posts of %(unit)s: %(roles)s.")
                % {"unit": unit.name, "roles": "、".join(str(MembershipRole(r).label) for r in allowed)},
                field="role",
            )
        name = _text(data, "name", 32, required=True)
        post = _text(data, "post", 128)
        phone = _text(data, "phone", 32)
        person = Person.objects.filter(name=name, post=post, memberships__unit__region=unit.region).first()
        if person is None:
            person = Person.objects.create(name=name, post=post, phone=phone)
        elif phone and person.phone != phone:
            person.phone = phone
            person.save(update_fields=["phone"])
        if Membership.objects.filter(unit=unit, person=person, role=role).exists():
            raise StateRefused(
                "organisation.duplicate",
                _("%(name)s already holds this post in %(unit)s.") % {"name": name, "unit": unit.name},
                field="name",
            )
        if role == MembershipRole.EPIDEMIC_EXPERT and not person.is_epidemic_expert:
            person.is_epidemic_expert = True
            person.save(update_fields=["is_epidemic_expert"])
        order = (unit.memberships.order_by("-order").values_list("order", flat=True).first() or 0) + 1
        return Membership.objects.create(unit=unit, person=person, role=role, order=order)


def membership_remove(*, actor: User, membership: Membership) -> None:
    """Take a person off a post. OR-5 (001#3): a task force keeps an epidemic expert — the last one leaves only
    after a new one is added."""
    with transaction.atomic(), as_actor(actor):
        unit = _manageable(actor, membership.unit)
        if (
            unit.kind == UnitKind.TASK_FORCE
            and membership.role == MembershipRole.EPIDEMIC_EXPERT
            and not unit.memberships.filter(role=MembershipRole.EPIDEMIC_EXPERT).exclude(pk=membership.pk).exists()
        ):
            raise StateRefused(
                "organisation.last_expert",
                _("Every task force has an epidemic expert: add the new expert to %(unit)s before removing this one.")
                % {"unit": unit.name},
                field="role",
            )
        Membership.objects.filter(pk=membership.pk).delete()


def unit_update(*, actor: User, unit: Unit, data: dict[str, Any]) -> Unit:
    """Change a unit's office location, phone and duties (the fields ``data`` holds)."""
    with transaction.atomic(), as_actor(actor):
        unit = _manageable(actor, unit)
        changed = []
        for field, max_length in UNIT_TEXT_FIELDS.items():
            if field in data:
                value = _text(data, field, max_length)
                if getattr(unit, field) != value:
                    setattr(unit, field, value)
                    changed.append(field)
        if changed:
            unit.save(update_fields=changed)
        return unit


def consultant_set(*, actor: User, unit: Unit, data: dict[str, Any]) -> Unit:
    """OR-6: name a department's policy consultant (``name``, ``post``, ``phone``), whose contact is published
    with the policy list. The phone is required: it is what the public list is for."""
    with transaction.atomic(), as_actor(actor):
        unit = _manageable(actor, unit)
        if unit.kind != UnitKind.DEPARTMENT:
            raise StateRefused(
                "organisation.not_department",
                _("Only a government department names a policy consultant."),
                field="name",
            )
        name = _text(data, "name", 32, required=True)
        post = _text(data, "post", 128)
        phone = _text(data, "phone", 32, required=True)
        person = unit.policy_consultant
        if person is not None and person.name == name:
            person.post, person.phone = post, phone
            person.save(update_fields=["post", "phone"])
        else:
            unit.policy_consultant = Person.objects.create(name=name, post=post, phone=phone, employer=unit)
            unit.save(update_fields=["policy_consultant"])
        return unit
