"""EN-3 endpoints (X-5): an enterprise's own system files the day's report; officials read the reports, who has
not reported, the maintained figures of a region and sector, import a spreadsheet, close warnings. The same
selectors and services as the pages, under the same scope (out of scope → 404)."""

from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone
from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.api_errors import require, responses
from sibao.core.api_pagination import BoundedLimitOffset
from sibao.core.api_types import SPREADSHEETS, Id, Input, IsoDate, optional_text, uploads
from sibao.core.errors import PermissionRefused
from sibao.core.import_api import JOB_RESPONSES, job_response
from sibao.core.import_jobs import import_job_submit
from sibao.core.roles import Capability, Role
from sibao.core.sectors import Sector
from sibao.core.summaries import refreshed_at
from sibao.enterprises.models import Enterprise
from sibao.operations import selectors, services
from sibao.operations.deadlines import report_deadline
from sibao.operations.models import Channel, OperatingWarningStatus, ProductionStatus
from sibao.operations.schemas import (
    OperatingMissingOut,
    OperatingReportIn,
    OperatingReportOut,
    OperatingSummaryOut,
    OperatingValuesIn,
    OperatingWarningCloseIn,
    OperatingWarningOut,
)
from sibao.operations.summaries import NAME, figures
from sibao.regions.models import Region

router = Router(tags=["operations"])


def _values(payload: OperatingValuesIn) -> dict[str, Any]:
    return payload.dict(include=set(services.VALUE_FIELDS))


class OperatingReportFilters(Input):
    day: IsoDate | None = None
    region: str = optional_text(12, description="区划代码（含下级）")
    sector: Sector | None = None
    status: ProductionStatus | None = None
    not_normal: bool = False
    late: bool = False
    enterprise: Id | None = None


@router.get("/reports", response=responses({200: list[OperatingReportOut]}), summary="Operating reports in scope")
@paginate(BoundedLimitOffset)
def list_reports(request: AuthenticatedRequest, filters: Query[OperatingReportFilters]) -> Any:
    require(request, Capability.OPERATIONS_VIEW)
    status = selectors.NOT_NORMAL_FILTER if filters.not_normal else (filters.status or "")
    return selectors.report_list(
        user=request.user,
        filters=selectors.ReportFilters(
            day=filters.day,
            region_code=filters.region,
            sector=filters.sector or "",
            status=status,
            late=filters.late,
            enterprise_id=filters.enterprise,
        ),
    )


@router.post("/reports", response=responses({201: OperatingReportOut}), summary="File the day's operating report")
def file_report(request: AuthenticatedRequest, payload: OperatingReportIn) -> Any:
    require(request, Capability.OPERATIONS_REPORT)
    pk = payload.enterprise_id if payload.enterprise_id is not None else getattr(request.user, "enterprise_id", None)
    if pk is None:
        raise Http404
    enterprise: Enterprise = Enterprise.objects.select_related("region").get_visible(request.user, pk=pk)
    report = services.operating_report_file(
        actor=request.user,
        enterprise=enterprise,
        day=payload.day or timezone.localdate(),
        values=_values(payload),
        channel=Channel.API,
    )
    return Status(201, report)


class OperatingMissingFilters(Input):
    day: IsoDate | None = Field(None, description="省略表示今天")
    region: str = optional_text(12, description="区划代码（含下级）")
    sector: Sector | None = None
    overdue: bool = Field(False, description="只列已过报送时限的")


class OperatingSummaryQuery(Input):
    region: str = optional_text(12, description="区划代码；省略表示本人辖区")
    sector: Sector | None = None


class OperatingWarningFilters(Input):
    status: OperatingWarningStatus | None = None
    region: str = optional_text(12, description="区划代码（含下级）")


@router.get(
    "/reports/missing",
    response=responses({200: list[OperatingMissingOut]}),
    summary="Whitelisted enterprises in scope without a report for the day",
)
@paginate(BoundedLimitOffset)
def missing_reports(request: AuthenticatedRequest, filters: Query[OperatingMissingFilters]) -> Any:
    require(request, Capability.OPERATIONS_VIEW)
    day = filters.day or timezone.localdate()
    now = timezone.now()
    enterprises = selectors.missing_list(
        user=request.user,
        day=day,
        region_code=filters.region,
        sector=filters.sector or "",
        overdue=filters.overdue,
        now=now,
    )
    return _MissingRows(enterprises, day, now)


