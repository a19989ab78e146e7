from django.urls import path

from sibao.sentinel import views

app_name = "sentinel"

urlpatterns = [
    path("", views.warning_list, name="index"),
    path("pharmacy/", views.pharmacy_import, name="pharmacy_import"),
    path("pharmacy/template.xlsx", views.pharmacy_template, name="pharmacy_template"),
    path("<int:pk>/", views.warning_detail, name="detail"),
    path("<int:pk>/act/", views.warning_action, name="act"),
]
