"""Issue 10: open warnings per region, sector, kind and status (EP-6), maintained for the warning list's counts
and ``/api/warnings/counts``.

``refresh(now)`` rebuilds ``WarningTally`` in one ``INSERT … SELECT`` grouped from the open warnings
(``selectors.OPEN_STATUSES``) with the unattended ones counted by ``selectors.unattended_q(now)`` — the same
conditions the list's filters apply, so a figure is the row count of the list it links to as of the pass. The
kernel's summary pass runs it every minute (``SentinelConfig.summaries``): a figure is at most that
old plus one pass (~0.5 s at province scale, 290,000 open warnings), and the page says when it was built
("数据更新于 …"). Enterprise users' counts are not read from here: their own warnings are few and counted live.
"""

from datetime import datetime

from django.db.models import Count

from sibao.core.summaries import replace_from
from sibao.sentinel.models import SentinelWarning, WarningTally

NAME = "sentinel.counts"  # as declared on SentinelConfig.summaries


def refresh(now: datetime) -> int:
    """Rebuild every tally row as of ``now``; returns the rows written."""
    from sibao.sentinel.selectors import OPEN_STATUSES, unattended_q

    open_warnings = (
        SentinelWarning.objects.filter(status__in=OPEN_STATUSES)
        .order_by()
        .values("enterprise__region_id", "enterprise__sector", "kind", "status")
    )
    columns = {
        "region_id": "enterprise__region_id",
        "sector": "enterprise__sector",
        "kind": "kind",
        "status": "status",
        "count": Count("pk"),
        "unattended": Count("pk", filter=unattended_q(now)),
    }
    return replace_from(WarningTally, open_warnings, columns)
