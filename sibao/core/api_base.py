"""The NinjaAPI the platform's API is built on (X-5, issue 8 #10): what every endpoint shares.

- every refusal is ``ErrorOut`` JSON (``core.api_errors``), also for a path under the API that names no
  endpoint (``/api/employees/abc``), where Django would answer its HTML 404 page;
- no input may carry a NUL character (PostgreSQL text cannot store one): ``RefuseNulCharactersMiddleware``
  refuses it in the path, the query string and JSON bodies, the parser here in form fields, and the OpenAPI
  document declares it on every input string, so a client (or schemathesis) knows before sending.
"""

from typing import Any, cast

from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, include, path, re_path
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
    """An include of includes, each of a distinct literal first segment (``logistics/``): the one a path can
    match is found by its first segment, without trying the others. Django's resolver tries the patterns of a
    list in order and a missed include raises an exception: the API's ~250 endpoints in one flat list cost a call
    to the last router mounted ~0.25 ms (issue 13). Reversing walks ``url_patterns`` as for any include."""

    def __init__(self, groups: dict[str, URLResolver]) -> None:
        super().__init__(RoutePattern(""), list(groups.values()))
        self.groups = groups

    def resolve(self, path: Any) -> ResolverMatch:
        group = self.groups.get(str(path).split("/", 1)[0])
        if group is None:
            raise Resolver404({"tried": [], "path": path})
        # The group's match as this empty, unnamed include would compose it (no route, app or namespace added).
        return group.resolve(path)


def grouped_by_first_segment(patterns: list[Any]) -> list[Any]:
    """django-ninja's endpoint patterns (one flat list over every router), those under a literal first segment
    grouped per segment in one ``SegmentSwitch`` at the place of the first; the same routes, names and views.
    A pattern without a ``/`` (``openapi.json``, the root) cannot match a path the switch answers and stays as it
    is; if a first segment held a parameter, the order could matter and nothing is grouped."""
    if any("<" in str(pattern.pattern).split("/", 1)[0] for pattern in patterns):
        return patterns
    groups: dict[str, list[Any]] = {}
    result: list[Any] = []
    for pattern in patterns:
        head, slash, rest = str(pattern.pattern).partition("/")
        if not slash or not isinstance(pattern, URLPattern):
            result.append(pattern)
            continue
        if not groups:
            result.append(None)  # the switch's place
        groups.setdefault(head, []).append(path(rest, pattern.callback, pattern.default_args, cast(str, pattern.name)))
    switch = SegmentSwitch({head: path(f"{head}/", include(group)) for head, group in groups.items()})
    return [switch if item is None else item for item in result]


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
