"""Issue 10: open warnings per region, sector, kind and status (EP-6), maintained for the warning list's counts
and ``/api/warnings/counts``.

``refresh(now)`` groups the open warnings (``selectors.OPEN_STATUSES``) by their enterprise's region, sector, kind
and status, the unattended ones counted by ``selectors.unattended_q(now)`` — the conditions the list's filters
apply, so a figure is the row count of the list it links to as of the pass — and adds each group to its region
and every region above it (``WarningTally``: a region's row is its whole subtree), in one statement, so a page
reads its area's rows and its children's by key (a few hundred rows, whatever the number of warnings below).
The kernel's summary pass runs it every minute (``SentinelConfig.summaries``): a figure is at most that old plus
one pass (1–3 s at province scale on the loaded bench machine, 290,000 open warnings), and the page says when it
was built ("数据更新于 …"). Enterprise users' counts are not read from here: their own few are counted live.
"""

from datetime import datetime

from django.db import connection
from django.db.models import Count, F

from sibao.regions.models import Region
from sibao.sentinel.models import SentinelWarning, WarningTally

NAME = "sentinel.counts"  # as declared on SentinelConfig.summaries


def refresh(now: datetime) -> int:
    """Rebuild every tally row as of ``now`` (two statements, set-based); returns the rows written."""
    from sibao.sentinel.selectors import OPEN_STATUSES, unattended_q

    grouped = (
        SentinelWarning.objects.filter(status__in=OPEN_STATUSES)
        .order_by()
        .values(
            leaf=F("enterprise__region_id"), sector_of=F("enterprise__sector"), kind_of=F("kind"), status_of=F("status")
        )
        .annotate(n=Count("pk"), late=Count("pk", filter=unattended_q(now)))
    )
    sql, params = grouped.query.sql_with_params()
    table, regions = WarningTally._meta.db_table, Region._meta.db_table
    # Each group adds to its region and every region above it: ``chain`` pairs each region with itself and each
    # of its ancestors (up the parent links; a few rows per region), so the roll-up is hash joins.
    statement = f"""
        WITH RECURSIVE chain (region_id, above_id) AS (
            SELECT id, id FROM {regions}
            UNION ALL
            SELECT chain.region_id, up.parent_id FROM chain JOIN {regions} AS up ON up.id = chain.above_id
            WHERE up.parent_id IS NOT NULL
        )
        INSERT INTO {table} (region_id, sector, kind, status, count, unattended)
        SELECT chain.above_id, grouped.sector_of, grouped.kind_of, grouped.status_of, SUM(grouped.n), SUM(grouped.late)
        FROM ({sql}) AS grouped
        JOIN chain ON chain.region_id = grouped.leaf
        GROUP BY chain.above_id, grouped.sector_of, grouped.kind_of, grouped.status_of
    """
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(statement, params)
        return max(cursor.rowcount, 0)
