"""Issue 15 #2 for checkpoint checks: a check (where one driver was, when) goes when its retention is over; the
per-checkpoint tallies the screen and the checks page read hold no person and keep the day's figures."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sibao.logistics.models import CheckTally, PassCheck
from sibao.logistics.summaries import refresh_checks
from sibao.logistics.tests.factories import World
from sibao.retention.services import purge_expired

pytestmark = pytest.mark.django_db


def test_expired_checks_are_purged_and_their_tallies_stay(world: World) -> None:
    vehicle_pass = world.approved()
    world.check(vehicle_pass)
    world.check(vehicle_pass)
    now = timezone.now()
    old, recent = PassCheck.objects.order_by("pk")
    PassCheck.objects.filter(pk=old.pk).update(
        checked_at=now - timedelta(days=29), day=(now - timedelta(days=29)).date()
    )
    PassCheck.objects.filter(pk=recent.pk).update(
        checked_at=now - timedelta(days=2), day=(now - timedelta(days=2)).date()
    )
    refresh_checks(now)
    tallies = list(CheckTally.objects.order_by("day").values_list("day", "checks", "green"))

    purge = purge_expired(now=now)  # 28 days by default

    assert purge is not None and purge.counts.get("logistics.pass_check") == 1
    assert list(PassCheck.objects.values_list("pk", flat=True)) == [recent.pk]
    assert list(CheckTally.objects.order_by("day").values_list("day", "checks", "green")) == tallies
    refresh_checks(now)  # a later refresh adds nothing back and takes nothing away
    assert list(CheckTally.objects.order_by("day").values_list("day", "checks", "green")) == tallies