def _rfc3339(moment: datetime) -> datetime:
    """RFC 3339 offsets are whole minutes: a day before 1901 is in Beijing's local mean time (+08:05:43)."""
    offset = moment.utcoffset()
    if offset is None or not offset.seconds % 60:
        return moment
    return moment.replace(tzinfo=dt_timezone(timedelta(minutes=round(offset.total_seconds() / 60))))


class _MissingRows:
    """The missing list as API rows, each with its deadline; sliced by the paginator before it is read."""

    def __init__(self, enterprises: Any, day: date, now: Any) -> None:
        self.enterprises, self.day, self.now = enterprises, day, now

    def __len__(self) -> int:
        return int(self.enterprises.count())

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        rows = []
        for enterprise in self.enterprises[index]:
            due = _rfc3339(report_deadline(enterprise.region, self.day))
            rows.append(
                {
                    "id": enterprise.pk,
                    "name": enterprise.name,
                    "uscc": enterprise.uscc,
                    "sector": enterprise.sector,
                    "region": enterprise.region,
                    "due_at": due,
                    "overdue": self.now >= due,
                }
            )
        return rows


@router.get(
    "/summary",
    response=responses({200: OperatingSummaryOut}),
    summary="Today's maintained figures of a region in scope (status counts, reported / due)",
)
def summary(request: AuthenticatedRequest, query: Query[OperatingSummaryQuery]) -> Any:
    require(request, Capability.OPERATIONS_VIEW)
    region, sector = query.region, query.sector
    user = request.user
    if user.role == Role.ENTERPRISE:
        raise PermissionRefused("permission_denied", _("Your role may not do this."))
    own = user.region if user.region_id else None
    place = Region.objects.filter(code=region).first() if region else own
    if region and (place is None or (own is not None and not own.contains(place))):
        raise Http404
    if own is None and not (user.is_superuser or user.role == Role.ADMINISTRATOR):
        raise Http404
    chosen = user.sector or (sector or "")
    found = figures(place, chosen)
    return {
        "day": found.day,
        "region": place,
        "sector": chosen,
        **{name: getattr(found, name) for name in ("due", "reported", "missing", "overdue", "late")},
        **{name: getattr(found, name) for name in ("normal", "closed_loop", "reduced", "halted", "not_normal")},
        "not_normal_percent": found.not_normal_percent,
        "refreshed_at": refreshed_at(NAME),
    }


@router.get("/reports/{int:report_id}", response=responses({200: OperatingReportOut}), summary="One operating report")
def get_report(request: AuthenticatedRequest, report_id: Id) -> Any:
    require(request, Capability.OPERATIONS_VIEW)
    return selectors.report_get(user=request.user, pk=report_id)


@router.put("/reports/{int:report_id}", response=responses({200: OperatingReportOut}), summary="Correct today's report")
def correct_report(request: AuthenticatedRequest, report_id: Id, payload: OperatingValuesIn) -> Any:
    require(request, Capability.OPERATIONS_REPORT)
    report = selectors.report_get(user=request.user, pk=report_id)
    return services.operating_report_correct(actor=request.user, report=report, values=_values(payload))


@router.post(
    "/reports/import",
    response=responses({**JOB_RESPONSES}),
    summary="Import many firms' reports (dry run by default): a job, finished (200) or running (202)",
    openapi_extra=uploads(file=SPREADSHEETS),
)
def import_reports(request: AuthenticatedRequest, file: File[UploadedFile], dry_run: bool = True) -> Any:
    job = import_job_submit(
        actor=request.user,
        kind="operating_reports",
        upload=file,
        file_name=file.name or "upload.xlsx",
        commit=not dry_run,
    )
    return job_response(job)


@router.get(
    "/warnings", response=responses({200: list[OperatingWarningOut]}), summary="Missing-report warnings in scope"
)
@paginate(BoundedLimitOffset)
def list_warnings(request: AuthenticatedRequest, filters: Query[OperatingWarningFilters]) -> Any:
    require(request, Capability.OPERATIONS_VIEW)
    return selectors.warning_list(
        user=request.user, filters=selectors.WarningFilters(status=filters.status or "", region_code=filters.region)
    )


@router.post(
    "/warnings/{int:warning_id}/close",
    response=responses({200: OperatingWarningOut}),
    summary="Close a missing-report warning with a note",
)
def close_warning(request: AuthenticatedRequest, warning_id: Id, payload: OperatingWarningCloseIn) -> Any:
    require(request, Capability.OPERATIONS_REPORT)
    warning = selectors.warning_get(user=request.user, pk=warning_id)
    return services.operating_warning_close(actor=request.user, warning=warning, note=payload.note)
