"""Registry endpoints (X-5): the same selectors and services as the pages, under the same scope."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from sibao.core.api_errors import require, responses
from sibao.core.api_pagination import BoundedLimitOffset
from sibao.core.api_types import Id, Input
from sibao.core.imports import run_import
from sibao.core.roles import Capability
from sibao.core.views import xlsx_response
from sibao.enterprises import imports, selectors, services
from sibao.enterprises.schemas import (
    EnterpriseIn,
    EnterpriseOut,
    EnterprisePatch,
    ImportResultOut,
    RelationIn,
    RelationsOut,
)
from sibao.regions.models import Region

router = Router(tags=["enterprises"])


class EnterpriseListQuery(Input):
    q: str = ""
    region: str = ""
    sector: str = ""
    kind: str = ""
    flag: str = ""


def _resolve_region(data: dict[str, Any]) -> dict[str, Any]:
    code = data.pop("region_code", None)
    if code is not None:
        region = Region.objects.active().filter(code=code).first()
        if region is None:
            raise ValidationError({"region": _("There is no region with code %(code)s.") % {"code": code}})
        data["region"] = region
    return data


@router.get("", response=responses({200: list[EnterpriseOut]}), summary="List enterprises in scope")
@paginate(BoundedLimitOffset)
def list_enterprises(request: HttpRequest, filters: Query[EnterpriseListQuery]) -> Any:
    require(request, Capability.ENTERPRISE_VIEW)
    return selectors.enterprise_list(
        user=request.user,
        filters=selectors.EnterpriseFilters(
            query=filters.q, region_code=filters.region, sector=filters.sector, kind=filters.kind, flag=filters.flag
        ),
    )


@router.post("", response=responses({201: EnterpriseOut}), summary="Add an enterprise")
def create_enterprise(request: HttpRequest, payload: EnterpriseIn) -> Any:
    enterprise = services.enterprise_create(actor=request.user, data=_resolve_region(payload.dict()))
    return Status(201, enterprise)


@router.get("/export.xlsx", response=responses({200: None}), summary="Export enterprises in scope to Excel")
def export_enterprises(request: HttpRequest, filters: Query[EnterpriseListQuery]) -> HttpResponse:
    require(request, Capability.ENTERPRISE_EXPORT)
    queryset = selectors.enterprise_list(
        user=request.user,
        filters=selectors.EnterpriseFilters(
            query=filters.q, region_code=filters.region, sector=filters.sector, kind=filters.kind, flag=filters.flag
        ),
    )
    return xlsx_response(imports.export_xlsx(queryset.iterator(chunk_size=2000)), "enterprises.xlsx")


@router.post("/import", response=responses({200: ImportResultOut}), summary="Import enterprises (dry run by default)")
def import_enterprises(request: HttpRequest, file: File[UploadedFile], dry_run: bool = True) -> Any:
    require(request, Capability.ENTERPRISE_IMPORT)
    result = run_import(
        imports.enterprise_importer(actor=request.user), file, file.name or "upload.xlsx", commit=not dry_run
    )
    return {
        "committed": result.committed,
        "total_rows": result.total_rows,
        "saved": result.saved,
        "errors": [{"row": e.row, "record": e.record, "column": e.column, "message": str(e)} for e in result.errors],
    }


@router.get("/{int:enterprise_id}", response=responses({200: EnterpriseOut}), summary="One enterprise")
def get_enterprise(request: HttpRequest, enterprise_id: Id) -> Any:
    require(request, Capability.ENTERPRISE_VIEW)
    return selectors.enterprise_get(user=request.user, pk=enterprise_id)


@router.patch("/{int:enterprise_id}", response=responses({200: EnterpriseOut}), summary="Change an enterprise")
def update_enterprise(request: HttpRequest, enterprise_id: Id, payload: EnterprisePatch) -> Any:
    enterprise = selectors.enterprise_get(user=request.user, pk=enterprise_id)
    data = _resolve_region(payload.dict(exclude_unset=True))
    return services.enterprise_update(actor=request.user, enterprise=enterprise, data=data)


@router.get(
    "/{int:enterprise_id}/relations", response=responses({200: RelationsOut}), summary="Supply chain and pairings"
)
def get_relations(request: HttpRequest, enterprise_id: Id) -> Any:
    require(request, Capability.ENTERPRISE_VIEW)
    enterprise = selectors.enterprise_get(user=request.user, pk=enterprise_id)
    relations = selectors.enterprise_relations(user=request.user, enterprise=enterprise)
    return {key: list(relations[key]) for key in ("suppliers", "customers", "pairings")}


@router.post("/{int:enterprise_id}/relations", response=responses({201: None}), summary="Record a relation")
def add_relation(request: HttpRequest, enterprise_id: Id, payload: RelationIn) -> Any:
    enterprise = selectors.enterprise_get(user=request.user, pk=enterprise_id)
    services.relation_add(
        actor=request.user,
        enterprise=enterprise,
        relation=payload.relation,
        partner_uscc=payload.partner_uscc,
        detail=payload.detail,
    )
    return Status(201, None)
