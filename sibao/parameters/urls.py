from django.urls import path

from sibao.parameters import views

app_name = "parameters"

urlpatterns = [
    path("", views.parameter_list, name="list"),
    path("<str:key>/", views.parameter_edit, name="edit"),
]
