"""Issue 10: overdue people per enterprise (EP-2), maintained for the overdue page's per-enterprise table.

``refresh(now)`` rebuilds ``OverdueTally`` in one ``INSERT … SELECT`` grouped from ``overdue.overdue_employees``
— the one EP-2 rule the list, its API and the warning sweep read — so a tally is the row count of the enterprise's
list as of the pass. The kernel's summary pass runs it every five minutes (``EpidemicConfig.summaries``): a
figure is at most that old plus one pass (~2 s at province scale, 1,000,000 employees), and the page says when
it was built ("数据更新于 …"). People also become overdue by the clock alone, so only a pass can move the figures.
"""

from datetime import datetime

from django.db.models import Count

from sibao.core.summaries import replace_from
from sibao.epidemic.models import OverdueTally
from sibao.epidemic.overdue import overdue_employees

NAME = "epidemic.overdue"  # as declared on EpidemicConfig.summaries


def refresh(now: datetime) -> int:
    """Rebuild every enterprise's tally as of ``now``; returns the rows written."""
    overdue = overdue_employees(now).order_by().values("enterprise_id")
    return replace_from(OverdueTally, overdue, {"enterprise_id": "enterprise_id", "overdue": Count("pk")})
