"""Registry endpoints (X-5): the same selectors and services as the pages, under the same scope."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from sibao.core.api_pagination import BoundedLimitOffset
from sibao.core.errors import PermissionRefused
from sibao.core.import_api import JOB_RESPONSES, job_response
from sibao.core.import_jobs import import_job_submit
from sibao.core.roles import Capability, has_capability
from sibao.core.views import xlsx_response
from sibao.enterprises import imports, selectors, services
from sibao.enterprises.schemas import (
    EnterpriseIn,
    EnterpriseOut,
    EnterprisePatch,
    ErrorOut,
    RecordIn,
    RecordOut,
    RecordPatch,
    RelationIn,
    RelationsOut,
)
from sibao.regions.models import Region

router = Router(tags=["enterprises"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class ListFilters(Schema):
    q: str = ""
    region: str = ""
    sector: str = ""
    kind: str = ""
    flag: str = ""


def _require(request: HttpRequest, capability: str) -> None:
    if not has_capability(request.user, capability):
        raise PermissionRefused("permission_denied", _("Your role may not do this."))


def _resolve_region(data: dict[str, Any]) -> dict[str, Any]:
    code = data.pop("region_code", None)
    if code is not None:
        region = Region.objects.active().filter(code=code).first()
        if region is None:
            raise ValidationError({"region": _("There is no region with code %(code)s.") % {"code": code}})
        data["region"] = region
    return data


@router.get("", response={200: list[EnterpriseOut], **ERRORS}, summary="List enterprises in scope")
@paginate(BoundedLimitOffset)
def list_enterprises(request: HttpRequest, filters: Query[ListFilters]) -> Any:
    _require(request, Capability.ENTERPRISE_VIEW)
    return selectors.enterprise_list(
        user=request.user,
        filters=selectors.EnterpriseFilters(
            query=filters.q, region_code=filters.region, sector=filters.sector, kind=filters.kind, flag=filters.flag
        ),
    )


@router.post("", response={201: EnterpriseOut, **ERRORS}, summary="Add an enterprise")
def create_enterprise(request: HttpRequest, payload: EnterpriseIn) -> Any:
    enterprise = services.enterprise_create(actor=request.user, data=_resolve_region(payload.dict()))
    return Status(201, enterprise)


@router.get("/export.xlsx", response={200: None, **ERRORS}, summary="Export enterprises in scope to Excel")
def export_enterprises(request: HttpRequest, filters: Query[ListFilters]) -> HttpResponse:
    _require(request, Capability.ENTERPRISE_EXPORT)
    queryset = selectors.enterprise_list(
        user=request.user,
        filters=selectors.EnterpriseFilters(
            query=filters.q, region_code=filters.region, sector=filters.sector, kind=filters.kind, flag=filters.flag
        ),
    )
    return xlsx_response(imports.export_xlsx(queryset.iterator(chunk_size=2000)), "enterprises.xlsx")


@router.post(
    "/import",
    response={**JOB_RESPONSES, **ERRORS, 400: ErrorOut},
    summary="Import enterprises (dry run by default): a job, finished (200) or running (202, poll /api/imports/{id})",
)
def import_enterprises(request: HttpRequest, file: File[UploadedFile], dry_run: bool = True) -> Any:
    # Issue 8 #8: a background job, so a big file never holds the request past gunicorn's timeout.
    job = import_job_submit(
        actor=request.user,
        kind="enterprises",
        upload=file,
        file_name=file.name or "upload.xlsx",
        commit=not dry_run,
    )
    return job_response(job)


@router.get("/{int:enterprise_id}", response={200: EnterpriseOut, **ERRORS}, summary="One enterprise")
def get_enterprise(request: HttpRequest, enterprise_id: int) -> Any:
    _require(request, Capability.ENTERPRISE_VIEW)
    return selectors.enterprise_get(user=request.user, pk=enterprise_id)


@router.patch("/{int:enterprise_id}", response={200: EnterpriseOut, **ERRORS}, summary="Change an enterprise")
def update_enterprise(request: HttpRequest, enterprise_id: int, payload: EnterprisePatch) -> Any:
    enterprise = selectors.enterprise_get(user=request.user, pk=enterprise_id)
    data = _resolve_region(payload.dict(exclude_unset=True))
    return services.enterprise_update(actor=request.user, enterprise=enterprise, data=data)


@router.get(
    "/{int:enterprise_id}/relations", response={200: RelationsOut, **ERRORS}, summary="Supply chain and pairings"
)
def get_relations(request: HttpRequest, enterprise_id: int) -> Any:
    _require(request, Capability.ENTERPRISE_VIEW)
    enterprise = selectors.enterprise_get(user=request.user, pk=enterprise_id)
    relations = selectors.enterprise_relations(user=request.user, enterprise=enterprise)
    return {key: list(relations[key]) for key in ("suppliers", "customers", "pairings")}


@router.post("/{int:enterprise_id}/relations", response={201: None, **ERRORS}, summary="Record a relation")
def add_relation(request: HttpRequest, enterprise_id: int, payload: RelationIn) -> Any:
    enterprise = selectors.enterprise_get(user=request.user, pk=enterprise_id)
    services.relation_add(
        actor=request.user,
        enterprise=enterprise,
        relation=payload.relation,
        partner_uscc=payload.partner_uscc,
        detail=payload.detail,
    )
    return Status(201, None)


# --- EN-1 records (issue 9 #7): the same service as the enterprise's page ---------------------------------
RECORD_ERRORS: dict[int, Any] = {400: ErrorOut, **ERRORS}


@router.get(
    "/{int:enterprise_id}/records",
    response={200: list[RecordOut], **RECORD_ERRORS},
    summary="Records of accidents, violations and dishonesty",
)
def list_records(request: HttpRequest, enterprise_id: int) -> Any:
    _require(request, Capability.ENTERPRISE_VIEW)
    enterprise = selectors.enterprise_get(user=request.user, pk=enterprise_id)
    return list(selectors.enterprise_relations(user=request.user, enterprise=enterprise)["records"])


@router.post("/{int:enterprise_id}/records", response={201: RecordOut, **RECORD_ERRORS}, summary="Add a record (EN-1)")
def add_record(request: HttpRequest, enterprise_id: int, payload: RecordIn) -> Any:
    _require(request, Capability.ENTERPRISE_CHANGE)
    enterprise = selectors.enterprise_get(user=request.user, pk=enterprise_id)
    return Status(201, services.enterprise_record_add(actor=request.user, enterprise=enterprise, data=payload.dict()))


@router.patch(
    "/{int:enterprise_id}/records/{int:record_id}",
    response={200: RecordOut, **RECORD_ERRORS},
    summary="Correct a record",
)
def change_record(request: HttpRequest, enterprise_id: int, record_id: int, payload: RecordPatch) -> Any:
    _require(request, Capability.ENTERPRISE_CHANGE)
    enterprise = selectors.enterprise_get(user=request.user, pk=enterprise_id)
    record = selectors.enterprise_record_get(user=request.user, enterprise=enterprise, pk=record_id)
    data = payload.dict(exclude_unset=True)
    return services.enterprise_record_change(actor=request.user, record=record, data=data)


@router.delete(
    "/{int:enterprise_id}/records/{int:record_id}",
    response={204: None, **RECORD_ERRORS},
    summary="Remove a record entered in error",
)
def remove_record(request: HttpRequest, enterprise_id: int, record_id: int) -> Any:
    _require(request, Capability.ENTERPRISE_CHANGE)
    enterprise = selectors.enterprise_get(user=request.user, pk=enterprise_id)
    record = selectors.enterprise_record_get(user=request.user, enterprise=enterprise, pk=record_id)
    services.enterprise_record_remove(actor=request.user, record=record)
    return Status(204, None)
