"""EP-7 pages: coverage per region, an enterprise's venue codes (add, edit, deactivate, declaration, print
and SVG download), the scan import and the task force's tracing page. Thin: selectors read, services write."""

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.errors import PermissionRefused, ServiceError
from sibao.core.roles import Capability, Role, has_capability
from sibao.core.views import capability_required, xlsx_response
from sibao.enterprises.models import Enterprise
from sibao.epidemic.models import Employee
from sibao.venues import ingest, selectors, services
from sibao.venues.forms import DeclarationForm, ScanImportForm, TraceForm, VenueForm
from sibao.venues.models import Venue, VenueDeclaration
from sibao.venues.qr import code_url, qr_svg, trace_workbook


@login_required
@capability_required(Capability.EPIDEMIC_VIEW)
def index(request: AuthenticatedRequest) -> HttpResponse:
    """Officials: enterprises in the area with coverage gaps. An enterprise: its own codes."""
    user: Any = request.user
    if user.role == Role.ENTERPRISE and user.enterprise_id:
        return redirect("venues:enterprise", pk=user.enterprise_id)
    show_all = request.GET.get("all") == "1"
    listing = selectors.coverage_list(user=user, only_gaps=not show_all)
    context = {
        "listing": listing,
        "show_all": show_all,
        "can_import": has_capability(user, Capability.EPIDEMIC_MANAGE),
        "can_trace": services.may_trace(user),
    }
    return render(request, "venues/index.html", context)


def _enterprise_context(request: AuthenticatedRequest, enterprise: Enterprise, **extra: Any) -> dict[str, Any]:
    declaration = VenueDeclaration.objects.filter(enterprise=enterprise).first()
    context = {
        "enterprise": enterprise,
        "venues": selectors.venue_list(user=request.user, enterprise_id=enterprise.pk),
        "coverage": selectors.coverage(enterprise),
        "can_manage": services.may_manage_venues(request.user, enterprise),
        "venue_form": VenueForm(),
        "declaration_form": DeclarationForm(instance=declaration),
    }
    context.update(extra)
    return context


