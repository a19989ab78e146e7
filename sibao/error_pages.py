"""Error answers (issue 11 #5, issue 8 #9): pages in the platform's layout and language with a way back,
``{code, message, field}`` JSON under ``/api/`` (as the API's own refusals are).

The 500 page is rendered without the request's context processors: they read the session and the user,
and a 500 is often the database being down (then it is a 503 with its own message). If even that
template fails (e.g. static files not collected in production), a plain Chinese page is sent.
"""

import logging
import sys
from typing import Any

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

_LAST_RESORT = (
    '<!doctype html><html lang="zh-hans"><head><meta charset="utf-8"><title>系统错误</title></head>'
    "<body><h1>系统暂时无法处理您的请求</h1><p>请稍后重试；如持续出现，请联系系统管理员。</p>"
    '<p><a href="/">返回首页</a></p></body></html>'
)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _json(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "field": None}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _json("bad_request", _("The request could not be understood."), 400)
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _json("permission_denied", _("Your role may not do this."), 403)
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _json("not_found", _("Not found."), 404)
    return render(request, "404.html", {"request_path": request.path}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    exception = sys.exc_info()[1]
    outage = isinstance(exception, OperationalError | InterfaceError)
    status = 503 if outage else 500
    if outage:
        message = _("The database cannot be reached at the moment. Please try again in a few minutes.")
    else:
        message = _("The platform could not process this request. The error has been logged; please try again.")
    if _is_api(request):
        return _json("service_unavailable" if outage else "server_error", message, status)
    context: dict[str, Any] = {"message": message, "outage": outage}
    html: str
    try:
        html = render_to_string("500.html", context)
    except Exception:  # the error page must not fail in turn
        logger.exception("the 500 page could not be rendered")
        html = _LAST_RESORT
    response = HttpResponse(html, status=status)
    if outage:
        response["Retry-After"] = "60"
    return response
