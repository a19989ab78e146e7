from django.urls import path

from sibao.policies import views

app_name = "policies"

urlpatterns = [
    path("", views.policy_list, name="list"),
    path("new/", views.policy_edit, name="new"),
    path("reserve/", views.reserve, name="reserve"),
    path("funnel/", views.funnel, name="funnel"),
    path("matches/", views.match_list, name="matches"),
    path("matches/<int:pk>/", views.match_detail, name="match"),
    path("matches/<int:pk>/<str:action>/", views.match_act, name="match_act"),
    path("mine/", views.my_policies, name="mine"),
    path("mine/figures/", views.my_figures, name="my_figures"),
    path("figures/import/", views.facts_import, name="facts_import"),
    path("figures/import/template.xlsx", views.facts_template, name="facts_template"),
    path("import/", views.policy_import, name="policy_import"),
    path("import/template.xlsx", views.policy_template, name="policy_template"),
    path("runs/<int:pk>/", views.run_progress, name="run"),
    path("<int:pk>/", views.policy_detail, name="detail"),
    path("<int:pk>/edit/", views.policy_edit, name="edit"),
    path("<int:pk>/publish/", views.policy_publish, name="publish"),
    path("<int:pk>/expire/", views.policy_expire, name="expire"),
    path("<int:pk>/needs/", views.policy_need_add, name="need_add"),
    path("needs/<int:pk>/remove/", views.policy_need_remove, name="need_remove"),
]
