"""EN-3 reads, all through ``visible_to(user)``: reports of a day, who has not reported, the warnings."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from sibao.accounts.models import User
from sibao.enterprises.models import Enterprise
from sibao.operations.deadlines import past_deadline_q
from sibao.operations.models import NOT_NORMAL, OperatingReport, OperatingWarning, OperatingWarningStatus
from sibao.regions.models import Region
from sibao.whitelist.selectors import whitelisted_q

NOT_NORMAL_FILTER = "not_normal"  # the status filter for closed-loop, reduced and halted together


def _in_region(queryset: Any, region_code: str, lookup: str) -> Any:
    """Rows under the region ``region_code`` (its whole subtree); none for an unknown code."""
    if not region_code:
        return queryset
    region = Region.objects.filter(code=region_code).only("path").first()
    return queryset.filter(**{f"{lookup}__startswith": region.path}) if region else queryset.none()


@dataclass(frozen=True)
class ReportFilters:
    day: date | None = None  # None: every day
    region_code: str = ""
    sector: str = ""
    status: str = ""  # a ProductionStatus value, or NOT_NORMAL_FILTER
    late: bool = False
    enterprise_id: int | None = None


def report_list(*, user: User, filters: ReportFilters | None = None) -> QuerySet[OperatingReport]:
    filters = filters or ReportFilters()
    reports = OperatingReport.objects.visible_to(user).select_related("enterprise", "enterprise__region", "filed_by")
    if filters.day is not None:
        reports = reports.filter(day=filters.day)
    if filters.sector:
        reports = reports.filter(enterprise__sector=filters.sector)
    if filters.status == NOT_NORMAL_FILTER:
        reports = reports.filter(status__in=NOT_NORMAL)
    elif filters.status:
        reports = reports.filter(status=filters.status)
    if filters.late:
        reports = reports.filter(late=True)
    if filters.enterprise_id:
        reports = reports.filter(enterprise_id=filters.enterprise_id)
    reports = _in_region(reports, filters.region_code, "enterprise__region__path")
    return reports.order_by("-day", "enterprise__name", "pk")


def report_get(*, user: User, pk: Any) -> OperatingReport:
    report: OperatingReport = OperatingReport.objects.select_related(
        "enterprise", "enterprise__region", "filed_by"
    ).get_visible(user, pk=pk)
    return report


def report_of(enterprise: Enterprise, day: date) -> OperatingReport | None:
    report: OperatingReport | None = OperatingReport.objects.filter(enterprise=enterprise, day=day).first()
    return report


def filed_q(day: date, enterprise_ref: str = "pk") -> Exists:
    return Exists(OperatingReport.objects.filter(enterprise_id=OuterRef(enterprise_ref), day=day))


def missing_list(
    *,
    user: User,
    day: date,
    region_code: str = "",
    sector: str = "",
    overdue: bool = False,
    now: datetime | None = None,
) -> QuerySet[Enterprise]:
    """Whitelisted enterprises in the user's scope without a report for ``day`` — the zero-report rule of EN-3:
    a report is due even when nothing changed. ``overdue``: only those whose deadline has passed."""
    enterprises = Enterprise.objects.visible_to(user).filter(whitelisted_q()).exclude(filed_q(day))
    if sector:
        enterprises = enterprises.filter(sector=sector)
    if overdue:
        enterprises = enterprises.filter(past_deadline_q(day, now or timezone.now()))
    enterprises = _in_region(enterprises, region_code, "region__path")
    return enterprises.select_related("region", "region__parent").order_by("region__code", "name", "pk")


@dataclass(frozen=True)
class WarningFilters:
    status: str = OperatingWarningStatus.OPEN  # "" for all
    day: date | None = None
    region_code: str = ""
    sector: str = ""


def warning_list(*, user: User, filters: WarningFilters | None = None) -> QuerySet[OperatingWarning]:
    filters = filters or WarningFilters()
    warnings = OperatingWarning.objects.visible_to(user).select_related("enterprise", "enterprise__region", "closed_by")
    if filters.status:
        warnings = warnings.filter(status=filters.status)
    if filters.day is not None:
        warnings = warnings.filter(day=filters.day)
    if filters.sector:
        warnings = warnings.filter(enterprise__sector=filters.sector)
    warnings = _in_region(warnings, filters.region_code, "enterprise__region__path")
    return warnings.order_by("-day", "enterprise__region__code", "enterprise__name", "pk")


def warning_get(*, user: User, pk: Any) -> OperatingWarning:
    warning: OperatingWarning = OperatingWarning.objects.select_related(
        "enterprise", "enterprise__region", "closed_by"
    ).get_visible(user, pk=pk)
    return warning


def enterprises_to_report_for(*, user: User) -> QuerySet[Enterprise]:
    """The enterprises an official may choose on the filing form: its scope's whitelisted ones first."""
    return Enterprise.objects.visible_to(user).select_related("region").order_by("name", "pk")
