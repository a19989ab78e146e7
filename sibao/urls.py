from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from sibao.api import api
from sibao.home import views as home_views

urlpatterns = [
    path("", home_views.home, name="home"),
    path("accounts/", include("sibao.accounts.urls")),
    path("enterprises/", include("sibao.enterprises.urls")),
    path("organisation/", include("sibao.organisation.urls")),
    path("core/", include("sibao.core.urls")),
    path("inbox/", include("sibao.notifications.urls")),
    path("whitelist/", include("sibao.whitelist.urls")),
    path("requests/", include("sibao.tickets.urls")),
    path("employees/", include("sibao.epidemic.urls")),
    path("health/", include("sibao.health.urls")),
    path("venues/", include("sibao.venues.urls")),
    path("incidents/", include("sibao.incidents.urls")),
    path("readiness/", include("sibao.readiness.urls")),
    path("warnings/", include("sibao.sentinel.urls")),
    path("public/", include("sibao.whitelist.public_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
