from django.urls import path

from sibao.logistics.views import checks, fleet, passes, places

app_name = "logistics"

urlpatterns = [
    path("passes/", passes.pass_list, name="passes"),
    path("passes/new/", passes.pass_new, name="pass_new"),
    path("passes/<int:pk>/", passes.pass_detail, name="pass"),
    path("passes/<int:pk>/edit/", passes.pass_edit, name="pass_edit"),
    path("passes/<int:pk>/act/", passes.pass_act, name="pass_act"),
    path("passes/<int:pk>/print/", passes.pass_print, name="pass_print"),
    path("vehicles/", fleet.vehicle_list, name="vehicles"),
    path("vehicles/<int:pk>/status/", fleet.vehicle_status, name="vehicle_status"),
    path("drivers/", fleet.driver_list, name="drivers"),
    path("drivers/<int:pk>/", fleet.driver_detail, name="driver"),
    path("drivers/<int:pk>/health/", fleet.driver_health, name="driver_health"),
    path("drivers/<int:pk>/reveal/", fleet.driver_reveal, name="driver_reveal"),
    path("check/", checks.check_page, name="check"),
    path("checks/", checks.check_list, name="checks"),
    path("checkpoints/", places.checkpoint_list, name="checkpoints"),
    path("checkpoints/<int:pk>/", places.checkpoint_edit, name="checkpoint_edit"),
    path("stations/", places.station_list, name="stations"),
    path("stations/<int:pk>/", places.station_edit, name="station_edit"),
    path("receiving-points/", places.receiving_points, name="receiving_points"),
]
