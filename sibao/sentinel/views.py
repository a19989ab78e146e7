"""EP-6 pages: warnings in scope with filters and the command-screen counts, one warning with its history
and the handling actions, and the pharmacy sales import (preview → confirm). Thin: selectors read,
services write."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sibao.core.errors import ServiceError
from sibao.core.import_jobs import import_job_submit
from sibao.core.import_views import import_job_context, job_page
from sibao.core.pagination import page_of
from sibao.core.roles import Capability, has_capability
from sibao.core.views import capability_required, xlsx_response
from sibao.enterprises.selectors import regions_for_filter
from sibao.regions.models import Region
from sibao.sentinel import imports, selectors, services
from sibao.sentinel.forms import CloseForm, PharmacyImportForm, ReassignForm, WarningFilterForm
from sibao.sentinel.models import PharmacyImport, SentinelWarning, WarningKind, WarningStatus
from sibao.sentinel.workflows import WARNING

PAGE_SIZE = 50


def _filters(form: WarningFilterForm) -> selectors.WarningFilters:
    data = form.cleaned_data if form.is_valid() else {}
    return selectors.WarningFilters(
        kind=data.get("kind", ""),
        status=data.get("status", ""),
        unattended=bool(data.get("unattended")),
        enterprise_id=data.get("enterprise"),
        region_code=data.get("region", ""),
        mine=bool(data.get("mine")),
        sector=data.get("sector", ""),
    )


@login_required
@capability_required(Capability.EPIDEMIC_VIEW)
def warning_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = WarningFilterForm(request.GET or None)
    filters = _filters(form)
    # Issue 10: a province's warnings are counted within bounds ("约 N" past them).
    page = page_of(request, selectors.warning_list(user=user, filters=filters), PAGE_SIZE)
    region = Region.objects.filter(code=filters.region_code).first() if filters.region_code else None
    counts = selectors.warning_counts(user=user, region=region)
    query = request.GET.copy()
    query.pop("page", None)
    is_enterprise = getattr(user, "enterprise_id", None) is not None
    context = {
        "form": form,
        "page": page,
        "query_string": query.urlencode(),
        "counts": counts,
        "freshness": counts["freshness"],  # officials' counts come from the summary: "数据更新于 …"
        "kind_counts": [(kind, label, counts["by_kind"].get(kind, 0)) for kind, label in WarningKind.choices],
        "is_enterprise": is_enterprise,
        "enterprises": [] if is_enterprise else selectors.enterprises_for_filter(user=user),
        # Read once, not once per option (issue 10: a province's drop-downs hold hundreds of options).
        "enterprise_selected": filters.enterprise_id,
        "region_selected": filters.region_code,
        "regions": [] if is_enterprise else regions_for_filter(user=user),
        "unattended_before": selectors.unattended_since(),
        "unattended_hours": selectors.UNATTENDED_AFTER_HOURS,
        "can_import": has_capability(user, Capability.EPIDEMIC_MANAGE),
    }
    return render(request, "sentinel/list.html", context)


def _history(warning: SentinelWarning) -> list[dict[str, Any]]:
    raised = {
        "at": warning.raised_at,
        "actor": None,
        "action": _("Raised by the platform"),
        "from_state": "",
        "to_state": WARNING.state_label(WarningStatus.OPEN),
        "reason": warning.shown_detail,
    }
    return [raised, *WARNING.history_rows(warning)]


def _action_forms(warning: SentinelWarning, user: Any, bound: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    items = []
    for transition in WARNING.available(warning, user):
        if transition.action == "close":
            form: Any = (bound or {}).get("close") or CloseForm()
        elif transition.action == "reassign":
            form = (bound or {}).get("reassign") or ReassignForm(
                users=services.assignable_users(warning).exclude(pk=warning.owner_id or 0)
            )
        else:
            form = None
        items.append({"action": transition.action, "label": transition.label, "form": form})
    return items


@login_required
@capability_required(Capability.EPIDEMIC_VIEW)
def warning_detail(request: HttpRequest, pk: int) -> HttpResponse:
    warning = selectors.warning_get(user=request.user, pk=pk)
    context = {
        "warning": warning,
        "history": _history(warning),
        "action_forms": _action_forms(warning, request.user),
        "unattended": selectors.is_unattended(warning),
        "can_view_employee": has_capability(request.user, Capability.EMPLOYEE_VIEW),
        "unattended_hours": selectors.UNATTENDED_AFTER_HOURS,
        # EP-3 → EP-9: a person reported with symptoms goes to observation; the enterprise reports the case.
        "can_report_case": warning.kind == WarningKind.SYMPTOMS
        and warning.employee_id is not None
        and has_capability(request.user, Capability.EPIDEMIC_REPORT),
    }
    return render(request, "sentinel/detail.html", context)


@require_POST
@login_required
@capability_required(Capability.EPIDEMIC_VIEW)
def warning_action(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    warning = selectors.warning_get(user=user, pk=pk)
    action = request.POST.get("action", "")
    try:
        if action == "take":
            services.warning_take(actor=user, warning=warning)
        elif action == "close":
            form = CloseForm(request.POST)
            services.warning_close(actor=user, warning=warning, note=form.data.get("note", ""))
        elif action == "reassign":
            reassign = ReassignForm(request.POST, users=services.assignable_users(warning))
            if not reassign.is_valid():
                messages.error(request, _("Choose who should handle it."))
                return redirect("sentinel:detail", pk=pk)
            services.warning_reassign(
                actor=user,
                warning=warning,
                owner=reassign.cleaned_data["owner"],
                reason=reassign.cleaned_data["reason"],
            )
        else:
            messages.error(request, _("Unknown action."))
            return redirect("sentinel:detail", pk=pk)
    except ServiceError as refused:
        messages.error(request, refused.message)
        return redirect("sentinel:detail", pk=pk)
    warning.refresh_from_db()
    messages.success(
        request,
        _("Done: %(action)s. The warning is now “%(state)s”.")
        % {"action": WARNING.transition(action).label, "state": warning.get_status_display()},
    )
    return redirect("sentinel:detail", pk=pk)


# --- pharmacy sales import --------------------------------------------------------------------------------


@login_required
@capability_required(Capability.EPIDEMIC_MANAGE)
def pharmacy_template(request: HttpRequest) -> HttpResponse:
    return xlsx_response(imports.import_template_xlsx(), "药店购药记录导入模板.xlsx")


@login_required
@capability_required(Capability.EPIDEMIC_MANAGE)
def pharmacy_import(request: HttpRequest) -> HttpResponse:
    """Upload → checked as a job (issue 8 #8) → this page shows it (``?job=``). The file holds full ID
    numbers: it is kept encrypted until the job ends (core.uploads)."""
    form = PharmacyImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_job_submit(
                actor=request.user,
                kind="pharmacy",
                upload=upload,
                file_name=upload.name,
                params={"file_name": upload.name},
                commit=False,
            )
        except ServiceError as refused:
            form.add_error("file", refused.message)
        else:
            return redirect(job_page(job))
    context: dict[str, Any] = {
        "form": form,
        "columns": imports.COLUMNS,
        "imports": PharmacyImport.objects.visible_to(request.user).select_related("created_by")[:20],
    }
    context.update(import_job_context(request, kind="pharmacy"))
    return render(request, "sentinel/pharmacy_import.html", context)
