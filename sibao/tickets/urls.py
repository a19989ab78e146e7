from django.urls import path

from sibao.tickets.views import pages, reports, routing

app_name = "tickets"

urlpatterns = [
    path("", pages.ticket_list, name="list"),
    path("new/", pages.ticket_new, name="new"),
    path("<int:pk>/", pages.ticket_detail, name="detail"),
    path("<int:pk>/act/", pages.ticket_action, name="act"),
    path("<int:pk>/attachments/<int:attachment_id>/", pages.attachment_download, name="attachment"),
    path("triage/", pages.triage, name="triage"),
    path("common/", pages.common_issues, name="common_issues"),
    path("common/<int:pk>/", pages.common_issue_detail, name="common_issue"),
    path("routing/", routing.routing_rules, name="routing_rules"),
    path("routing/<int:pk>/", routing.routing_rule_edit, name="routing_rule_edit"),
    path("routing/<int:pk>/active/", routing.routing_rule_active, name="routing_rule_active"),
    path("metrics/", reports.metrics_page, name="metrics"),
    path("weekly/", reports.weekly_reports, name="weekly_reports"),
    path("weekly/<str:region_code>/<str:week_end>/", reports.weekly_report, name="weekly_report"),
    path("weekly/<str:region_code>/<str:week_end>.xlsx", reports.weekly_report_xlsx, name="weekly_report_xlsx"),
]
