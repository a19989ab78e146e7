from django.urls import path

from sibao.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.screen, name="screen"),
    path("r/<str:code>/", views.screen, name="region"),
    path("r/<str:code>/figures.xlsx", views.figures_xlsx, name="xlsx"),
    path("wall/", views.wall, name="wall"),
    path("wall/<str:code>/", views.wall, name="wall_region"),
    path("enterprise/<int:pk>/", views.enterprise_card, name="enterprise"),
    path("map.json", views.map_data, name="map"),
]
