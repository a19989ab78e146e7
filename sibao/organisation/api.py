"""OR-2…OR-6 endpoints (X-5): the command structure the organisation page shows, OR-5's task forces that
lost their epidemic expert and OR-6's departments without a policy consultant — the same selectors under the
same scope (another county's region or unit: 404) — and the HQ office's edits of a unit's roster, office and
consultant through the same services as the page."""

from typing import Any

from django.http import Http404
from ninja import Query, Router, Status

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.api_errors import require, responses
from sibao.core.api_types import Id
from sibao.core.roles import Capability
from sibao.organisation import selectors, services
from sibao.organisation.models import Membership, MembershipRole, Unit, UnitKind
from sibao.organisation.schemas import (
    ConsultantGapOut,
    ConsultantIn,
    ExpertGapOut,
    ExpertGapQuery,
    MemberIn,
    MemberOut,
    OrganisationRegionOut,
    StructureOut,
    StructureQuery,
    UnitPatch,
    UnitRosterOut,
)
from sibao.regions.models import Region
from sibao.regions.selectors import region_for_reader

router = Router(tags=["organisation"])


def _region_out(region: Region) -> dict[str, Any]:
    return {"code": region.code, "name": region.name, "level": region.level}


def _member_out(membership: Membership) -> dict[str, Any]:
    return {
        "id": membership.pk,
        "role": membership.role,
        "role_label": membership.get_role_display(),
        "name": membership.person.name,
        "post": membership.person.post,
        "phone": membership.person.phone,
    }


def _unit_out(unit: Unit | None) -> dict[str, Any] | None:
    if unit is None:
        return None
    consultant = unit.policy_consultant
    members = list(unit.memberships.all())
    has_expert = getattr(unit, "has_epidemic_expert", None)
    if has_expert is None and unit.kind == UnitKind.TASK_FORCE:  # OR-5, from the members read with the unit
        has_expert = any(m.role == MembershipRole.EPIDEMIC_EXPERT for m in members)
    return {
        "id": unit.pk,
        "kind": unit.kind,
        "kind_label": unit.get_kind_display(),
        "name": unit.name,
        "short_name": unit.short_name,
        "region_code": unit.region.code,
        "region_name": unit.region.name,
        "task_force_kind": unit.task_force_kind,
        "sector": unit.sector,
        "lead_department": unit.lead_department.name if unit.lead_department else None,
        "office_location": unit.office_location,
        "duties": unit.duties,
        "phone": unit.phone,
        "policy_consultant": (
            {"name": consultant.name, "post": consultant.post, "phone": consultant.phone} if consultant else None
        ),
        "members": [_member_out(membership) for membership in members],
        "has_epidemic_expert": has_expert,
    }


def _gap_out(units: list[Unit]) -> list[dict[str, Any]]:
    """A unit missing what OR-5/OR-6 require, with its region."""
    return [
        {"id": unit.pk, "name": unit.name, "region_code": unit.region.code, "region_name": unit.region.name}
        for unit in units
    ]


def _roster_out(request: AuthenticatedRequest, pk: int) -> dict[str, Any]:
    """The unit as GET /units/{id} answers it: its fields, members and the posts it has."""
    unit = selectors.unit_roster(user=request.user, pk=pk)
    roles = [{"value": value, "label": str(label)} for value, label in services.roles_for(unit)]
    return {**(_unit_out(unit) or {}), "roles": roles}


def _manageable_unit(request: AuthenticatedRequest, pk: int) -> Unit:
    """403 unless the caller keeps rosters, 404 for a unit outside its subtree."""
    require(request, Capability.ORGANISATION_MANAGE)
    unit: Unit = Unit.objects.get_visible(request.user, pk=pk)
    return unit


@router.get(
    "/regions",
    response=responses({200: list[OrganisationRegionOut]}),
    summary="Regions in scope with an epidemic prevention and control HQ, top-down",
)
def list_regions(request: AuthenticatedRequest) -> Any:
    require(request, Capability.ORGANISATION_VIEW)
    return [_region_out(region) for region in selectors.regions_with_units(user=request.user)]


