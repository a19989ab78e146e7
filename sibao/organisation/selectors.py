"""Reads of the organisation (OR-2..OR-4, OR-6), scoped like everything else."""

from typing import Any

from django.db.models import Prefetch
from django.http import Http404

from sibao.organisation.models import Membership, MembershipRole, Unit, UnitKind
from sibao.regions.models import Region


def regions_with_units(*, user: Any) -> list[Region]:
    """Regions in the user's scope that have an HQ, top-down."""
    region_ids = Unit.objects.visible_to(user).filter(kind=UnitKind.HQ).values("region_id")
    return list(Region.objects.filter(pk__in=region_ids).order_by("path"))


def region_with_hq(*, user: Any, code: str) -> tuple[list[Region], Region | None]:
    """The regions in scope with an HQ, and the one ``code`` names among them (no code: the first, top-down;
    None when ``code`` names no such region)."""
    regions = regions_with_units(user=user)
    code = code or (regions[0].code if regions else "")
    return regions, next((region for region in regions if region.code == code), None)


def command_structure(*, user: Any, region: Region) -> dict[str, Any]:
    """The HQ of ``region`` with its office, task forces and people, or 404 if out of scope."""
    read = (
        Unit.objects.visible_to(user)
        .filter(is_active=True)
        .select_related("region", "lead_department", "policy_consultant", "parent")
        .prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.select_related("person").order_by("order"))
        )
    )
    units = read.filter(region=region)
    by_kind: dict[str, list[Unit]] = {}
    for unit in units:
        by_kind.setdefault(unit.kind, []).append(unit)
    # Township governments and health centres sit on their township's region, below the county.
    local = (
        read.filter(region__path__startswith=region.path, kind__in=[UnitKind.TOWNSHIP, UnitKind.MEDICAL])
        .exclude(region=region)
        .order_by("region__code", "name")
    )
    for unit in local:
        by_kind.setdefault(unit.kind, []).append(unit)
    for unit in by_kind.get(UnitKind.TASK_FORCE, []):  # OR-5, from the memberships read above
        unit.has_epidemic_expert = any(  # type: ignore[attr-defined]
            m.role == MembershipRole.EPIDEMIC_EXPERT for m in unit.memberships.all()
        )
    return {
        "hq": next(iter(by_kind.get(UnitKind.HQ, [])), None),
        "office": next(iter(by_kind.get(UnitKind.HQ_OFFICE, [])), None),
        "task_forces": by_kind.get(UnitKind.TASK_FORCE, []),
        "departments": by_kind.get(UnitKind.DEPARTMENT, []),
        "townships": by_kind.get(UnitKind.TOWNSHIP, []),
        "medical": by_kind.get(UnitKind.MEDICAL, []),
    }


def task_forces_without_expert(*, user: Any, region: Region) -> list[Unit]:
    """Active task forces in ``region``'s subtree with no epidemic expert among their members (OR-5: every task
    force has one, 001#3). The roster loader refuses such a task force, but a roster edited afterwards (admin, a
    person's membership removed) can lose its expert: this is where it shows."""
    return list(
        Unit.objects.visible_to(user)
        .filter(kind=UnitKind.TASK_FORCE, is_active=True, region__path__startswith=region.path)
        .exclude(memberships__role=MembershipRole.EPIDEMIC_EXPERT)
        .select_related("region")
        .order_by("region__code", "name")
    )


def departments_without_consultant(*, user: Any, region: Region) -> list[Unit]:
    """Active departments in ``region``'s subtree that name no policy consultant (OR-6: each department's
    consultant is published with the policy list, so one without leaves enterprises no one to ask)."""
    return list(
        Unit.objects.visible_to(user)
        .filter(
            kind=UnitKind.DEPARTMENT,
            is_active=True,
            region__path__startswith=region.path,
            policy_consultant__isnull=True,
        )
        .select_related("region")
        .order_by("region__code", "name")
    )


def unit_roster(*, user: Any, pk: Any) -> Unit:
    """One unit in scope with its members (404 outside the reader's subtree)."""
    unit: Unit = (
        Unit.objects.select_related("region", "lead_department", "policy_consultant")
        .prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.select_related("person").order_by("order"))
        )
        .get_visible(user, pk=pk)
    )
    return unit


def membership_get(*, user: Any, pk: Any) -> Membership:
    """One post held in a unit of the reader's subtree (404 otherwise)."""
    membership = (
        Membership.objects.filter(unit__in=Unit.objects.visible_to(user), pk=pk)
        .select_related("unit", "person")
        .first()
    )
    if membership is None:
        raise Http404
    return membership
