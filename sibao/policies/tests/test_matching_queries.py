"""PO-2 (issue 14's ``policy_match_one_ms``): one enterprise's matches are recomputed with the same number of
queries whatever the number of published policies — its data is read once and every policy is evaluated in
memory; the difference is written in bulk."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import Personas
from sibao.policies.models import PolicyMatch
from sibao.policies.services import facts_save
from sibao.policies.shipped import unemployment_refund
from sibao.policies.tests.factories import published

pytestmark = pytest.mark.django_db


def test_one_enterprises_recompute_does_not_grow_with_the_policies(personas: Personas) -> None:
    p = personas
    facts_save(actor=p.admin, enterprise=p.ent_a, data={"ui_insured": True, "ui_contributions": "1000"})
    mine = PolicyMatch.objects.filter(enterprise=p.ent_a)

    def more_policies(n: int) -> None:
        for index in range(n):
            published(p.henan_hq, {**unemployment_refund(), "title": f"稳岗返还（{mine.all().count() + index}）"})

    def changes() -> list[int]:
        """Queries of three saves: every amount changes, every match is lost, every match comes back."""
        counts = []
        contributions = str(1000 + 10 * mine.all().count())
        for data, eligible, amount in (
            ({"ui_contributions": contributions}, True, Decimal(contributions) / 2),
            ({"layoff_rate": "7"}, False, Decimal(contributions) / 2),
            ({"layoff_rate": "1"}, True, Decimal(contributions) / 2),
        ):
            with CaptureQueriesContext(connection) as captured:
                facts_save(actor=p.admin, enterprise=p.ent_a, data=data)
            counts.append(len(captured))
            assert {(row.eligible, row.estimated_amount) for row in mine.all()} == {(eligible, amount)}
        return counts

    more_policies(1)
    changes()  # warm: the policies compiled, content types read
    few = changes()
    more_policies(4)
    assert mine.all().count() == 5
    changes()
    assert changes() == few
