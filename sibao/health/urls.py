from django.urls import path

from sibao.health import views

app_name = "health"

urlpatterns = [
    path("", views.index, name="index"),
    path("reports/new/", views.report_new, name="report_new"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/correct/", views.report_correct, name="report_correct"),
    path("codes/", views.codes, name="codes"),
    path("codes/<int:pk>/", views.code_employee, name="code_employee"),
    path("risk-areas/", views.risk_areas, name="risk_areas"),
    path("risk-areas/<int:pk>/end/", views.risk_area_end, name="risk_area_end"),
    path("arrivals/", views.arrivals, name="arrivals"),
    path("arrivals/new/", views.arrival_new, name="arrival_new"),
    path("arrivals/sighting/", views.sighting_new, name="sighting_new"),
    path("arrivals/<int:pk>/", views.arrival_detail, name="arrival"),
    path("arrivals/<int:pk>/arrived/", views.arrival_arrived, name="arrival_arrived"),
]
