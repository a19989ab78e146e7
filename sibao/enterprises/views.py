"""Registry pages: list with filters, detail, create/edit, import (preview → commit), export, template."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.errors import PermissionRefused, ServiceError
from sibao.core.import_jobs import import_job_submit
from sibao.core.import_views import import_job_context, job_page
from sibao.core.roles import Capability, has_capability
from sibao.core.views import capability_required, csv_response, xlsx_response
from sibao.enterprises import imports, selectors, services
from sibao.enterprises.forms import EnterpriseFilterForm, EnterpriseForm, ImportUploadForm, RecordForm, RelationForm

PAGE_SIZE = 50


def _filters(request: AuthenticatedRequest) -> tuple[EnterpriseFilterForm, selectors.EnterpriseFilters]:
    form = EnterpriseFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    return form, selectors.EnterpriseFilters(
        query=data.get("q", ""),
        region_code=data.get("region", ""),
        sector=data.get("sector", ""),
        kind=data.get("kind", ""),
        flag=data.get("flag", ""),
    )


@login_required
@capability_required(Capability.ENTERPRISE_VIEW)
def enterprise_list(request: AuthenticatedRequest) -> HttpResponse:
    form, filters = _filters(request)
    queryset = selectors.enterprise_list(user=request.user, filters=filters)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "regions": selectors.regions_for_filter(user=request.user),
        "query_string": query.urlencode(),
        "can_create": has_capability(request.user, Capability.ENTERPRISE_CREATE),
        "can_import": has_capability(request.user, Capability.ENTERPRISE_IMPORT),
        "can_export": has_capability(request.user, Capability.ENTERPRISE_EXPORT),
    }
    template = "enterprises/_table.html" if request.headers.get("HX-Request") else "enterprises/list.html"
    return render(request, template, context)


def _detail(
    request: AuthenticatedRequest, enterprise: Any, record_form: RecordForm | None = None, status: int = 200
) -> HttpResponse:
    relations = selectors.enterprise_relations(user=request.user, enterprise=enterprise)
    can_edit = has_capability(request.user, Capability.ENTERPRISE_CHANGE) or (
        has_capability(request.user, Capability.ENTERPRISE_CHANGE_OWN)
        and getattr(request.user, "enterprise_id", None) == enterprise.pk
    )
    context = {"enterprise": enterprise, "can_edit": can_edit, **relations}
    if has_capability(request.user, Capability.ENTERPRISE_CHANGE):
        context["relation_form"] = RelationForm()
        # EN-1 records (issue 9 #7): the sector department and the HQ office in scope enter them here.
        context["record_form"] = record_form or RecordForm(initial={"occurred_on": timezone.localdate()})
    return render(request, "enterprises/detail.html", context, status=status)


@login_required
@capability_required(Capability.ENTERPRISE_VIEW)
def enterprise_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.enterprise_get(user=request.user, pk=pk))


def _record_errors(form: RecordForm, error: ServiceError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@login_required
@capability_required(Capability.ENTERPRISE_CHANGE)
@require_POST
def enterprise_record_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    form = RecordForm(request.POST)
    if form.is_valid():
        try:
            services.enterprise_record_add(actor=request.user, enterprise=enterprise, data=form.cleaned_data)
        except ServiceError as error:
            _record_errors(form, error)
        else:
            messages.success(request, _("The record was added."))
            return redirect(f"{reverse('enterprises:detail', args=[enterprise.pk])}#records")
    return _detail(request, enterprise, record_form=form, status=400)


@login_required
@capability_required(Capability.ENTERPRISE_CHANGE)
def enterprise_record_edit(request: AuthenticatedRequest, pk: int, record_id: int) -> HttpResponse:
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    record = selectors.enterprise_record_get(user=request.user, enterprise=enterprise, pk=record_id)
    initial = {name: getattr(record, name) for name in services.RECORD_FIELDS}
    form = RecordForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.enterprise_record_change(actor=request.user, record=record, data=form.cleaned_data)
            except ServiceError as error:
                _record_errors(form, error)
            else:
                messages.success(request, _("Changes saved."))
                return redirect(f"{reverse('enterprises:detail', args=[enterprise.pk])}#records")
        status = 400
    title = _("Record of %(name)s") % {"name": enterprise.name}
    context = {"form": form, "title": title, "enterprise": enterprise, "record": record}
    return render(request, "enterprises/record_form.html", context, status=status)


@login_required
@capability_required(Capability.ENTERPRISE_CHANGE)
@require_POST
def enterprise_record_remove(request: AuthenticatedRequest, pk: int, record_id: int) -> HttpResponse:
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    record = selectors.enterprise_record_get(user=request.user, enterprise=enterprise, pk=record_id)
    services.enterprise_record_remove(actor=request.user, record=record)
    messages.success(request, _("The record was removed."))
    return redirect(f"{reverse('enterprises:detail', args=[enterprise.pk])}#records")


@login_required
@capability_required(Capability.ENTERPRISE_CHANGE)
def enterprise_relation_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    form = RelationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.relation_add(
                actor=request.user,
                enterprise=enterprise,
                relation=form.cleaned_data["relation"],
                partner_uscc=form.cleaned_data["partner_uscc"],
                detail=form.cleaned_data["detail"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The relation was recorded."))
    return redirect("enterprises:detail", pk=enterprise.pk)


@login_required
@capability_required(Capability.ENTERPRISE_CHANGE)
def enterprise_relation_remove(request: AuthenticatedRequest, pk: int, kind: str, relation_id: int) -> HttpResponse:
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    if request.method != "POST":
        raise Http404
    relation = selectors.enterprise_relation_get(user=request.user, enterprise=enterprise, kind=kind, pk=relation_id)
    services.relation_remove(actor=request.user, relation=relation)
    messages.success(request, _("The relation was removed."))
    return redirect("enterprises:detail", pk=enterprise.pk)


def _apply_errors(form: EnterpriseForm, error: ValidationError) -> None:
    for field, field_messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_messages)


@login_required
@capability_required(Capability.ENTERPRISE_CREATE)
def enterprise_create(request: AuthenticatedRequest) -> HttpResponse:
    form = EnterpriseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.enterprise_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Enterprise “%(name)s” was added.") % {"name": enterprise.name})
            return redirect("enterprises:detail", pk=enterprise.pk)
    return render(request, "enterprises/form.html", {"form": form, "title": _("Add enterprise")})


@login_required
def enterprise_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    if not (
        has_capability(request.user, Capability.ENTERPRISE_CHANGE)
        or has_capability(request.user, Capability.ENTERPRISE_CHANGE_OWN)
    ):
        raise Http404
    form = EnterpriseForm(request.POST or None, instance=enterprise, user=request.user)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.enterprise_update(actor=request.user, enterprise=enterprise, data=changed)
        except ValidationError as exc:
            _apply_errors(form, exc)
        except PermissionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("enterprises:detail", pk=enterprise.pk)
    return render(
        request,
        "enterprises/form.html",
        {"form": form, "title": _("Edit %(name)s") % {"name": enterprise.name}, "enterprise": enterprise},
    )


@login_required
@capability_required(Capability.ENTERPRISE_EXPORT)
def enterprise_export(request: AuthenticatedRequest) -> HttpResponse:
    _form, filters = _filters(request)
    queryset = selectors.enterprise_list(user=request.user, filters=filters)
    return xlsx_response(imports.export_xlsx(queryset.iterator(chunk_size=2000)), "企业名录.xlsx")


@login_required
@capability_required(Capability.ENTERPRISE_EXPORT)
def enterprise_export_csv(request: AuthenticatedRequest) -> HttpResponse:
    _form, filters = _filters(request)
    queryset = selectors.enterprise_list(user=request.user, filters=filters)
    return csv_response(imports.export_csv(queryset.iterator(chunk_size=2000)), "企业名录.csv")


@login_required
@capability_required(Capability.ENTERPRISE_IMPORT)
def import_template(request: AuthenticatedRequest) -> HttpResponse:
    return xlsx_response(imports.import_template_xlsx(), "企业导入模板.xlsx")


@login_required
@capability_required(Capability.ENTERPRISE_IMPORT)
def enterprise_import(request: AuthenticatedRequest) -> HttpResponse:
    """Upload → the file is checked as a job (issue 8 #8) → this page shows it (``?job=``): its progress,
    its errors, or the preview with "import now"."""
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_job_submit(
                actor=request.user, kind="enterprises", upload=upload, file_name=upload.name, commit=False
            )
        except ServiceError as refused:
            form.add_error("file", refused.message)
        else:
            return redirect(job_page(job))
    context: dict[str, Any] = {"form": form, "columns": imports.COLUMNS}
    context.update(import_job_context(request, kind="enterprises"))
    return render(request, "enterprises/import.html", context)
