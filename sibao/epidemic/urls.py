from django.urls import path

from sibao.epidemic import views

app_name = "epidemic"

urlpatterns = [
    path("", views.employee_list, name="list"),
    path("new/", views.employee_create, name="create"),
    path("import/", views.employee_import, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("export.xlsx", views.province_export, name="export"),
    path("<int:pk>/", views.employee_detail, name="detail"),
    path("<int:pk>/reveal/", views.employee_reveal, name="reveal"),
]
