"""The platform's URLs plus a bare JSON view (``bench_wsgi.py``)."""

import json

from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from sibao.urls import urlpatterns as platform


@csrf_exempt
def bare(request: HttpRequest) -> JsonResponse:
    """Django itself answering a JSON call: the body parsed (the checks' own POST body, when sent one), a small
    JSON object back — no authentication, no schema, no database."""
    payload = json.loads(request.body) if request.body else {}
    return JsonResponse({"ok": True, "fields": len(payload)})


urlpatterns = [path("bench/bare/", bare), *platform]
