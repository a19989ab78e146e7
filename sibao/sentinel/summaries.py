"""Issue 10: open warnings per region, sector, kind and status (EP-6), maintained for the warning list's counts
and ``/api/warnings/counts``.

``refresh(now)`` groups the open warnings (``selectors.OPEN_STATUSES``) by their enterprise's region, sector, kind
and status in one query, the unattended ones counted by ``selectors.unattended_q(now)`` — the conditions the
list's filters apply, so a figure is the row count of the list it links to as of the pass — and adds each group
to its region and every region above it (``WarningTally``: a region's row is its whole subtree), so a page reads
its area's rows and its children's by key (a few hundred rows, whatever the number of warnings below). The
kernel's summary pass runs it every minute (``SentinelConfig.summaries``): a figure is at most that old plus one
pass (~1 s at province scale, 290,000 open warnings), and the page says when it was built ("数据更新于 …").
Enterprise users' counts are not read from here: their own warnings are few and counted live.
"""

from collections import defaultdict
from datetime import datetime

from django.db.models import Count

from sibao.regions.models import Region
from sibao.sentinel.models import SentinelWarning, WarningTally

NAME = "sentinel.counts"  # as declared on SentinelConfig.summaries


def refresh(now: datetime) -> int:
    """Rebuild every tally row as of ``now``; returns the rows written."""
    from sibao.sentinel.selectors import OPEN_STATUSES, unattended_q

    grouped = (
        SentinelWarning.objects.filter(status__in=OPEN_STATUSES)
        .order_by()
        .values_list("enterprise__region_id", "enterprise__sector", "kind", "status")
        .annotate(n=Count("pk"), late=Count("pk", filter=unattended_q(now)))
    )
    regions = list(Region.objects.values_list("pk", "code", "path"))
    by_code = {code: pk for pk, code, _path in regions}
    # A region's path lists its ancestors' codes and its own: the rows its warnings add to.
    chains = {pk: [by_code[code] for code in path.split("/") if code in by_code] for pk, _code, path in regions}
    totals: dict[tuple[int, str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for region_id, sector, kind, status, n, late in grouped:
        for ancestor in chains.get(region_id, [region_id]):
            counted = totals[(ancestor, sector, kind, status)]
            counted[0] += n
            counted[1] += late
    WarningTally.objects.all().delete()
    WarningTally.objects.bulk_create(
        (
            WarningTally(region_id=region_id, sector=sector, kind=kind, status=status, count=n, unattended=late)
            for (region_id, sector, kind, status), (n, late) in totals.items()
        ),
        batch_size=2000,
    )
    return len(totals)
