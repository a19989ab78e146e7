"""OR-2…OR-6 endpoints (X-5): the command structure the organisation page shows, and OR-5's task forces that
lost their epidemic expert — the same selectors under the same scope (another county's region: 404)."""

from typing import Any

from django.http import Http404
from ninja import Query, Router

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.api_errors import require, responses
from sibao.core.roles import Capability
from sibao.organisation import selectors
from sibao.organisation.models import Unit
from sibao.organisation.schemas import (
    ExpertGapOut,
    ExpertGapQuery,
    OrganisationRegionOut,
    StructureOut,
    StructureQuery,
)
from sibao.regions.models import Region
from sibao.regions.selectors import region_for_reader

router = Router(tags=["organisation"])


def _region_out(region: Region) -> dict[str, Any]:
    return {"code": region.code, "name": region.name, "level": region.level}


def _unit_out(unit: Unit | None) -> dict[str, Any] | None:
    if unit is None:
        return None
    consultant = unit.policy_consultant
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
        "members": [
            {
                "role": membership.role,
                "role_label": membership.get_role_display(),
                "name": membership.person.name,
                "post": membership.person.post,
            }
            for membership in unit.memberships.all()
        ],
        "has_epidemic_expert": getattr(unit, "has_epidemic_expert", None),
    }


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
    return [
        {"id": unit.pk, "name": unit.name, "region_code": unit.region.code, "region_name": unit.region.name}
        for unit in selectors.task_forces_without_expert(user=request.user, region=region)
    ]