@login_required
@capability_required(Capability.EPIDEMIC_VIEW)
def enterprise_venues(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    return render(request, "venues/enterprise.html", _enterprise_context(request, enterprise))


def _form_errors(form: Any, error: ServiceError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@require_POST
@login_required
@capability_required(Capability.EPIDEMIC_VIEW)
def venue_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    form = VenueForm(request.POST)
    if form.is_valid():
        try:
            venue = services.venue_create(actor=request.user, enterprise=enterprise, data=form.cleaned_data)
        except PermissionRefused:
            raise PermissionDenied from None
        except ServiceError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Venue code '%(name)s' added.") % {"name": venue.name})
            return redirect("venues:enterprise", pk=enterprise.pk)
    return render(
        request, "venues/enterprise.html", _enterprise_context(request, enterprise, venue_form=form), status=400
    )


@require_POST
@login_required
@capability_required(Capability.EPIDEMIC_VIEW)
def declaration_save(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    form = DeclarationForm(request.POST)
    if form.is_valid():
        try:
            services.declaration_save(actor=request.user, enterprise=enterprise, data=form.cleaned_data)
        except PermissionRefused:
            raise PermissionDenied from None
        except ServiceError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Declaration saved."))
            return redirect("venues:enterprise", pk=enterprise.pk)
    return render(
        request, "venues/enterprise.html", _enterprise_context(request, enterprise, declaration_form=form), status=400
    )


@login_required
@capability_required(Capability.EPIDEMIC_VIEW)
def venue_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    venue = selectors.venue_get(user=request.user, pk=pk)
    if not services.may_manage_venues(request.user, venue.enterprise):
        raise PermissionDenied
    form = VenueForm(request.POST or None, initial={"kind": venue.kind, "name": venue.name, "location": venue.location})
    if request.method == "POST" and form.is_valid():
        try:
            services.venue_update(actor=request.user, venue=venue, data=form.cleaned_data)
        except ServiceError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Venue code saved."))
            return redirect("venues:enterprise", pk=venue.enterprise_id)
    return render(request, "venues/venue_form.html", {"venue": venue, "form": form})


@require_POST
@login_required
@capability_required(Capability.EPIDEMIC_VIEW)
def venue_active(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    venue = selectors.venue_get(user=request.user, pk=pk)
    try:
        services.venue_set_active(actor=request.user, venue=venue, active=request.POST.get("active") == "1")
    except PermissionRefused:
        raise PermissionDenied from None
    return redirect("venues:enterprise", pk=venue.enterprise_id)


@login_required
@capability_required(Capability.EPIDEMIC_VIEW)
def print_codes(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One card per active code (enterprise, venue, QR), laid out for printing."""
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    cards = [
        {"venue": venue, "svg": qr_svg(code_url(request, venue), scale=6)}
        for venue in selectors.venue_list(user=request.user, enterprise_id=enterprise.pk, include_inactive=False)
    ]
    return render(request, "venues/print.html", {"enterprise": enterprise, "cards": cards})


@login_required
@capability_required(Capability.EPIDEMIC_VIEW)
def venue_svg(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    venue = selectors.venue_get(user=request.user, pk=pk)
    response = HttpResponse(qr_svg(code_url(request, venue), scale=10), content_type="image/svg+xml")
    response["Content-Disposition"] = f'attachment; filename="venue-{venue.pk}.svg"'
    return response


def code_landing(request: AuthenticatedRequest, token: str) -> HttpResponse:
    """What a phone opens when it reads the QR code: the venue's name (no personal data)."""
    venue = Venue.objects.select_related("enterprise").filter(token=token, is_active=True).first()
    if venue is None:
        raise Http404
    return render(request, "venues/code.html", {"venue": venue})


# --- Scan import --------------------------------------------------------------------------------------


@login_required
@capability_required(Capability.EPIDEMIC_MANAGE)
def scan_import(request: AuthenticatedRequest) -> HttpResponse:
    form = ScanImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = ingest.scans_import_submit(actor=request.user, file_name=upload.name, content=upload)
        except ServiceError as error:
            _form_errors(form, error)
        else:
            return redirect("venues:scan_import_detail", pk=result.pk)
    imports = selectors.scan_import_list(user=request.user)[:20]
    return render(request, "venues/scan_import.html", {"form": form, "imports": imports})


@login_required
@capability_required(Capability.EPIDEMIC_MANAGE)
def scan_import_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scan_import = selectors.scan_import_get(user=request.user, pk=pk)
    errors = scan_import.error.splitlines() if scan_import.error else []
    return render(request, "venues/scan_import_detail.html", {"item": scan_import, "errors": errors})


# --- Tracing ------------------------------------------------------------------------------------------


@never_cache
@login_required
def trace(request: AuthenticatedRequest) -> HttpResponse:
    """精准流调: pick an employee (search by name) or enter an ID number, a period and a purpose. POST only,
    so neither the number nor the person appears in a URL or the server log."""
    if not services.may_trace(request.user):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()
    candidates = (
        Employee.objects.visible_to(request.user)
        .filter(name__contains=query)
        .select_related("enterprise")
        .order_by("name", "pk")[:20]
        if query
        else []
    )
    now = timezone.localtime()
    form = TraceForm(
        request.POST or None,
        initial={
            "start": (now - timedelta(days=14)).replace(second=0, microsecond=0),
            "end": now.replace(second=0, microsecond=0),
        },
    )
    context: dict[str, Any] = {"form": form, "query": query, "candidates": candidates}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        employee = None
        if data.get("employee"):
            employee = Employee.objects.select_related("enterprise").get_visible(request.user, pk=data["employee"])
        try:
            log, result = services.trace_person(
                actor=request.user,
                start=data["start"],
                end=data["end"],
                purpose=data["purpose"],
                employee=employee,
                id_number="" if employee else data.get("id_number", ""),
            )
        except PermissionRefused:
            raise PermissionDenied from None
        except ServiceError as error:
            _form_errors(form, error)
        else:
            ids = {visit.enterprise_id for visit in result.visits} | {
                contact.enterprise_id for contact in result.contacts if contact.enterprise_id
            }
            names = dict(Enterprise.objects.filter(pk__in=ids).values_list("pk", "name"))
            if request.POST.get("export") == "1":
                content = trace_workbook(result, subject=log.subject, enterprise_names=names)
                return xlsx_response(content, _("trace-%(date)s.xlsx") % {"date": now.strftime("%Y%m%d-%H%M")})
            context.update(
                {
                    "log": log,
                    "result": result,
                    "visit_rows": [(visit, names.get(visit.enterprise_id, "")) for visit in result.visits],
                    "contact_rows": [
                        (contact, names.get(contact.enterprise_id or 0, "")) for contact in result.contacts
                    ],
                }
            )
    return render(request, "venues/trace.html", context)
