"""Shared view helpers and the audit log browser."""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import quote

from auditlog.models import LogEntry
from django import forms
from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from sibao.core.audit import SecurityEvent, audited_models
from sibao.core.audit_display import audit_entries, audit_rows
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


def csv_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


class AuditFilterForm(forms.Form):
    model = forms.ChoiceField(label=_("Record type"), required=False)
    kind = forms.ChoiceField(label=_("Entries"), required=False)
    actor = forms.CharField(label=_("Actor"), required=False, max_length=150)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        models_ = sorted(
            ((label, str(apps.get_model(label)._meta.verbose_name)) for label in audited_models()),
            key=lambda item: item[1],
        )
        model_field = self.fields["model"]
        kind_field = self.fields["kind"]
        assert isinstance(model_field, forms.ChoiceField) and isinstance(kind_field, forms.ChoiceField)
        model_field.choices = [("", _("All record types")), *models_]
        kind_field.choices = [
            ("", _("Everything")),
            ("changes", _("Changes to records")),
            ("events", _("Logins and refusals")),
            *SecurityEvent.choices,
        ]

    def entries(self) -> QuerySet[LogEntry]:
        data = self.cleaned_data if self.is_valid() else {}
        return audit_entries(model=data.get("model", ""), kind=data.get("kind", ""), actor=data.get("actor", ""))


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """X-3 / issue 9 #8: every change and security event, newest first, in words people read."""
    if not has_capability(request.user, Capability.AUDIT_VIEW):
        raise PermissionDenied
    query = request.GET.copy()
    model = query.get("model", "")
    if model and "." not in model:  # ?model=enterprise, as links and bookmarks wrote it before
        query["model"] = next((label for label in audited_models() if label.split(".")[1].lower() == model), model)
    form = AuditFilterForm(query)
    page = Paginator(form.entries(), 50).get_page(request.GET.get("page"))
    query.pop("page", None)
    context = {"page": page, "rows": audit_rows(list(page)), "form": form, "query_string": query.urlencode()}
    return render(request, "core/audit_log.html", context)
