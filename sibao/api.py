"""The JSON API under /api/ (X-5). OpenAPI at /api/openapi.json; no CDN-hosted docs UI (X-2)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from sibao.accounts.api_auth import API_AUTH
from sibao.core.errors import ServiceError
from sibao.core.import_api import router as imports_router
from sibao.enterprises.api import router as enterprises_router
from sibao.epidemic.api import router as employees_router
from sibao.health.api import router as health_router
from sibao.incidents.api import router as incidents_router
from sibao.logistics.api import router as logistics_router
from sibao.readiness.api import router as readiness_router
from sibao.sentinel.api import router as sentinel_router
from sibao.tickets.api import router as tickets_router
from sibao.venues.api import router as venues_router
from sibao.whitelist.api import router as whitelist_router

api = NinjaAPI(
    title="Sibao API",
    version="1.0.0",
    description="四保白名单企业运行调度平台 API",
    auth=API_AUTH,
    docs_url=None,
    urls_namespace="api",
)


def _error(request: HttpRequest, status: int, code: str, message: str, **extra: object) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, "field": None, **extra}, status=status)


@api.exception_handler(ServiceError)
def service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    field, messages = next(iter(errors.items()))
    return api.create_response(
        request,
        {"code": "invalid", "message": messages[0], "field": None if field == "__all__" else field, "errors": errors},
        status=422,
    )


@api.exception_handler(NinjaValidationError)
def schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return _error(request, 422, "invalid", _("The request is not valid."), errors=exc.errors)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, "permission_denied", _("Your role may not do this."))


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthenticated", _("Log in or send a valid API token."))


api.add_router("/enterprises", enterprises_router)
api.add_router("/whitelist", whitelist_router)
api.add_router("/requests", tickets_router)
api.add_router("/employees", employees_router)
api.add_router("/health", health_router)
api.add_router("/venues", venues_router)
api.add_router("/incidents", incidents_router)
api.add_router("/readiness", readiness_router)
api.add_router("/warnings", sentinel_router)
api.add_router("/imports", imports_router)
api.add_router("/logistics", logistics_router)
