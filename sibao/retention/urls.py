from django.urls import path

from sibao.retention import views

app_name = "retention"

urlpatterns = [
    path("", views.retention_page, name="index"),
    path("purge/", views.emergency_purge, name="purge"),
]
