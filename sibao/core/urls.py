from django.urls import path

from sibao.core import import_views, views

app_name = "core"

urlpatterns = [
    path("audit/", views.audit_log, name="audit_log"),
    # Issue 8 #8: registry imports run as jobs; their progress, confirmation and cancellation.
    path("imports/<int:pk>/", import_views.import_job, name="import_job"),
    path("imports/<int:pk>/confirm/", import_views.import_job_confirm_view, name="import_job_confirm"),
    path("imports/<int:pk>/cancel/", import_views.import_job_cancel_view, name="import_job_cancel"),
]
