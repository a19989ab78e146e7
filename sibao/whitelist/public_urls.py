"""DB-5 / WL-2 / WL-5 / WL-8: what the public sees without logging in."""

from django.urls import path

from sibao.whitelist.views import public

app_name = "public"

urlpatterns = [
    path("whitelist/", public.whitelist, name="whitelist"),
    path("whitelist.xlsx", public.whitelist_xlsx, name="whitelist_xlsx"),
    path("criteria/", public.criteria, name="criteria"),
]
