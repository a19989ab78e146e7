"""EP-1 / WL-10 endpoints (X-5): the same selectors and services as the pages, under the same scope.
Lists and details carry masked ID numbers; only ``POST /{id}/reveal`` returns a full one."""

from typing import Any

from django.http import HttpResponse
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.api_errors import refusals, require, responses
from sibao.core.api_pagination import BoundedLimitOffset
from sibao.core.api_types import SPREADSHEETS, XLSX, Id, Input, download, optional_text, uploads
from sibao.core.import_api import JOB_RESPONSES, job_response
from sibao.core.import_jobs import import_job_submit
from sibao.core.roles import Capability
from sibao.core.views import xlsx_response
from sibao.enterprises.models import Enterprise
from sibao.epidemic import export, ingest, overdue, selectors, services
from sibao.epidemic.models import PostType, TestImportStatus
from sibao.epidemic.schemas import (
    EmployeeIn,
    EmployeeListOut,
    EmployeeOut,
    EmployeeStatusOut,
    RevealIn,
    RevealOut,
    TestImportOut,
    ZoneMoveIn,
    ZoneMoveOut,
)
from sibao.regions.models import Region

router = Router(tags=["employees"])


class EmployeeListQuery(Input):
    q: str = optional_text(64, description="姓名")
    enterprise: Id | None = None
    region: str = optional_text(12, description="区划代码（含下级）")
    post_type: PostType | None = None
    include_former: bool = False


def _enterprise(request: AuthenticatedRequest, enterprise_id: int | None) -> Enterprise:
    """The enterprise named (in scope, else 404), or the enterprise user's own."""
    pk = enterprise_id if enterprise_id is not None else getattr(request.user, "enterprise_id", None)
    enterprise: Enterprise = Enterprise.objects.get_visible(request.user, pk=pk)
    return enterprise


@router.get("", response=responses({200: list[EmployeeListOut]}), summary="List employees in scope (masked)")
@paginate(BoundedLimitOffset)
def list_employees(request: AuthenticatedRequest, filters: Query[EmployeeListQuery]) -> Any:
    require(request, Capability.EMPLOYEE_VIEW)
    return selectors.employee_list(
        user=request.user,
        filters=selectors.EmployeeFilters(
            query=filters.q,
            enterprise_id=filters.enterprise,
            region_code=filters.region,
            post_type=filters.post_type or "",
            include_former=filters.include_former,
        ),
    )


@router.post("", response=responses({201: EmployeeOut}), summary="Register an employee")
def create_employee(request: AuthenticatedRequest, payload: EmployeeIn) -> Any:
    require(request, Capability.EMPLOYEE_MANAGE)
    data = payload.dict()
    enterprise = _enterprise(request, data.pop("enterprise_id"))
    with refusals(conflict={"epidemic.employee.duplicate"}):
        return Status(201, services.employee_create(actor=request.user, enterprise=enterprise, data=data))


@router.post(
    "/import",
    response=responses(JOB_RESPONSES),
    summary="Import one enterprise's employees (dry run by default): a job, finished (200) or running (202)",
    openapi_extra=uploads(file=SPREADSHEETS),
)
def import_employees(
    request: AuthenticatedRequest, file: File[UploadedFile], enterprise_id: Id | None = None, dry_run: bool = True
) -> Any:
    require(request, Capability.EMPLOYEE_MANAGE)
    enterprise = _enterprise(request, enterprise_id)
    job = import_job_submit(
        actor=request.user,
        kind="employees",
        upload=file,
        file_name=file.name or "upload.xlsx",
        params={"enterprise": enterprise.pk},
        commit=not dry_run,
    )
    return job_response(job)


@router.get(
    "/export.xlsx",
    response=responses({200: None}),
    summary="WL-10: employees of whitelisted enterprises in scope, for the provincial platform",
    openapi_extra=download(XLSX),
)
def export_employees(request: AuthenticatedRequest, region: str = "") -> HttpResponse:
    exported = export.employee_export_province(actor=request.user, region_code=region)
    response = xlsx_response(exported.content, "whitelist-employees.xlsx")
    response["Cache-Control"] = "no-store"
    return response


