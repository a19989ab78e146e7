from django.urls import path

from sibao.policies import views_public

app_name = "public_policies"

urlpatterns = [
    path("", views_public.public_policy_list, name="list"),
    path("<int:pk>/", views_public.public_policy_detail, name="detail"),
]
