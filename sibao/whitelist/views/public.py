"""STUB — to be written (issue #3)."""

from typing import Any

from django.http import HttpRequest, HttpResponse


def whitelist(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise NotImplementedError


def whitelist_xlsx(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise NotImplementedError


def criteria(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise NotImplementedError
