"""The two maintained summaries of the logistics app (``core.summaries``), read by the command-screen panel and
the checks page instead of the big tables.

``logistics.checks`` adds the checks recorded since its last run to the per-checkpoint-per-day tallies — one
grouped read of the new rows, one read of the tallies they touch, one upsert — so its cost follows the new
checks, not the day's total (tens of millions a day at province scale). It counts rows up to the newest one
older than ``SETTLE_SECONDS``: a check is one autocommitted INSERT, so a row with a smaller id is committed by
then and is never skipped.

``logistics.passes`` rebuilds the passes valid today (and the drivers on the transport whitelist) per region
and sector of the applicant company: a few thousand rows at most.
"""

from datetime import datetime, timedelta

from django.db.models import Count, Max, Q
from django.utils import timezone

from sibao.logistics.models import (
    CONDITION_BITS,
    TRANSPORT_WHITELIST_ARRANGEMENTS,
    CheckTally,
    CheckTallyMark,
    Condition,
    PassCheck,
    PassDriver,
    PassTally,
    VehiclePass,
)
from sibao.logistics.selectors import failed_on, valid_passes_q

SETTLE_SECONDS = 5
TALLY_FIELDS = ["checks", "green", *(f"failed_{condition}" for condition in Condition.values)]


def refresh_checks(now: datetime) -> int:
    mark, _created = CheckTallyMark.objects.select_for_update().get_or_create(pk=1)
    last = (
        PassCheck.objects.filter(pk__gt=mark.last_check_id, checked_at__lt=now - timedelta(seconds=SETTLE_SECONDS))
        .aggregate(last=Max("pk"))
        .get("last")
    )
    if last is None:
        return 0
    counts = {f"failed_{condition}": Count("pk", filter=Q(failed_on(condition))) for condition in CONDITION_BITS}
    groups = list(
        PassCheck.objects.filter(pk__gt=mark.last_check_id, pk__lte=last)
        .values("checkpoint_id", "day")
        .annotate(checks=Count("pk"), green=Count("pk", filter=Q(failures=0)), **counts)
        .order_by()
    )
    days = {group["day"] for group in groups}
    existing = {
        (tally.checkpoint_id, tally.day): tally
        for tally in CheckTally.objects.filter(
            day__in=days, checkpoint_id__in={group["checkpoint_id"] for group in groups}
        )
    }
    rows = []
    for group in groups:
        key = (group["checkpoint_id"], group["day"])
        before = existing.get(key)
        values = {name: group[name] + (getattr(before, name) if before else 0) for name in TALLY_FIELDS}
        rows.append(CheckTally(checkpoint_id=key[0], day=key[1], **values))
    CheckTally.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["checkpoint", "day"], update_fields=TALLY_FIELDS
    )
    CheckTallyMark.objects.filter(pk=mark.pk).update(last_check_id=last)
    return len(rows)


def refresh_passes(now: datetime) -> int:
    today = timezone.localdate(now)
    keys = ("enterprise__region_id", "enterprise__sector")
    valid = VehiclePass.objects.filter(valid_passes_q(today)).values(*keys).annotate(n=Count("pk")).order_by()
    drivers = (
        PassDriver.objects.filter(
            valid_passes_q(today, "vehicle_pass__"),
            vehicle_pass__arrangement__in=TRANSPORT_WHITELIST_ARRANGEMENTS,
            driver__is_active=True,
        )
        .values("vehicle_pass__enterprise__region_id", "vehicle_pass__enterprise__sector")
        .annotate(n=Count("driver_id", distinct=True))
        .order_by()
    )
    tallies: dict[tuple[int, str], PassTally] = {}
    for row in valid:
        key = (row["enterprise__region_id"], row["enterprise__sector"])
        tallies[key] = PassTally(region_id=key[0], sector=key[1], valid=row["n"])
    for row in drivers:
        key = (row["vehicle_pass__enterprise__region_id"], row["vehicle_pass__enterprise__sector"])
        tally = tallies.setdefault(key, PassTally(region_id=key[0], sector=key[1], valid=0))
        tally.transport_whitelist_drivers = row["n"]
    PassTally.objects.all().delete()
    PassTally.objects.bulk_create(tallies.values())
    return len(tallies)
