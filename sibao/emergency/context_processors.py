"""EM-1: the state is shown on every page of a region in emergency (issue 12 #1). One query per page lists the
open emergencies (a handful of rows); only when one covers the reader does the banner read more."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from sibao.core.roles import Role
from sibao.emergency.models import Emergency, EmergencyHold
from sibao.enterprises.models import Enterprise


def emergency_banner(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    open_ones = list(Emergency.objects.open().values_list("pk", "region__path", "effective_at"))
    if not open_ones:
        return {}
    if user.role == Role.ENTERPRISE:
        path = Enterprise.objects.filter(pk=user.enterprise_id).values_list("region__path", flat=True).first() or ""
    else:
        path = user.region.path if user.region_id else ""
    now = timezone.now()
    covering = sorted(
        (row for row in open_ones if path and path.startswith(row[1])), key=lambda row: len(row[1]), reverse=True
    )
    below = [row for row in open_ones if path and row[1].startswith(path) and row[1] != path]
    if not covering and not below:
        return {}
    banner: dict[str, Any] = {"below": len(below), "region_code": user.region.code if user.region_id else ""}
    if covering:
        in_force = [row for row in covering if row[2] <= now]
        chosen = in_force[0] if in_force else covering[0]
        emergency = Emergency.objects.select_related("region").get(pk=chosen[0])
        banner.update(emergency=emergency, in_force=chosen[2] <= now)
        if user.role == Role.ENTERPRISE:
            banner["hold"] = (
                EmergencyHold.objects.filter(enterprise_id=user.enterprise_id, released_at__isnull=True)
                .select_related("emergency")
                .first()
            )
    return {"emergency_banner": banner}
