from django.urls import path

from sibao.venues import views

app_name = "venues"

urlpatterns = [
    path("", views.index, name="index"),
    path("enterprise/<int:pk>/", views.enterprise_venues, name="enterprise"),
    path("enterprise/<int:pk>/add/", views.venue_add, name="add"),
    path("enterprise/<int:pk>/declaration/", views.declaration_save, name="declaration"),
    path("enterprise/<int:pk>/print/", views.print_codes, name="print"),
    path("venue/<int:pk>/edit/", views.venue_edit, name="edit"),
    path("venue/<int:pk>/active/", views.venue_active, name="active"),
    path("venue/<int:pk>/qr.svg", views.venue_svg, name="svg"),
    path("c/<str:token>/", views.code_landing, name="code"),
    path("scans/", views.scan_import, name="scan_import"),
    path("scans/<int:pk>/", views.scan_import_detail, name="scan_import_detail"),
    path("trace/", views.trace, name="trace"),
]
