from django.urls import path

from sibao.whitelist.views import applications, criteria, oversight

app_name = "whitelist"

urlpatterns = [
    # WL-3/WL-4: applications and their review
    path("", applications.application_list, name="applications"),
    path("apply/", applications.apply, name="apply"),
    path("applications/<int:pk>/", applications.application_detail, name="application"),
    path("applications/<int:pk>/act/", applications.application_action, name="application_act"),
    path(
        "applications/<int:pk>/attachments/<int:attachment_id>/",
        applications.attachment_download,
        name="attachment",
    ),
    # WL-5: batches
    path("batches/", applications.batches, name="batches"),
    # WL-6, WL-8, OR-5
    path("coverage/", oversight.coverage_page, name="coverage"),
    path("listings/", oversight.listings, name="listings"),
    path("listings/<int:pk>/", oversight.listing_detail, name="listing"),
    path("removals/", oversight.removals, name="removals"),
    path("removals/<int:pk>/act/", oversight.removal_action, name="removal_act"),
    path("liaison/", oversight.liaison_gaps_page, name="liaison_gaps"),
    path("liaison/<int:enterprise_id>/", oversight.liaison_edit, name="liaison_edit"),
    # WL-2: criteria
    path("criteria/", criteria.criteria_list, name="criteria"),
    path("criteria/new/", criteria.criteria_edit, name="criteria_new"),
    path("criteria/<int:pk>/", criteria.criteria_edit, name="criteria_edit"),
    path("criteria/<int:pk>/publish/", criteria.criteria_publish_view, name="criteria_publish"),
]