@router.get(
    "/structure",
    response=responses({200: StructureOut}),
    summary="A region's HQ, its office, task forces, departments, townships and medical institutions",
)
def get_structure(request: AuthenticatedRequest, query: Query[StructureQuery]) -> Any:
    require(request, Capability.ORGANISATION_VIEW)
    _regions, region = selectors.region_with_hq(user=request.user, code=query.region)
    if region is None:
        raise Http404
    structure = selectors.command_structure(user=request.user, region=region)
    return {
        "region": _region_out(region),
        "hq": _unit_out(structure["hq"]),
        "office": _unit_out(structure["office"]),
        **{
            kind: [_unit_out(unit) for unit in structure[kind]]
            for kind in ("task_forces", "departments", "townships", "medical")
        },
    }


@router.get(
    "/task-forces-without-expert",
    response=responses({200: list[ExpertGapOut]}),
    summary="Active task forces in a region's subtree without an epidemic expert among their members (OR-5)",
)
def list_task_forces_without_expert(request: AuthenticatedRequest, query: Query[ExpertGapQuery]) -> Any:
    require(request, Capability.ORGANISATION_VIEW)
    region = region_for_reader(request.user, query.region)
    return _gap_out(selectors.task_forces_without_expert(user=request.user, region=region))


@router.get(
    "/departments-without-consultant",
    response=responses({200: list[ConsultantGapOut]}),
    summary="Active departments in a region's subtree that name no policy consultant (OR-6)",
)
def list_departments_without_consultant(request: AuthenticatedRequest, query: Query[ExpertGapQuery]) -> Any:
    require(request, Capability.ORGANISATION_VIEW)
    region = region_for_reader(request.user, query.region)
    return _gap_out(selectors.departments_without_consultant(user=request.user, region=region))


@router.get(
    "/units/{int:unit_id}",
    response=responses({200: UnitRosterOut}),
    summary="A unit with its members and the posts it has",
)
def get_unit(request: AuthenticatedRequest, unit_id: Id) -> Any:
    require(request, Capability.ORGANISATION_VIEW)
    return _roster_out(request, unit_id)


@router.patch(
    "/units/{int:unit_id}",
    response=responses({200: UnitRosterOut}),
    summary="Change a unit's office location, phone or duties (the fields sent)",
)
def change_unit(request: AuthenticatedRequest, unit_id: Id, payload: UnitPatch) -> Any:
    unit = _manageable_unit(request, unit_id)
    services.unit_update(actor=request.user, unit=unit, data=payload.model_dump(exclude_unset=True))
    return _roster_out(request, unit.pk)


@router.put(
    "/units/{int:unit_id}/consultant",
    response=responses({200: UnitRosterOut}),
    summary="Name a department's policy consultant (OR-6; other units: 409)",
)
def set_consultant(request: AuthenticatedRequest, unit_id: Id, payload: ConsultantIn) -> Any:
    unit = _manageable_unit(request, unit_id)
    services.consultant_set(actor=request.user, unit=unit, data=payload.model_dump())
    return _roster_out(request, unit.pk)


@router.post(
    "/units/{int:unit_id}/members",
    response=responses({201: MemberOut}),
    summary="Put a person on one of a unit's posts (a post the unit does not have: 400)",
)
def add_member(request: AuthenticatedRequest, unit_id: Id, payload: MemberIn) -> Any:
    unit = _manageable_unit(request, unit_id)
    data = payload.model_dump(exclude={"role"})
    membership = services.membership_add(actor=request.user, unit=unit, role=payload.role.value, data=data)
    return Status(201, _member_out(membership))


@router.delete(
    "/members/{int:member_id}",
    response=responses({204: None}),
    summary="Take a person off a post (a task force's last epidemic expert: 409)",
)
def remove_member(request: AuthenticatedRequest, member_id: Id) -> Any:
    require(request, Capability.ORGANISATION_MANAGE)
    membership = selectors.membership_get(user=request.user, pk=member_id)
    services.membership_remove(actor=request.user, membership=membership)
    return Status(204, None)
