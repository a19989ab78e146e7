"""Registry endpoints (X-5): the same selectors and services as the pages, under the same scope."""

from typing import Any, Literal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.api_errors import NotFoundRefused, require, responses
from sibao.core.api_pagination import BoundedLimitOffset
from sibao.core.api_types import CSV, SPREADSHEETS, XLSX, Id, Input, download, optional_text, uploads
from sibao.core.errors import PermissionRefused, StateRefused
from sibao.core.import_api import JOB_RESPONSES, job_response
from sibao.core.import_jobs import import_job_submit
from sibao.core.roles import Capability, Role
from sibao.core.sectors import Sector
from sibao.core.views import csv_response, xlsx_response
from sibao.enterprises import imports, selectors, services
from sibao.enterprises.models import Enterprise, EntityKind
from sibao.enterprises.schemas import (
    EnterpriseIn,
    EnterpriseOut,
    EnterprisePatch,
    RecordIn,
    RecordOut,
    RecordPatch,
    RelationIn,
    RelationsOut,
)
from sibao.enterprises.selectors import FLAG_FIELDS, RelationKind
from sibao.regions.models import Region

router = Router(tags=["enterprises"])


class EnterpriseListQuery(Input):
    q: str = optional_text(100, description="名称、拼音首字母或统一社会信用代码")
    region: str = optional_text(12, description="区划代码（含下级）")
    sector: Sector | None = None
    kind: EntityKind | None = None
    flag: Literal[FLAG_FIELDS] | None = None  # type: ignore[valid-type]


def _resolve_region(data: dict[str, Any]) -> dict[str, Any]:
    code = data.pop("region_code", None)
    if code is not None:
        region = Region.objects.active().filter(code=code).first()
        if region is None:
            message = _("There is no region with code %(code)s.") % {"code": code}
            raise NotFoundRefused("enterprises.region", message, field="region_code")
        data["region"] = region
    return data


def _check_unique_uscc(uscc: str | None, enterprise: Enterprise | None = None) -> None:
    """A credit code another enterprise holds conflicts with the registry (409), whether or not the caller
    can see that enterprise."""
    others = Enterprise.objects.filter(uscc=uscc).exclude(pk=enterprise.pk if enterprise else None)
    if uscc and others.exists():
        message = _("An enterprise with this unified social credit code is already registered.")
        raise StateRefused("enterprises.uscc.duplicate", message, field="uscc")


def _filters(query: EnterpriseListQuery) -> selectors.EnterpriseFilters:
    return selectors.EnterpriseFilters(
        query=query.q, region_code=query.region, sector=query.sector or "", kind=query.kind or "", flag=query.flag or ""
    )


@router.get("", response=responses({200: list[EnterpriseOut]}), summary="List enterprises in scope")
@paginate(BoundedLimitOffset)
def list_enterprises(request: AuthenticatedRequest, filters: Query[EnterpriseListQuery]) -> Any:
    require(request, Capability.ENTERPRISE_VIEW)
    return selectors.enterprise_list(user=request.user, filters=_filters(filters))


@router.post("", response=responses({201: EnterpriseOut}), summary="Add an enterprise")
def create_enterprise(request: AuthenticatedRequest, payload: EnterpriseIn) -> Any:
    require(request, Capability.ENTERPRISE_CREATE)
    _check_unique_uscc(payload.uscc)
    enterprise = services.enterprise_create(actor=request.user, data=_resolve_region(payload.dict()))
    return Status(201, enterprise)


@router.get(
    "/export.xlsx",
    response=responses({200: None}),
    summary="Export enterprises in scope to Excel",
    openapi_extra=download(XLSX),
)
def export_enterprises(request: AuthenticatedRequest, filters: Query[EnterpriseListQuery]) -> HttpResponse:
    require(request, Capability.ENTERPRISE_EXPORT)
    queryset = selectors.enterprise_list(user=request.user, filters=_filters(filters))
    return xlsx_response(imports.export_xlsx(queryset.iterator(chunk_size=2000)), "enterprises.xlsx")


@router.get(
    "/export.csv",
    response=responses({200: None}),
    summary="Export enterprises in scope to CSV (UTF-8 with BOM; the Excel export's columns)",
    openapi_extra=download(CSV),
)
def export_enterprises_csv(request: AuthenticatedRequest, filters: Query[EnterpriseListQuery]) -> HttpResponse:
    require(request, Capability.ENTERPRISE_EXPORT)
    queryset = selectors.enterprise_list(user=request.user, filters=_filters(filters))
    return csv_response(imports.export_csv(queryset.iterator(chunk_size=2000)), "enterprises.csv")


@router.post(
    "/import",
    response=responses(JOB_RESPONSES),
    summary="Import enterprises (dry run by default): a job, finished (200) or running (202, poll /api/imports/{id})",
    openapi_extra=uploads(file=SPREADSHEETS),
)
def import_enterprises(request: AuthenticatedRequest, file: File[UploadedFile], dry_run: bool = True) -> Any:
    # Issue 8 #8: a background job, so a big file never holds the request past gunicorn's timeout.
    job = import_job_submit(
        actor=request.user,
        kind="enterprises",
        upload=file,
        file_name=file.name or "upload.xlsx",
        commit=not dry_run,
    )
    return job_response(job)


