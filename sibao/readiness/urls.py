from django.urls import path

from sibao.readiness import views

app_name = "readiness"

urlpatterns = [
    path("", views.index, name="index"),
    path("supplies/", views.supplies, name="supplies"),
    path("enterprise/<int:pk>/", views.enterprise, name="enterprise"),
    path("enterprise/<int:pk>/stock/", views.stock_update, name="stock"),
    path("enterprise/<int:pk>/readiness/", views.readiness_update, name="readiness"),
    path("enterprise/<int:pk>/plan/", views.plan_upload, name="plan"),
    path("enterprise/<int:pk>/plan/download/", views.plan_download, name="plan_download"),
    path("enterprise/<int:pk>/drills/", views.drill_create, name="drill"),
]
