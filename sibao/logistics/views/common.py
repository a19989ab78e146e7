"""Small helpers the logistics pages share."""

from typing import Any

from django import forms
from django.core.paginator import Page, Paginator

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.errors import ServiceError

PAGE_SIZE = 50


def paged(request: AuthenticatedRequest, rows: Any) -> tuple[Page[Any], str]:
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def refusal_to_form(form: forms.Form, refused: ServiceError) -> int:
    """Put a service's refusal next to its field (or on top) and return the status to answer with."""
    form.add_error(refused.field if refused.field in form.fields else None, refused.message)
    return refused.status
