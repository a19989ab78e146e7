"""The JSON API under /api/ (X-5). OpenAPI at /api/openapi.json; no CDN-hosted docs UI (X-2)."""

from sibao.accounts.api_auth import API_AUTH
from sibao.core.api_schema import CachedSchemaNinjaAPI
from sibao.core.audit_api import router as audit_router
from sibao.core.import_api import router as imports_router
from sibao.dashboard.api import router as screen_router
from sibao.emergency.api import router as emergency_router
from sibao.enterprises.api import router as enterprises_router
from sibao.epidemic.api import router as employees_router
from sibao.health.api import router as health_router
from sibao.incidents.api import router as incidents_router
from sibao.logistics.api import router as logistics_router
from sibao.notifications.api import router as notifications_router
from sibao.operations.api import router as operations_router
from sibao.organisation.api import router as organisation_router
from sibao.parameters.api import router as parameters_router
from sibao.policies.api import router as policies_router
from sibao.readiness.api import router as readiness_router
from sibao.retention.api import router as retention_router
from sibao.sentinel.api import router as sentinel_router
from sibao.tickets.api import router as tickets_router
from sibao.venues.api import router as venues_router
from sibao.whitelist.api import router as whitelist_router

api = CachedSchemaNinjaAPI(
    title="Sibao API",
    version="1.0.0",
    description="四保白名单企业运行调度平台 API",
    auth=API_AUTH,
    docs_url=None,
    urls_namespace="api",
)

api.add_router("/enterprises", enterprises_router)
api.add_router("/whitelist", whitelist_router)
api.add_router("/requests", tickets_router)
api.add_router("/employees", employees_router)
api.add_router("/health", health_router)
api.add_router("/venues", venues_router)
api.add_router("/incidents", incidents_router)
api.add_router("/emergency", emergency_router)
api.add_router("/readiness", readiness_router)
api.add_router("/policies", policies_router)
api.add_router("/retention", retention_router)
api.add_router("/warnings", sentinel_router)
api.add_router("/imports", imports_router)
api.add_router("/operations", operations_router)
api.add_router("/logistics", logistics_router)
api.add_router("/organisation", organisation_router)
api.add_router("/notifications", notifications_router)
api.add_router("/audit", audit_router)
api.add_router("/parameters", parameters_router)
api.add_router("/screen", screen_router)
