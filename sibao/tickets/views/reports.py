"""RQ-7 metrics and RQ-8 weekly reports: pages for the HQ office, supervision, leaders and administrators."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sibao.core.errors import ServiceError
from sibao.core.roles import Capability, has_capability
from sibao.core.views import xlsx_response
from sibao.tickets.metrics import Period, PeriodChoice, chosen_period, percent_of, week_end_of
from sibao.tickets.models import WeeklyReport
from sibao.tickets.report_export import weekly_report_filename, weekly_report_workbook
from sibao.tickets.reports import visible_weekly_reports, weekly_report_build, weekly_reports_of
from sibao.tickets.summary import metrics_for
from sibao.whitelist.oversight_forms import chosen_region, region_options


def _require_reader(user: Any) -> None:
    """RQ-7/RQ-8 are supervision's tools: HQ offices, supervision and leaders read them."""
    if not has_capability(user, Capability.TICKET_METRICS):
        raise PermissionDenied


class PeriodForm(forms.Form):
    period = forms.ChoiceField(label=gettext_lazy("Period"), choices=PeriodChoice.choices, required=False)
    start = forms.DateField(label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def period_for(self, today: date) -> Period:
        """The chosen period (``metrics.chosen_period``, as the API reads it); input that is not valid counts
        this week."""
        data = self.cleaned_data if self.is_valid() else {}
        return chosen_period(data.get("period") or "", today, data.get("start"), data.get("end"))


@dataclass(frozen=True)
class Column:
    key: str
    label: str


def _metric_columns() -> list[Column]:
    return [
        Column("response", _("Response rate")),
        Column("on_time", _("On-time rate")),
        Column("resolution", _("Resolution rate")),
        Column("satisfaction", _("Satisfaction rate")),
        Column("reopen", _("Reopen rate")),
    ]


UNITS_PER_PAGE = 50


def _without(request: HttpRequest, name: str) -> str:
    query = request.GET.copy()
    query.pop(name, None)
    return query.urlencode()


@login_required
def metrics_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_reader(user)
    region = chosen_region(user, request.GET.get("region"))
    form = PeriodForm(request.GET or None)
    today = timezone.localdate()
    try:
        period = form.period_for(today)
    except ServiceError as error:  # a day out of the platform's range: said, and this week shown
        messages.error(request, error.message)
        period = chosen_period(PeriodChoice.THIS_WEEK, today)
    figures = metrics_for(user, region, period)
    totals = figures.totals
    columns = _metric_columns()
    context = {
        "region": region,
        "region_options": region_options(user, region),
        "form": form,
        "period": period,
        "totals": totals,
        "total_cards": [(column, ratio) for column, (_name, ratio) in zip(columns, totals.ratios(), strict=True)],
        # A province holds ~900 units: the ranking is paged (all of it is in the weekly report's workbook).
        "by_unit": Paginator(figures.by_unit, UNITS_PER_PAGE).get_page(request.GET.get("units_page")),
        "units_query": _without(request, "units_page"),
        "by_region": figures.by_region,
        # Issue 10: read from the per-day summary (``tickets.summary``): "数据更新于 …".
        "freshness": figures.freshness,
        "columns": columns,
    }
    return render(request, "tickets/metrics.html", context)


class BuildForm(forms.Form):
    week_end = forms.DateField(
        label=gettext_lazy("Week ending (Friday)"), widget=forms.DateInput(attrs={"type": "date"})
    )


@login_required
def weekly_reports(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_reader(user)
    region = chosen_region(user, request.POST.get("region") or request.GET.get("region"))
    may_build = has_capability(user, Capability.TICKET_REPORT_BUILD)
    today = timezone.localdate()
    last_friday = week_end_of(today) - (timedelta(days=7) if today.weekday() != 4 else timedelta(0))
    form = BuildForm(initial={"week_end": last_friday})
    if request.method == "POST":
        if not may_build:
            raise PermissionDenied
        form = BuildForm(request.POST)
        if form.is_valid():
            try:
                report = weekly_report_build(region, form.cleaned_data["week_end"])
            except ServiceError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("The weekly report has been built."))
                return redirect("tickets:weekly_report", region_code=region.code, week_end=report.week_end.isoformat())
    reports = weekly_reports_of(region)[:104]
    context = {
        "region": region,
        "region_options": region_options(user, region),
        "reports": reports,
        "form": form,
        "may_build": may_build,
    }
    return render(request, "tickets/weekly_reports.html", context)


def _report_for(request: HttpRequest, region_code: str, week_end: str) -> WeeklyReport:
    user = request.user
    _require_reader(user)
    try:
        friday = date.fromisoformat(week_end)
    except ValueError:
        raise Http404 from None
    report = visible_weekly_reports(user).filter(region__code=region_code, week_end=friday).first()
    if report is None:
        raise Http404
    return report


def _cells(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """The stored ratios of one row, in column order, with the rate as a percentage."""
    cells = []
    for column in _metric_columns():
        ratio = figures[column.key]
        rate = ratio["rate"]
        cells.append(
            {
                **ratio,
                "key": column.key,
                "label": column.label,
                "percent": percent_of(rate),
            }
        )
    return cells


@login_required
def weekly_report(request: HttpRequest, region_code: str, week_end: str) -> HttpResponse:
    report = _report_for(request, region_code, week_end)
    figures = report.figures
    context = {
        "report": report,
        "figures": figures,
        "period": Period.week_ending(report.week_end),
        "columns": _metric_columns(),
        "total_cells": _cells(figures["totals"]),
        "by_unit": [{**row, "cells": _cells(row)} for row in figures["by_unit"]],
        "by_region": [{**row, "cells": _cells(row)} for row in figures["by_region"]],
    }
    return render(request, "tickets/weekly_report.html", context)


@login_required
def weekly_report_xlsx(request: HttpRequest, region_code: str, week_end: str) -> HttpResponse:
    report = _report_for(request, region_code, week_end)
    return xlsx_response(weekly_report_workbook(report), weekly_report_filename(report))
