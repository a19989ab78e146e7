"""Issue 15 #1–2 on PostgreSQL: test results, venue scans and checkpoint checks are partitioned by local day;
the scheduler makes the coming days' partitions ahead and a row lands in its day's; the daily purge drops a
day expired in every region whole (its tallies kept) and deletes row by row where one region keeps longer."""

from datetime import datetime, time, timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import Personas, region
from sibao.core.partitions import DAYS_AHEAD, counts_rows_per_day, day_partitions, ensure_day_partitions
from sibao.core.personal_data import registered_personal_tables
from sibao.epidemic import models as epidemic
from sibao.logistics.models import Checkpoint, CheckpointKind, PassCheck
from sibao.parameters.registry import RETENTION_VENUE_SCANS_DAYS
from sibao.parameters.services import parameter_set
from sibao.retention import services
from sibao.retention.models import PurgedTally
from sibao.retention.tasks import make_partitions_ahead
from sibao.retention.tests.world import NEW_DAYS, OLD_DAYS, build, counts
from sibao.venues.models import Scan
from sibao.venues.tests.factories import VenueFactory

pytestmark = [pytest.mark.django_db, pytest.mark.skipif("connection.vendor != 'postgresql'")]

PARTITIONED = {
    "epidemic.test_result": "epidemic_testresult",
    "venues.scan": "venues_scan",
    "logistics.pass_check": "logistics_passcheck",
}
COUNTED = {"epidemic_testresult", "venues_scan"}


def test_the_partitioned_tables_are_the_registered_ones() -> None:
    declared = {
        t.kind: apps.get_model(t.model)._meta.db_table for t in registered_personal_tables() if t.partitioned_by
    }
    assert declared == PARTITIONED
    # The two written in bulk keep their rows per day, so that a day is dropped without being read; checkpoint
    # checks, written one per request on the check's hot path, are counted when their day is dropped.
    assert {table for table in PARTITIONED.values() if counts_rows_per_day(table)} == COUNTED


def located(table: str, **where: object) -> str:
    column, value = next(iter(where.items()))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass FROM {table} WHERE {column} = %s", [value])
        return str(cursor.fetchone()[0])


def test_partitions_are_made_ahead_and_each_row_lands_in_its_local_day(personas: Personas) -> None:
    later = timezone.now() + timedelta(days=3)
    made = make_partitions_ahead(later)
    assert made is not None and "venues_scan:" in made
    last = timezone.localdate(later) + timedelta(days=DAYS_AHEAD)
    for table in PARTITIONED.values():
        assert last in day_partitions(table)
    assert make_partitions_ahead(later) is None  # nothing missing: nothing made

    tomorrow = timezone.localdate() + timedelta(days=1)
    zone = timezone.get_default_timezone()
    just_after = datetime.combine(tomorrow, time(0, 0), tzinfo=zone)
    venue = VenueFactory(enterprise=personas.ent_a)
    Scan.objects.create(venue=venue, id_digest="a" * 64, scanned_at=just_after)
    Scan.objects.create(venue=venue, id_digest="b" * 64, scanned_at=just_after - timedelta(seconds=1))
    assert located("venues_scan", id_digest="a" * 64) == f"venues_scan_p{tomorrow:%Y%m%d}"
    assert located("venues_scan", id_digest="b" * 64) == f"venues_scan_p{tomorrow - timedelta(days=1):%Y%m%d}"
    checkpoint = Checkpoint.objects.create(region=region("410222"), name="检查点", kind=CheckpointKind.HIGHWAY_EXIT)
    check = PassCheck.objects.create(checkpoint=checkpoint, day=tomorrow, checked_at=just_after, failures=0)
    assert located("logistics_passcheck", id=check.pk) == f"logistics_passcheck_p{tomorrow:%Y%m%d}"
    # A day without a partition yet is kept in the default one, and moves into its day when that is made.
    far = timezone.localdate() + timedelta(days=40)
    epidemic.TestResult.objects.create(
        id_digest="c" * 64,
        sampled_at=datetime.combine(far, time(9), tzinfo=zone),
        result=epidemic.TestOutcome.NEGATIVE,
        institution="检测机构",
    )
    assert located("epidemic_testresult", id_digest="c" * 64) == "epidemic_testresult_default"
    ensure_day_partitions("epidemic_testresult", [far])
    assert located("epidemic_testresult", id_digest="c" * 64) == f"epidemic_testresult_p{far:%Y%m%d}"


def _days() -> tuple:
    return (
        timezone.localdate(timezone.now() - timedelta(days=OLD_DAYS)),
        timezone.localdate(timezone.now() - timedelta(days=NEW_DAYS)),
    )


def test_the_daily_purge_drops_a_day_expired_everywhere_and_keeps_its_tallies(personas: Personas) -> None:
    world = build(personas)
    old_day, new_day = _days()
    for table in PARTITIONED.values():
        ensure_day_partitions(table, [old_day, new_day])

    with CaptureQueriesContext(connection) as queries:
        purge = services.purge_expired(now=world.now)

    assert purge is not None and purge.counts["venues.scan"] == 2 and purge.counts["epidemic.test_result"] == 2
    # Counted from the rows per day the triggers kept: the dropped days' rows were never read.
    assert not [q["sql"] for q in queries if "GROUP BY" in q["sql"] and any(t in q["sql"] for t in COUNTED)]
    for table in PARTITIONED.values():
        assert old_day not in day_partitions(table) and new_day in day_partitions(table)
    assert counts("410222")["venues.scan"] == counts("410184")["venues.scan"] == 1  # the recent ones
    tallies = PurgedTally.objects.filter(kind="venues.scan", day=old_day)
    assert {(t.region_id, t.rows) for t in tallies} == {
        (personas.ent_a.region_id, 1),
        (personas.ent_xinzheng.region_id, 1),
    }


def test_a_region_keeping_longer_keeps_the_day_and_loses_only_what_expired_elsewhere(personas: Personas) -> None:
    world = build(personas)
    parameter_set(actor=personas.admin, key=RETENTION_VENUE_SCANS_DAYS.key, region=region("410184"), value="60")
    old_day, new_day = _days()
    for table in PARTITIONED.values():
        ensure_day_partitions(table, [old_day, new_day])

    purge = services.purge_expired(now=world.now)

    assert purge is not None and purge.counts["venues.scan"] == 1
    assert old_day in day_partitions("venues_scan")  # 新郑市 still holds its scan of that day
    assert old_day not in day_partitions("epidemic_testresult")
    assert counts("410184")["venues.scan"] == 2 and counts("410222")["venues.scan"] == 1
