"""Reads of the region tree shared by the apps' endpoints."""

from typing import Any

from django.http import Http404

from sibao.core.permissions import region_in_scope
from sibao.core.roles import Role
from sibao.regions.models import Region


def region_for_reader(user: Any, code: str) -> Region:
    """The region ``code`` names, or without a code the reader's own (the province for an administrator, who has
    none); a region outside the reader's subtree, or no such region, is 404 — never "not yours"."""
    if not code:
        if user.region_id:
            return user.region  # type: ignore[no-any-return]
        is_admin = user.is_superuser or user.role == Role.ADMINISTRATOR
        root = Region.objects.filter(parent__isnull=True).order_by("code").first() if is_admin else None
        if root is None:
            raise Http404
        return root
    region = Region.objects.filter(code=code).first()
    if region is None or not region_in_scope(user, region):
        raise Http404
    return region
