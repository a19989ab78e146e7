"""The API object whose OpenAPI document is built once (issue 10).

django-ninja rebuilds ``/api/openapi.json`` on every request: ~1 s of CPU for our ~150 operations, on a URL
that needs no login — an easy way to keep a server busy. The document depends only on the code and the
language its descriptions are rendered in, so it is built once per process and language and served as the
same encoded bytes, with an ETag so that clients that already hold it get 304.
"""

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import path
from django.utils import translation
from ninja.responses import NinjaJSONEncoder

from sibao.core.api_base import PlatformAPI


class CachedSchemaNinjaAPI(PlatformAPI):
    """``PlatformAPI`` serving its OpenAPI document from a per-process cache keyed by language and path."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._documents: dict[tuple[str, str], tuple[bytes, str]] = {}

    def openapi_document(self, path_prefix: str) -> tuple[bytes, str]:
        """``(JSON bytes, ETag)`` of the document in the active language."""
        key = (translation.get_language() or "", path_prefix)
        if key not in self._documents:
            schema = self.get_openapi_schema(path_prefix=path_prefix)
            body = json.dumps(schema, cls=NinjaJSONEncoder, ensure_ascii=False).encode()
            self._documents[key] = (body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')
        return self._documents[key]

    def _openapi_view(self) -> Callable[..., HttpResponse]:
        def openapi_json(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            body, etag = self.openapi_document(self.get_root_path(kwargs))
            if request.headers.get("If-None-Match") == etag:
                return HttpResponseNotModified(headers={"ETag": etag})
            response = HttpResponse(body, content_type="application/json; charset=utf-8")
            response["ETag"] = etag
            response["Cache-Control"] = "public, max-age=3600"
            return response

        return openapi_json

    def _get_urls(self) -> list[Any]:
        urls: list[Any] = super()._get_urls()
        if not self.openapi_url:
            return urls
        route = self.openapi_url.lstrip("/")
        others = [url for url in urls if str(getattr(url, "pattern", "")) != route]
        return [path(route, self._openapi_view(), name="openapi-json"), *others]
