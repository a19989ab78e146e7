"""EP-1 pages: employees per enterprise (masked numbers), add, import (preview → confirm), detail with the
epidemic task force's logged reveal, and the WL-10 export. Thin: selectors read, services write."""

import base64
import io
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from sibao.core.errors import PermissionRefused, ServiceError
from sibao.core.protected import protect, reveal
from sibao.core.roles import Capability, has_capability
from sibao.core.views import capability_required, xlsx_response
from sibao.enterprises.models import Enterprise
from sibao.enterprises.selectors import regions_for_filter
from sibao.epidemic import export, imports, selectors, services
from sibao.epidemic.forms import EmployeeFilterForm, EmployeeForm, EmployeeImportForm, RevealForm, ZoneMoveForm

PAGE_SIZE = 50
_IMPORT_SESSION_KEY = "employee_import_file"


def _enterprise_for(request: HttpRequest, form_data: dict[str, Any]) -> Enterprise:
    """The enterprise to write to: the user's own, or the one chosen (already limited to the user's scope)."""
    if form_data.get("enterprise") is not None:
        return form_data["enterprise"]
    enterprise: Enterprise = Enterprise.objects.get_visible(
        request.user, pk=getattr(request.user, "enterprise_id", None)
    )
    return enterprise


@login_required
@capability_required(Capability.EMPLOYEE_VIEW)
def employee_list(request: HttpRequest) -> HttpResponse:
    form = EmployeeFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.EmployeeFilters(
        query=data.get("q", ""),
        enterprise_id=data.get("enterprise"),
        region_code=data.get("region", ""),
        post_type=data.get("post_type", ""),
    )
    page = Paginator(selectors.employee_list(user=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    is_enterprise = getattr(request.user, "enterprise_id", None) is not None
    context = {
        "form": form,
        "page": page,
        "query_string": query.urlencode(),
        "is_enterprise": is_enterprise,
        "enterprises": [] if is_enterprise else selectors.enterprises_for_filter(user=request.user),
        "regions": [] if is_enterprise else regions_for_filter(user=request.user),
        "can_manage": has_capability(request.user, Capability.EMPLOYEE_MANAGE),
        "can_export": has_capability(request.user, Capability.EMPLOYEE_EXPORT_PROVINCE),
    }
    return render(request, "epidemic/list.html", context)


@login_required
@capability_required(Capability.EMPLOYEE_VIEW)
def employee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    employee = selectors.employee_get(user=request.user, pk=pk)
    return render(request, "epidemic/detail.html", _detail_context(request, employee, RevealForm()))


def _detail_context(request: HttpRequest, employee: Any, form: RevealForm) -> dict[str, Any]:
    return {
        "employee": employee,
        "results": selectors.test_results_of(employee=employee),
        "zone_moves": selectors.zone_moves_of(employee=employee)[:20],
        "zone_form": ZoneMoveForm() if has_capability(request.user, Capability.EMPLOYEE_MANAGE) else None,
        # Superusers pass every capability check; the service's role rule is the one that counts here.
        "can_reveal": has_capability(request.user, Capability.ID_REVEAL)
        and getattr(request.user, "role", None) in services.REVEALING_ROLES,
        "reveal_form": form,
    }


@never_cache
@require_POST
@login_required
@capability_required(Capability.ID_REVEAL)
def employee_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """The full number, shown once on this response (never in a URL, never cached, never logged)."""
    if getattr(request.user, "role", None) not in services.REVEALING_ROLES:
        raise PermissionDenied  # superusers pass capability checks; the role rule is the service's
    employee = selectors.employee_get(user=request.user, pk=pk)
    form = RevealForm(request.POST)
    context = _detail_context(request, employee, form)
    if form.is_valid():
        try:
            context["revealed"] = services.employee_reveal_id_number(
                actor=request.user, employee=employee, purpose=form.cleaned_data["purpose"]
            )
            context["reveal_form"] = RevealForm()
        except PermissionRefused:
            raise PermissionDenied from None
        except ServiceError as refused:
            form.add_error("purpose" if refused.field == "purpose" else None, refused.message)
    return render(request, "epidemic/detail.html", context, status=200 if form.is_valid() else 400)


@login_required
@capability_required(Capability.EMPLOYEE_MANAGE)
def employee_create(request: HttpRequest) -> HttpResponse:
    initial = {"enterprise": request.GET.get("enterprise")} if request.GET.get("enterprise") else None
    form = EmployeeForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        enterprise = _enterprise_for(request, data)
        try:
            employee = services.employee_create(actor=request.user, enterprise=enterprise, data=data)
        except ServiceError as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            messages.success(request, _("%(name)s was registered.") % {"name": employee.name})
            return redirect("epidemic:detail", pk=employee.pk)
    return render(request, "epidemic/form.html", {"form": form})


@login_required
@capability_required(Capability.EMPLOYEE_MANAGE)
def import_template(request: HttpRequest) -> HttpResponse:
    return xlsx_response(imports.import_template_xlsx(), "员工导入模板.xlsx")


def _stash_upload(request: HttpRequest, upload: UploadedFile, enterprise: Enterprise) -> None:
    """Keep the previewed file for "confirm". It holds full ID numbers, so it is stored encrypted (EP-1)."""
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.enc"
    path.write_text(protect(base64.b64encode(upload.read()).decode()))
    request.session[_IMPORT_SESSION_KEY] = {"path": str(path), "name": upload.name, "enterprise": enterprise.pk}


def _unstash(request: HttpRequest) -> tuple[dict[str, Any], bytes] | None:
    stashed = request.session.get(_IMPORT_SESSION_KEY)
    if not stashed or not Path(stashed["path"]).exists():
        return None
    return stashed, base64.b64decode(reveal(Path(stashed["path"]).read_text()))


def _confirm_import(request: HttpRequest, context: dict[str, Any]) -> HttpResponse | None:
    unstashed = _unstash(request)
    if unstashed is None:
        messages.error(request, _("The previewed file has expired; please upload it again."))
        return redirect("epidemic:import")
    stashed, content = unstashed
    # Scope is checked again: the session only remembers which enterprise was previewed.
    enterprise = Enterprise.objects.get_visible(request.user, pk=stashed["enterprise"])
    result = imports.employee_import(
        actor=request.user, enterprise=enterprise, upload=io.BytesIO(content), filename=stashed["name"], commit=True
    )
    if result.committed:
        Path(stashed["path"]).unlink(missing_ok=True)
        del request.session[_IMPORT_SESSION_KEY]
        messages.success(
            request,
            _("%(count)d employees of %(enterprise)s were imported.")
            % {"count": result.saved, "enterprise": enterprise.name},
        )
        return redirect(f"{reverse('epidemic:list')}?enterprise={enterprise.pk}")
    context.update(result=result, filename=stashed["name"], enterprise=enterprise)
    return None


@login_required
@capability_required(Capability.EMPLOYEE_MANAGE)
def employee_import(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"form": EmployeeImportForm(user=request.user), "columns": imports.COLUMNS}
    if request.method == "POST" and "confirm" in request.POST:
        response = _confirm_import(request, context)
        if response is not None:
            return response
    elif request.method == "POST":
        form = EmployeeImportForm(request.POST, request.FILES, user=request.user)
        context["form"] = form
        if form.is_valid():
            enterprise = _enterprise_for(request, form.cleaned_data)
            upload = form.cleaned_data["file"]
            result = imports.employee_import(
                actor=request.user, enterprise=enterprise, upload=upload, filename=upload.name, commit=False
            )
            if result.ok:
                upload.seek(0)
                _stash_upload(request, upload, enterprise)
            context.update(result=result, filename=upload.name, enterprise=enterprise)
    return render(request, "epidemic/import.html", context)


@login_required
@capability_required(Capability.EMPLOYEE_EXPORT_PROVINCE)
def province_export(request: HttpRequest) -> HttpResponse:
    try:
        exported = export.employee_export_province(actor=request.user, region_code=request.GET.get("region", ""))
    except PermissionRefused:
        raise PermissionDenied from None
    response = xlsx_response(exported.content, exported.filename)
    response["Cache-Control"] = "no-store"
    return response
