"""PO-2 (issue 14's ``policy_match_one_ms``): one enterprise's matches are recomputed with the same number of
queries whatever the number of published policies — its data is read once and every policy is evaluated in
memory; the difference is written in bulk."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from conftest import Personas
from sibao.enterprises.tests.factories import EnterpriseFactory
from sibao.notifications.models import Notification
from sibao.policies.models import PolicyMatch
from sibao.policies.services import facts_save, matches_push
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


def test_pushing_a_policy_to_many_enterprises_costs_the_same_queries_and_tells_each_its_amount(
    personas: Personas,
) -> None:
    """PO-3: a province-wide policy tells tens of thousands of firms; the push is set-based (its messages
    written in batches, handed to the channels in one task), not two statements a firm."""
    p = personas
    policy = published(p.henan_hq, unemployment_refund())
    firms = iter(EnterpriseFactory.create_batch(6, region=p.ent_a.region))

    def push(n: int) -> int:
        ids = [
            PolicyMatch.objects.create(
                policy=policy,
                enterprise=next(firms),
                estimated_amount=Decimal(100 * k + 50),
                matched_at=timezone.now(),
            ).pk
            for k in range(n)
        ]
        with CaptureQueriesContext(connection) as captured:
            assert matches_push(ids) == n
        inbox = Notification.objects.filter(topic="policies.matched", enterprise__policy_matches__pk__in=ids)
        with translation.override("zh-hans"):
            bodies = sorted(message.shown_body for message in inbox)
        assert bodies == sorted(f"预计金额：{100 * k + 50}.00 元。" for k in range(n))
        return len(captured)

    assert push(1) == push(5)
