"""Shared view helpers and the audit log browser."""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import quote

from auditlog.models import LogEntry
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sibao.core.roles import Capability, has_capability

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def capability_required(capability: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """403 for a role that may never use the page (rows out of scope are 404 in selectors)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not has_capability(request.user, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    if not has_capability(request.user, Capability.AUDIT_VIEW):
        raise PermissionDenied
    entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp")
    model = request.GET.get("model", "")
    actor = request.GET.get("actor", "")
    if model:
        entries = entries.filter(content_type__model=model)
    if actor:
        entries = entries.filter(actor__username=actor)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"page": page, "model": model, "actor": actor})
