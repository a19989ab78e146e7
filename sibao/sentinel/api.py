"""EP-6 endpoints (X-5): the same selectors and services as the pages, under the same scope (404 outside)."""

from typing import Any, Literal

from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router
from ninja.files import UploadedFile
from ninja.pagination import paginate

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.api_errors import NotFoundRefused, refusals, require, responses
from sibao.core.api_pagination import BoundedLimitOffset
from sibao.core.api_types import SPREADSHEETS, Id, Input, optional_text, uploads
from sibao.core.import_api import job_out, job_response
from sibao.core.import_jobs import import_job_submit
from sibao.core.roles import Capability
from sibao.regions.models import Region
from sibao.sentinel import selectors, services
from sibao.sentinel.models import SentinelWarning, WarningKind, WarningStatus
from sibao.sentinel.schemas import (
    CloseIn,
    CountsOut,
    PharmacyImportOut,
    ReassignIn,
    WarningDetailOut,
    WarningOut,
)
from sibao.sentinel.workflows import WARNING

router = Router(tags=["sentinel"])


class WarningListQuery(Input):
    kind: WarningKind | None = None
    status: Literal["active"] | WarningStatus | None = Field(None, description="active：未办结的全部")
    unattended: bool = False
    enterprise: Id | None = None
    employee: Id | None = None
    region: str = optional_text(12, description="区划代码（含下级）")
    mine: bool = False


def _detail(warning: SentinelWarning, user: Any) -> dict[str, Any]:
    history = [
        {
            "at": warning.raised_at,
            "action": "raise",
            "from_state": "",
            "to_state": "open",
            "actor": None,
            "reason": warning.detail,
        }
    ]
    from sibao.core.workflow import history as transitions

    for log in transitions(warning):
        history.append(
            {
                "at": log.at,
                "action": log.action,
                "from_state": log.from_state,
                "to_state": log.to_state,
                "actor": str(log.actor) if log.actor else None,
                "reason": log.reason,
            }
        )
    warning.history = history  # type: ignore[attr-defined]
    warning.available_actions = [t.action for t in WARNING.available(warning, user)]  # type: ignore[attr-defined]
    return warning  # type: ignore[return-value]


@router.get("", response=responses({200: list[WarningOut]}), summary="Sentinel warnings in scope")
@paginate(BoundedLimitOffset)
def list_warnings(request: AuthenticatedRequest, filters: Query[WarningListQuery]) -> Any:
    require(request, Capability.EPIDEMIC_VIEW)
    return selectors.warning_list(
        user=request.user,
        filters=selectors.WarningFilters(
            kind=filters.kind or "",
            status=filters.status or "",
            unattended=filters.unattended,
            enterprise_id=filters.enterprise,
            employee_id=filters.employee,
            region_code=filters.region,
            mine=filters.mine,
        ),
    )


@router.get("/counts", response=responses({200: CountsOut}), summary="Open warnings per kind, status and child region")
def counts(request: AuthenticatedRequest, region: str = "") -> Any:
    require(request, Capability.EPIDEMIC_VIEW)
    area = None
    if region:
        area = Region.objects.filter(code=region).first()
        if area is None or selectors.counts_region(request.user, area) is None:
            raise NotFoundRefused("sentinel.counts.region", _("Unknown region or outside your area."), field="region")
    return selectors.warning_counts(user=request.user, region=area)


@router.post(
    "/pharmacy/import",
    response=responses({200: PharmacyImportOut, 202: PharmacyImportOut}),
    summary="Import pharmacy sales of the four drug types (dry run by default): a job, finished (200) or running (202)",
    openapi_extra=uploads(file=SPREADSHEETS),
)
def import_pharmacy(request: AuthenticatedRequest, file: File[UploadedFile], dry_run: bool = True) -> Any:
    require(request, Capability.EPIDEMIC_MANAGE)
    job = import_job_submit(
        actor=request.user,
        kind="pharmacy",
        upload=file,
        file_name=file.name or "upload.xlsx",
        params={"file_name": file.name or "upload.xlsx"},
        commit=not dry_run,
    )
    answer = job_response(job)
    summary = job.summary
    answer.value = {
        **job_out(job),
        "added": summary.get("added", 0),
        "matched": summary.get("matched", 0),
        "warnings_raised": summary.get("warnings", 0),
    }
    return answer


@router.get("/{int:warning_id}", response=responses({200: WarningDetailOut}), summary="One warning with its history")
def get_warning(request: AuthenticatedRequest, warning_id: Id) -> Any:
    require(request, Capability.EPIDEMIC_VIEW)
    return _detail(selectors.warning_get(user=request.user, pk=warning_id), request.user)


@router.post("/{int:warning_id}/take", response=responses({200: WarningDetailOut}), summary="Take the warning")
def take(request: AuthenticatedRequest, warning_id: Id) -> Any:
    require(request, Capability.EPIDEMIC_VIEW)
    warning = selectors.warning_get(user=request.user, pk=warning_id)
    services.warning_take(actor=request.user, warning=warning)
    return _detail(selectors.warning_get(user=request.user, pk=warning_id), request.user)


@router.post("/{int:warning_id}/close", response=responses({200: WarningDetailOut}), summary="Close with a note")
def close(request: AuthenticatedRequest, warning_id: Id, payload: CloseIn) -> Any:
    require(request, Capability.EPIDEMIC_VIEW)
    warning = selectors.warning_get(user=request.user, pk=warning_id)
    services.warning_close(actor=request.user, warning=warning, note=payload.note)
    return _detail(selectors.warning_get(user=request.user, pk=warning_id), request.user)


@router.post(
    "/{int:warning_id}/reassign", response=responses({200: WarningDetailOut}), summary="Hand over to another user"
)
def reassign(request: AuthenticatedRequest, warning_id: Id, payload: ReassignIn) -> Any:
    require(request, Capability.EPIDEMIC_VIEW)
    warning = selectors.warning_get(user=request.user, pk=warning_id)
    # Only the people the warning may go to: any other id answers like an unknown one (issue 8 #9).
    owner = services.assignable_users(warning).filter(pk=payload.owner_id).first()
    if owner is None:
        raise NotFoundRefused("sentinel.warning.reassign.owner", _("Choose who should handle it."), field="owner_id")
    # What the service can still refuse here is the current owner named again: a conflict with the warning.
    with refusals(conflict={"sentinel.warning.reassign.owner"}, fields={"owner": "owner_id"}):
        services.warning_reassign(actor=request.user, warning=warning, owner=owner, reason=payload.reason)
    return _detail(selectors.warning_get(user=request.user, pk=warning_id), request.user)
