from django.urls import path

from sibao.enterprises import views

app_name = "enterprises"

urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("new/", views.enterprise_create, name="create"),
    path("export.xlsx", views.enterprise_export, name="export"),
    path("export.csv", views.enterprise_export_csv, name="export_csv"),
    path("import/", views.enterprise_import, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/relations/", views.enterprise_relation_add, name="relation_add"),
    path("<int:pk>/records/", views.enterprise_record_add, name="record_add"),
    path("<int:pk>/records/<int:record_id>/edit/", views.enterprise_record_edit, name="record_edit"),
    path("<int:pk>/records/<int:record_id>/remove/", views.enterprise_record_remove, name="record_remove"),
    path(
        "<int:pk>/relations/<str:kind>/<int:relation_id>/remove/",
        views.enterprise_relation_remove,
        name="relation_remove",
    ),
]
