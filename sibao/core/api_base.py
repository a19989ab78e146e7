"""The NinjaAPI the platform's API is built on (X-5, issue 8 #10): what every endpoint shares.

- every refusal is ``ErrorOut`` JSON (``core.api_errors``), also for a path under the API that names no
  endpoint (``/api/employees/abc``), where Django would answer its HTML 404 page;
- no input may carry a NUL character (PostgreSQL text cannot store one): ``RefuseNulCharactersMiddleware``
  refuses it in the path, the query string and JSON bodies, the parser here in form fields, and the OpenAPI
  document declares it on every input string, so a client (or schemathesis) knows before sending.
"""

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, re_path
from django.urls.exceptions import Resolver404
from django.urls.resolvers import ResolverMatch, RoutePattern
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.parser import Parser

from sibao.core.api_errors import install_error_handlers
from sibao.core.errors import ServiceError

NO_NUL = r"^[^\x00]*$"


class NulRefusingParser(Parser):
    """Query strings and form fields (multipart included) without NUL characters; files are left alone."""

    def parse_querydict(self, data: MultiValueDict, list_fields: list[str], request: HttpRequest) -> dict[str, Any]:
        for key, values in data.lists():
            if any(isinstance(value, str) and "\x00" in value for value in [key, *values]):
                message = _("The request contains a NUL character, which is not allowed in any field.")
                raise ServiceError("request.nul", message, field=key)
        return super().parse_querydict(data, list_fields, request)


@csrf_exempt
def unknown_path(request: HttpRequest, rest: str) -> JsonResponse:
    return JsonResponse({"code": "not_found", "message": _("Not found."), "field": None}, status=404)


class PlatformAPI(NinjaAPI):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(parser=NulRefusingParser(), **kwargs)
        install_error_handlers(self)

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        # Any rest, new lines included (Django's <path:> stops at them and would answer its HTML 404).
        unknown = re_path(r"^(?P<rest>[\s\S]+)$", unknown_path, name="unknown-path")
        return [*grouped_by_first_segment(patterns), unknown], app_name, namespace

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        declare_no_nul(document)
        forms_without_null(document)
        return document


class SegmentSwitch(URLResolver):
    """The API's endpoints grouped by the literal first segment of their route (``logistics``): the group a path
    can match is found by the path's first segment, without trying the others. Django's resolver tries the
    patterns of a list in order: django-ninja's one flat list of ~250 endpoints cost a call to the last router
    mounted ~0.25 ms (issue 13). Each group is an include with no route of its own holding the endpoints as
    they were (same routes, names, views, order), so reversing walks them as before."""

    def __init__(self, groups: dict[str, URLResolver]) -> None:
        super().__init__(RoutePattern(""), list(groups.values()))
        self.groups = groups

    def resolve(self, path: Any) -> ResolverMatch:
        group = self.groups.get(str(path).split("/", 1)[0])
        if group is None:
            raise Resolver404({"tried": [], "path": path})
        # What Django's resolver would answer through this include: it adds no route, app or namespace.
        return group.resolve(path)


def grouped_by_first_segment(patterns: list[Any]) -> list[Any]:
    """django-ninja's endpoint patterns in one ``SegmentSwitch``. The groups keep the endpoints' order, and a
    route's first segment decides which paths it can match, so the same path finds the same endpoint; a
    name given twice reverses to the later one as before (a router's endpoints are one run of the list). If a
    first segment held a parameter, that would not hold: the list is then left as it is."""
    if any(not isinstance(p, URLPattern) or "<" in str(p.pattern).split("/", 1)[0] for p in patterns):
        return patterns
    groups: dict[str, list[URLPattern]] = {}
    for pattern in patterns:
        groups.setdefault(str(pattern.pattern).split("/", 1)[0], []).append(pattern)
    return [SegmentSwitch({head: URLResolver(RoutePattern(""), group) for head, group in groups.items()})]


def forms_without_null(document: dict[str, Any]) -> None:
    """A form part is a string or a file, never ``null``: an optional part is one left out, so its schema
    does not offer ``null`` (a client, or schemathesis, would send the text "None")."""
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            content = operation.get("requestBody", {}).get("content", {})
            for media_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
                for prop in content.get(media_type, {}).get("schema", {}).get("properties", {}).values():
                    options = [option for option in prop.get("anyOf", []) if option != {"type": "null"}]
                    if len(options) == 1 and len(prop["anyOf"]) == 2:
                        del prop["anyOf"]
                        prop.update(options[0])


def declare_no_nul(document: dict[str, Any]) -> None:
    """Give every free-text input string (parameters and request bodies, through their ``$ref``s) the no-NUL
    pattern. Strings that already have a pattern, a format or a list of values are left as they are."""
    components = document.get("components", {}).get("schemas", {})
    visited: set[str] = set()

    def visit(schema: Any) -> None:
        if not isinstance(schema, dict):
            return
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            if name not in visited:
                visited.add(name)
                visit(components.get(name))
            return
        if schema.get("type") == "string" and not {"pattern", "format", "enum", "const"} & schema.keys():
            schema["pattern"] = NO_NUL
        for key in ("anyOf", "oneOf", "allOf"):
            for option in schema.get(key, []):
                visit(option)
        for option in schema.get("properties", {}).values():
            visit(option)
        visit(schema.get("items"))
        visit(schema.get("additionalProperties"))

    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []):
                visit(parameter.get("schema"))
            for media in operation.get("requestBody", {}).get("content", {}).values():
                visit(media.get("schema"))
