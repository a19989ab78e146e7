"""Issue 11 #3: a screen view costs the same number of queries with 1 enterprise's rows below it as with 4 (the
shared ``tests/query_counts.py`` check), at every level, because it reads the maintained summary only."""

import itertools
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import Personas, client_for, township_of
from sibao.core.sectors import Sector
from sibao.core.summaries import refresh
from sibao.dashboard.figures import SUMMARY
from sibao.enterprises.tests.factories import EnterpriseFactory
from sibao.incidents.tests.factories import reported
from sibao.sentinel.models import WarningKind
from sibao.sentinel.tests.helpers import person, raised, whitelist
from sibao.tickets.tests.test_metrics import make_ticket, make_unit
from tests.query_counts import growing

pytestmark = pytest.mark.django_db
_serial = itertools.count(1)
# Issue 11 #3: ≤ 20 per view, with every app's panel on it (a township view, with its enterprise table, is the most).
MAX_QUERIES = 20


def grow(p: Personas) -> Any:
    """Per call, one more whitelisted enterprise of 通许县 咸平街道 with a request, a warning and an incident."""
    xianping = township_of("410222", "咸平街道")

    def add(count: int) -> None:
        for _ in range(count):
            n = next(_serial)
            enterprise = EnterpriseFactory(region=xianping, sector=Sector.INDUSTRY, name=f"通许县大屏测试{n}号有限公司")
            whitelist(enterprise, p.tongxu_hq)
            make_ticket(enterprise, p.admin, unit=make_unit(), due_at=timezone.now() - timedelta(hours=1))
            raised(enterprise, f"screen:{n}", kind=WarningKind.HEALTH_CODE)
            reported(p, person(enterprise, f"41022219880202{n:03d}", admin=p.admin))
        refresh(SUMMARY)

    return add


def targets(p: Personas) -> list[tuple[str, Client, str, dict[str, Any] | None]]:
    province, city, county = client_for(p.henan_hq), client_for(p.kaifeng_hq), client_for(p.tongxu_hq)
    xianping = township_of("410222", "咸平街道").code
    return [
        ("province", province, "/screen/", None),
        ("province, one sector", province, "/screen/", {"sector": "industry", "indicator": "whitelist.coverage"}),
        ("city", city, "/screen/", None),
        ("county", county, "/screen/", None),
        ("county wall", county, "/screen/wall/", None),
        ("township", county, f"/screen/r/{xianping}/", None),
        ("xlsx", county, "/screen/r/410222/figures.xlsx", None),
    ]


def test_no_screen_view_costs_more_queries_with_more_enterprises(personas: Personas) -> None:
    problems = growing(targets(personas), grow(personas))
    assert not problems, "\n".join(problems)


def test_every_screen_view_stays_within_a_fixed_number_of_queries(personas: Personas) -> None:
    from tests.query_counts import measure

    grow(personas)(2)
    for name, client, url, params in targets(personas):
        assert measure(client, url, params).queries <= MAX_QUERIES, name
