"""Parameters are read once per request (issue 9 #4): a list page that shows a deadline badge per row reads
``tickets.due_soon_hours`` once, not once per row."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from sibao.parameters.selectors import parameters_cached


class ParameterCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with parameters_cached():
            return self.get_response(request)
