"""The platform's URLs plus two that fail, for tests/test_error_pages.py."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from sibao.urls import handler400, handler403, handler404, handler500  # noqa: F401  (looked up on ROOT_URLCONF)
from sibao.urls import urlpatterns as platform


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom), path("api/boom", boom), *platform]