@router.post(
    "/results",
    response=responses({201: TestImportOut, 202: TestImportOut}),
    summary="EP-2: import a testing institution's result file (all or nothing; large files in the background)",
    openapi_extra=uploads(file=SPREADSHEETS),
)
def import_results(request: AuthenticatedRequest, file: File[UploadedFile], institution: Form[str]) -> Any:
    require(request, Capability.EPIDEMIC_MANAGE)
    test_import = ingest.results_import_submit(
        actor=request.user, institution=institution, file_name=file.name or "results.csv", content=file
    )
    running = test_import.status in (TestImportStatus.PENDING, TestImportStatus.RUNNING)
    return Status(202 if running else 201, test_import)


@router.get("/results/{int:import_id}", response=responses({200: TestImportOut}), summary="EP-2: one result file")
def get_result_import(request: AuthenticatedRequest, import_id: Id) -> Any:
    require(request, Capability.EPIDEMIC_MANAGE)
    return selectors.test_import_get(user=request.user, pk=import_id)


class OverdueFilters(Input):
    enterprise: Id | None = None
    region: str = optional_text(12, description="区划代码（含下级）")


@router.get(
    "/overdue",
    response=responses({200: list[EmployeeStatusOut]}),
    summary="EP-2: employed people overdue for a test in scope (48 h / 24 h / daily cadences)",
)
@paginate(BoundedLimitOffset)
def list_overdue(request: AuthenticatedRequest, filters: Query[OverdueFilters]) -> Any:
    require(request, Capability.EMPLOYEE_VIEW)
    enterprise = Enterprise.objects.get_visible(request.user, pk=filters.enterprise) if filters.enterprise else None
    region = Region.objects.filter(code=filters.region).first() if filters.region else None
    return overdue.overdue_employee_list(user=request.user, enterprise=enterprise, region=region).select_related(
        "enterprise"
    )


@router.get("/{int:employee_id}/status", response=responses({200: EmployeeStatusOut}), summary="Zone, code, tests")
def get_employee_status(request: AuthenticatedRequest, employee_id: Id) -> Any:
    require(request, Capability.EMPLOYEE_VIEW)
    return selectors.employee_get(user=request.user, pk=employee_id)


@router.post("/{int:employee_id}/zone", response=responses({200: ZoneMoveOut, 204: None}), summary="EP-8: move zones")
def move_zone(request: AuthenticatedRequest, employee_id: Id, payload: ZoneMoveIn) -> Any:
    require(request, Capability.EMPLOYEE_MANAGE)
    employee = selectors.employee_get(user=request.user, pk=employee_id)
    move = services.employee_move_zone(actor=request.user, employee=employee, zone=payload.zone, reason=payload.reason)
    return Status(204, None) if move is None else move


@router.get("/{int:employee_id}", response=responses({200: EmployeeOut}), summary="One employee (masked)")
def get_employee(request: AuthenticatedRequest, employee_id: Id) -> Any:
    require(request, Capability.EMPLOYEE_VIEW)
    return selectors.employee_get(user=request.user, pk=employee_id)


@router.post(
    "/{int:employee_id}/reveal",
    response=responses({200: RevealOut}),
    summary="The full ID number (epidemic task force only; audit-logged with the purpose)",
)
def reveal_id_number(request: AuthenticatedRequest, response: HttpResponse, employee_id: Id, payload: RevealIn) -> Any:
    require(request, Capability.ID_REVEAL)
    employee = selectors.employee_get(user=request.user, pk=employee_id)
    number = services.employee_reveal_id_number(actor=request.user, employee=employee, purpose=payload.purpose)
    response["Cache-Control"] = "no-store"
    return {"id": employee.pk, "id_number": number}
