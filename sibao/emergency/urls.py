from django.urls import path

from sibao.emergency.views import approvals, duty, state

app_name = "emergency"

urlpatterns = [
    path("", state.index, name="index"),
    path("regions/<str:code>/", state.region_page, name="region"),
    path("regions/<str:code>/switch/", state.switch, name="switch"),
    path("<int:pk>/switch-back/", state.switch_back, name="switch_back"),
    path("<int:pk>/confirmations/", state.confirmations, name="confirmations"),
    path("confirmations/missing/", state.missing_confirmations, name="missing_confirmations"),
    path("<int:pk>/areas/", state.area_new, name="area_new"),
    path("areas/<int:pk>/lift/", state.area_lift, name="area_lift"),
    path("notice/", state.notice, name="notice"),
    path("<int:pk>/confirm/", state.confirm, name="confirm"),
    path("shutdowns/", approvals.shutdown_list, name="shutdowns"),
    path("shutdowns/new/", approvals.shutdown_new, name="shutdown_new"),
    path("shutdowns/<int:pk>/", approvals.shutdown_detail, name="shutdown"),
    path("shutdowns/<int:pk>/act/", approvals.shutdown_act, name="shutdown_act"),
    path("halts/", approvals.unapproved_halts, name="unapproved_halts"),
    path("inspections/", approvals.inspection_list, name="inspections"),
    path("inspections/new/", approvals.inspection_new, name="inspection_new"),
    path("inspections/<int:pk>/", approvals.inspection_detail, name="inspection"),
    path("inspections/<int:pk>/act/", approvals.inspection_act, name="inspection_act"),
    path("my-inspections/", approvals.my_inspections, name="my_inspections"),
    path("my-inspections/report/", approvals.report_unapproved, name="report_unapproved"),
    path("duty/<int:enterprise_id>/", duty.duty_record_page, name="duty_record"),
    path("duty/<int:enterprise_id>.xlsx", duty.duty_record_xlsx, name="duty_record_xlsx"),
]
