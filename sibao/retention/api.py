"""Issue 15 #2 endpoints: the "emergency over" purge of the HQ office's region — preview (counts per kind), then
the purge with the preview's moment and a confirmation. The same services as the pages."""

from typing import Any

from django.utils import timezone
from ninja import Router, Status

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.api_errors import require, responses
from sibao.core.roles import Capability
from sibao.retention import services
from sibao.retention.models import Purge
from sibao.retention.schemas import EmergencyPurgeIn, PurgeOut, PurgePreviewOut

router = Router(tags=["retention"])


def _purge(purge: Purge) -> dict[str, Any]:
    return {
        "id": purge.pk,
        "reason": purge.reason,
        "region": purge.region.code if purge.region else None,
        "before": purge.before,
        "counts": purge.counts,
        "total": purge.total,
        "started_at": purge.started_at,
        "finished_at": purge.finished_at,
    }


@router.get(
    "/preview",
    response=responses({200: PurgePreviewOut}),
    summary="What an emergency-over purge of your region would delete (HQ office)",
)
def get_preview(request: AuthenticatedRequest) -> Any:
    require(request, Capability.PERSONAL_DATA_PURGE)
    before = timezone.now()
    rows = services.emergency_purge_preview(actor=request.user, before=before)
    region = request.user.region
    return {
        "before": before,
        "region": region.code if region else "",
        "rows": [{"kind": row["kind"], "label": str(row["label"]), "count": row["count"]} for row in rows],
        "total": sum(row["count"] for row in rows),
    }


@router.post(
    "/purges",
    response=responses({201: PurgeOut}),
    summary="Emergency over: delete the personal epidemic data of your region recorded before the preview",
)
def post_purge(request: AuthenticatedRequest, payload: EmergencyPurgeIn) -> Any:
    require(request, Capability.PERSONAL_DATA_PURGE)
    purge = services.emergency_purge(actor=request.user, before=payload.before, confirmed=payload.confirm)
    return Status(201, _purge(purge))
