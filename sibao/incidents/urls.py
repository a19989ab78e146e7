from django.urls import path

from sibao.incidents import views

app_name = "incidents"

urlpatterns = [
    path("", views.incident_list, name="index"),
    path("new/", views.incident_new, name="new"),
    path("<int:pk>/", views.incident_detail, name="detail"),
    path("<int:pk>/act/", views.incident_act, name="act"),
    path("<int:pk>/contacts/propose/", views.contacts_propose, name="contacts_propose"),
    path("<int:pk>/contacts/add/", views.contact_add, name="contact_add"),
    path("<int:pk>/contacts/isolate/", views.contacts_isolate, name="contacts_isolate"),
    path("<int:pk>/contacts/<int:contact_pk>/remove/", views.contact_remove, name="contact_remove"),
    path("<int:pk>/contacts/<int:contact_pk>/release/", views.contact_release, name="contact_release"),
    path("<int:pk>/shutdowns/", views.shutdown_new, name="shutdown_new"),
]
