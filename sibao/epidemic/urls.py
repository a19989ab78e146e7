from django.urls import path

from sibao.epidemic import results_views, views

app_name = "epidemic"

urlpatterns = [
    path("", views.employee_list, name="list"),
    path("new/", views.employee_create, name="create"),
    path("import/", views.employee_import, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("export.xlsx", views.province_export, name="export"),
    path("<int:pk>/", views.employee_detail, name="detail"),
    path("<int:pk>/reveal/", views.employee_reveal, name="reveal"),
    path("<int:pk>/zone/", results_views.employee_move_zone, name="move_zone"),
    path("results/", results_views.results, name="results"),
    path("results/<int:pk>/", results_views.result_import, name="result_import"),
    path("overdue/", results_views.overdue_list, name="overdue"),
]