@router.get("/{int:enterprise_id}", response=responses({200: EnterpriseOut}), summary="One enterprise")
def get_enterprise(request: AuthenticatedRequest, enterprise_id: Id) -> Any:
    require(request, Capability.ENTERPRISE_VIEW)
    return selectors.enterprise_get(user=request.user, pk=enterprise_id)


@router.patch("/{int:enterprise_id}", response=responses({200: EnterpriseOut}), summary="Change an enterprise")
def update_enterprise(request: AuthenticatedRequest, enterprise_id: Id, payload: EnterprisePatch) -> Any:
    enterprise = selectors.enterprise_get(user=request.user, pk=enterprise_id)
    data = payload.dict(exclude_unset=True)
    if getattr(request.user, "role", None) == Role.ENTERPRISE:
        # Which fields an enterprise may change is a permission (403), not a property of the values.
        refused = sorted(set(data) - services.SELF_SERVICE_FIELDS)
        if refused:
            raise PermissionRefused("enterprises.field", _("You may not change this field."), field=refused[0])
    _check_unique_uscc(data.get("uscc"), enterprise)
    return services.enterprise_update(actor=request.user, enterprise=enterprise, data=_resolve_region(data))


@router.get(
    "/{int:enterprise_id}/relations", response=responses({200: RelationsOut}), summary="Supply chain and pairings"
)
def get_relations(request: AuthenticatedRequest, enterprise_id: Id) -> Any:
    require(request, Capability.ENTERPRISE_VIEW)
    enterprise = selectors.enterprise_get(user=request.user, pk=enterprise_id)
    relations = selectors.enterprise_relations(user=request.user, enterprise=enterprise)
    return {key: list(relations[key]) for key in ("suppliers", "customers", "pairings")}


@router.post("/{int:enterprise_id}/relations", response=responses({201: None}), summary="Record a relation")
def add_relation(request: AuthenticatedRequest, enterprise_id: Id, payload: RelationIn) -> Any:
    enterprise = selectors.enterprise_get(user=request.user, pk=enterprise_id)
    if not Enterprise.objects.visible_to(request.user).filter(uscc=payload.partner_uscc).exists():
        message = _("No enterprise with this credit code in your area: %(code)s") % {"code": payload.partner_uscc}
        raise NotFoundRefused("enterprises.partner", message, field="partner_uscc")
    services.relation_add(
        actor=request.user,
        enterprise=enterprise,
        relation=payload.relation,
        partner_uscc=payload.partner_uscc,
        detail=payload.detail,
    )
    return Status(201, None)


@router.delete(
    "/{int:enterprise_id}/relations/{kind}/{int:relation_id}",
    response=responses({204: None}),
    summary="Remove a supply-chain link (supply) or a pairing (pairing)",
)
def remove_relation(request: AuthenticatedRequest, enterprise_id: Id, kind: RelationKind, relation_id: Id) -> Any:
    require(request, Capability.ENTERPRISE_CHANGE)
    enterprise = selectors.enterprise_get(user=request.user, pk=enterprise_id)
    relation = selectors.enterprise_relation_get(user=request.user, enterprise=enterprise, kind=kind, pk=relation_id)
    services.relation_remove(actor=request.user, relation=relation)
    return Status(204, None)


# --- EN-1 records (issue 9 #7): the same service as the enterprise's page ---------------------------------
@router.get(
    "/{int:enterprise_id}/records",
    response=responses({200: list[RecordOut]}),
    summary="Records of accidents, violations and dishonesty",
)
def list_records(request: AuthenticatedRequest, enterprise_id: Id) -> Any:
    require(request, Capability.ENTERPRISE_VIEW)
    enterprise = selectors.enterprise_get(user=request.user, pk=enterprise_id)
    return list(selectors.enterprise_relations(user=request.user, enterprise=enterprise)["records"])


@router.post("/{int:enterprise_id}/records", response=responses({201: RecordOut}), summary="Add a record (EN-1)")
def add_record(request: AuthenticatedRequest, enterprise_id: Id, payload: RecordIn) -> Any:
    require(request, Capability.ENTERPRISE_CHANGE)
    enterprise = selectors.enterprise_get(user=request.user, pk=enterprise_id)
    return Status(201, services.enterprise_record_add(actor=request.user, enterprise=enterprise, data=payload.dict()))


@router.patch(
    "/{int:enterprise_id}/records/{int:record_id}",
    response=responses({200: RecordOut}),
    summary="Correct a record",
)
def change_record(request: AuthenticatedRequest, enterprise_id: Id, record_id: Id, payload: RecordPatch) -> Any:
    require(request, Capability.ENTERPRISE_CHANGE)
    enterprise = selectors.enterprise_get(user=request.user, pk=enterprise_id)
    record = selectors.enterprise_record_get(user=request.user, enterprise=enterprise, pk=record_id)
    data = payload.dict(exclude_unset=True)
    return services.enterprise_record_change(actor=request.user, record=record, data=data)


@router.delete(
    "/{int:enterprise_id}/records/{int:record_id}",
    response=responses({204: None}),
    summary="Remove a record entered in error",
)
def remove_record(request: AuthenticatedRequest, enterprise_id: Id, record_id: Id) -> Any:
    require(request, Capability.ENTERPRISE_CHANGE)
    enterprise = selectors.enterprise_get(user=request.user, pk=enterprise_id)
    record = selectors.enterprise_record_get(user=request.user, enterprise=enterprise, pk=record_id)
    services.enterprise_record_remove(actor=request.user, record=record)
    return Status(204, None)
