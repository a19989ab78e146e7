"""The API's refusals (X-5): one error body, one list of refusal statuses, one capability check.

Every refusal under /api/ — a service's ``ServiceError``, a validation error, 401, 403, 404, a CSRF
failure — answers ``{code, message, field}`` (``ErrorOut``) in the caller's language. An endpoint declares
its successes with ``responses({200: SomeOut})``, which adds every refusal status with ``ErrorOut``, so the
OpenAPI document lists each status and body the endpoint can answer with (issue 8 #10).
"""

from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError

from sibao.core.actors import Actor
from sibao.core.errors import ServiceError, StateRefused
from sibao.core.permissions import require_capability
from sibao.core.roles import has_capability


class NotFoundRefused(ServiceError):
    """Something the request names (an id or a code in the body) does not exist or lies outside the caller's
    area: 404, like an object in the path (out of scope is never told apart from absent)."""

    status = 404


class ErrorOut(Schema):
    """A refusal: a stable machine code, a message for people, and the input field it concerns."""

    code: str = Field(..., description="稳定的错误代码，如 permission_denied、not_found、invalid")
    message: str = Field(..., description="面向用户的说明（按调用者的语言）")
    field: str | None = Field(None, description="出错的输入字段（如有）")


# What any endpoint may be refused with: 400 a refused value (a service's rule, a NUL character), 401 no or
# a bad token, 403 a role that may not, 404 absent or outside the caller's area, 409 a wrong state, 422 input
# that does not fit the schema.
REFUSALS: tuple[int, ...] = (400, 401, 403, 404, 409, 422)


def responses(successes: Mapping[int, Any]) -> dict[int, Any]:
    """An endpoint's ``response=`` argument: its successes plus every refusal, each with ``ErrorOut``."""
    return {**successes, **dict.fromkeys(REFUSALS, ErrorOut)}


@contextmanager
def refusals(
    *, conflict: Collection[str] = (), not_found: Collection[str] = (), fields: Mapping[str, str] | None = None
) -> Iterator[None]:
    """Answer a service's refusals with the status they mean to an API client: ``conflict`` codes refuse what
    the stored data makes impossible (409: already registered, already decided), ``not_found`` codes a
    reference the caller cannot reach (404). ``fields`` renames a refusal's field to the body's name for it
    (``unit`` → ``unit_id``). Services raise plain ``ServiceError`` (400) for these; pages show the message
    either way."""
    try:
        yield
    except ServiceError as error:
        field = (fields or {}).get(error.field or "", error.field)
        if error.code in conflict:
            raise StateRefused(error.code, error.message, field=field) from None
        if error.code in not_found:
            raise NotFoundRefused(error.code, error.message, field=field) from None
        if field != error.field:
            error.field = field
        raise


def require(request: HttpRequest, capability: str, *alternatives: str) -> None:
    """403 unless the caller's role has ``capability`` or one of ``alternatives`` (``core.roles``' table,
    the same one pages and services check)."""
    actor = cast(Actor, request.user)  # the API's authentication has already refused anonymous callers
    if not any(has_capability(actor, other) for other in alternatives):
        require_capability(actor, capability)


def _refusal(
    api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str, field: str | None = None, **extra: Any
) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, "field": field, **extra}, status=status)


def _codes(exc: ValidationError, field: str) -> set[str | None]:
    """The Django error codes of ``field``'s errors (``unique``, ``invalid`` …)."""
    found = exc.error_dict.get(field, []) if hasattr(exc, "error_dict") else exc.error_list
    return {error.code for error in found} or {None}


def _schema_field(errors: list[dict[str, Any]]) -> str | None:
    """The input the first schema error is about: the last name of its location, under the source and, for a
    body, under the parameter (``["body", "payload", "name"]`` → ``name``; the whole body → none)."""
    for error in errors[:1]:
        loc = [part for part in error.get("loc", ()) if isinstance(part, str)]
        if len(loc) > (2 if loc[:1] == ["body"] else 1):
            return loc[-1]
    return None


def install_error_handlers(api: NinjaAPI) -> None:
    """Render every refusal as ``ErrorOut`` (ninja's own handlers answer ``{"detail": …}``)."""

    @api.exception_handler(ServiceError)
    def service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
        return api.create_response(request, exc.as_dict(), status=exc.status)

    @api.exception_handler(ValidationError)
    def model_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        field, messages = next(iter(errors.items()))
        field_name = None if field == "__all__" else field
        # A value another record already holds (a credit code, a name) conflicts with what is stored: 409.
        if _codes(exc, field) <= {"unique", "unique_together"}:
            return _refusal(api, request, 409, "duplicate", messages[0], field_name, errors=errors)
        # A value refused because of the record's state (a whitelisted firm, a region in emergency): 409 too.
        if _codes(exc, field) == {"state"}:
            return _refusal(api, request, 409, "state", messages[0], field_name, errors=errors)
        return _refusal(api, request, 422, "invalid", messages[0], field_name, errors=errors)

    @api.exception_handler(SchemaValidationError)
    def schema_error(request: HttpRequest, exc: SchemaValidationError) -> HttpResponse:
        message = _("The request is not valid.")
        return _refusal(api, request, 422, "invalid", message, _schema_field(exc.errors), errors=exc.errors)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return _refusal(api, request, 404, "not_found", _("Not found."))

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return _refusal(api, request, 403, "permission_denied", _("Your role may not do this."))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return _refusal(api, request, 401, "unauthenticated", _("Log in or send a valid API token."))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja raises HttpError(400) for a body it cannot parse, HttpError(403) for a session request
        # without its CSRF token.
        if exc.status_code == 400:
            return _refusal(api, request, 400, "invalid", _("The request body is not valid JSON."))
        if exc.status_code == 403:
            message = _("The CSRF check failed: send the CSRF token with a session, or use an API token.")
            return _refusal(api, request, 403, "csrf_failed", message)
        return _refusal(api, request, exc.status_code, "refused", str(exc))
