from django.urls import path

from sibao.operations import views

app_name = "operations"

urlpatterns = [
    path("", views.index, name="index"),
    path("missing/", views.missing, name="missing"),
    path("warnings/", views.warnings, name="warnings"),
    path("warnings/<int:pk>/close/", views.warning_close, name="warning_close"),
    path("new/", views.report_new, name="new"),
    path("<int:pk>/", views.report_detail, name="report"),
    path("<int:pk>/correct/", views.report_correct, name="correct"),
    path("import/", views.report_import, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
]
