"""The maintained policy funnel (``core.summaries``, DB-4): per policy, enterprise region and sector, rebuilt
set-based every few minutes from the current matches, read by the command screen and the funnel pages."""

from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Q, Sum

from sibao.policies.models import STAGES, PolicyFunnel, PolicyMatch


def refresh(now: datetime) -> int:
    rows = (
        PolicyMatch.objects.current()
        .values("policy_id", "enterprise__region_id", "enterprise__region__path", "enterprise__sector")
        .annotate(
            **{name: Count("pk", filter=Q(state__in=states)) for name, states in STAGES.items()},
            estimated=Sum("estimated_amount"),
            paid=Sum("redeemed_amount"),
        )
        .order_by()
    )
    built = [
        PolicyFunnel(
            policy_id=row["policy_id"],
            region_id=row["enterprise__region_id"],
            region_path=row["enterprise__region__path"],
            sector=row["enterprise__sector"],
            estimated_amount=row["estimated"] or Decimal("0"),
            redeemed_amount=row["paid"] or Decimal("0"),
            **{name: row[name] for name in STAGES},
        )
        for row in rows.iterator(chunk_size=5000)
    ]
    PolicyFunnel.objects.all().delete()
    PolicyFunnel.objects.bulk_create(built, batch_size=2000)
    return len(built)
