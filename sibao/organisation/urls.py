from django.urls import path

from sibao.organisation import views

app_name = "organisation"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("units/<int:pk>/", views.unit_page, name="unit"),
    path("members/<int:pk>/remove/", views.member_remove, name="member_remove"),
]
