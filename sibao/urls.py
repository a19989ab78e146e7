from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path

from sibao.api import api
from sibao.home import views as home_views


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says (issue 11 #5)."""
    return redirect(static("sibao/favicon.ico"), permanent=False)


urlpatterns = [
    # First: other systems call the API all day (checkpoints, issue 13), and each include Django tries before
    # the one that matches costs a raised exception; the prefixes are distinct, so the order changes no match.
    path("api/", api.urls),
    path("", home_views.home, name="home"),
    path("workbench/", home_views.workbench, name="workbench"),
    path("favicon.ico", favicon),
    path("accounts/", include("sibao.accounts.urls")),
    path("enterprises/", include("sibao.enterprises.urls")),
    path("organisation/", include("sibao.organisation.urls")),
    path("parameters/", include("sibao.parameters.urls")),
    path("core/", include("sibao.core.urls")),
    path("inbox/", include("sibao.notifications.urls")),
    path("whitelist/", include("sibao.whitelist.urls")),
    path("requests/", include("sibao.tickets.urls")),
    path("employees/", include("sibao.epidemic.urls")),
    path("health/", include("sibao.health.urls")),
    path("venues/", include("sibao.venues.urls")),
    path("incidents/", include("sibao.incidents.urls")),
    path("emergency/", include("sibao.emergency.urls")),
    path("readiness/", include("sibao.readiness.urls")),
    path("operations/", include("sibao.operations.urls")),
    path("warnings/", include("sibao.sentinel.urls")),
    path("screen/", include("sibao.dashboard.urls")),
    path("retention/", include("sibao.retention.urls")),
    path("logistics/", include("sibao.logistics.urls")),
    path("public/", include("sibao.whitelist.public_urls")),
    path("public/policies/", include("sibao.policies.public_urls")),
    path("policies/", include("sibao.policies.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
# Uploaded files are never served from MEDIA_URL, not even with DEBUG on: each app's download view checks
# the login and the data scope (issue 8 #9).

# Error answers in the layout and in Chinese, JSON under /api/ (sibao/error_pages.py).
handler400 = "sibao.error_pages.bad_request"
handler403 = "sibao.error_pages.permission_denied"
handler404 = "sibao.error_pages.page_not_found"
handler500 = "sibao.error_pages.server_error"
