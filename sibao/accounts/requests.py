"""The request of a logged-in user, typed: pages behind ``login_required`` / ``capability_required`` and API
endpoints behind the API's authentication only ever see a ``User`` (issue 9 #10: services take a typed actor)."""

from django.http import HttpRequest

from sibao.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    user: User  # type: ignore[assignment]  # narrowed from User | AnonymousUser by the login check
