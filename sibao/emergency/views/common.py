"""Helpers the EM pages share."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.roles import Role, has_capability
from sibao.enterprises.models import Enterprise


def own_enterprise(request: AuthenticatedRequest) -> Enterprise:
    """The enterprise of an enterprise user (its own pages); 403 for anyone else."""
    user = request.user
    if getattr(user, "role", None) != Role.ENTERPRISE or getattr(user, "enterprise_id", None) is None:
        raise PermissionDenied
    enterprise: Enterprise = Enterprise.objects.select_related("region").get(pk=user.enterprise_id)  # type: ignore[union-attr]
    return enterprise


def any_capability_required(*capabilities: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """403 unless the role has one of them (a page both officials and the enterprise itself read; the rows are
    scoped by the selectors, 404 out of scope)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not any(has_capability(request.user, capability) for capability in capabilities):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
