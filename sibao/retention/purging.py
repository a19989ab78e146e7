"""The one purge engine (issue 15 #2): delete the rows of a personal table that match a condition and lie before
``until``, one local day at a time, each day in its own transaction with its tally.

A day is the batch: it bounds what one statement deletes, matches the day partitions PostgreSQL can drop whole
(docs/architecture.md "Retention"), and an interrupted purge leaves every committed day consistent (rows gone,
tally and the purge's counts written). Rows are deleted set-based, without Django's collector: these tables are
not audited row by row and nothing references them (``core.personal_data``); the purge's own record and audit
entry carry the counts.
"""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.db.models import Count, F, Min, Q
from django.utils import timezone

from sibao.core.partitions import counts_rows_per_day, day_partitions, day_row_counts, drop_day_partition
from sibao.core.personal_data import PersonalTable
from sibao.retention.models import Purge, PurgedTally


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def table_rows(table: PersonalTable) -> models.QuerySet:
    model = apps.get_model(table.model)
    return model._base_manager.all()


def _per_link(table: PersonalTable, rows: models.QuerySet) -> dict[Any, int]:
    """The rows' count per value of the row's own first link (venue, checkpoint, import …)."""
    link = table.region_field.partition("__")[0]
    return dict(rows.order_by().values_list(link).annotate(n=Count("*")))


def _per_region(table: PersonalTable, per_link: dict[Any, int]) -> dict[Any, int]:
    """Counts per link mapped to regions in one small query: a day of 10 M scans is counted on its own link
    column (or kept counted, ``core.partitions.day_row_counts``) instead of joined to venues and enterprises row
    by row."""
    link, _, rest = table.region_field.partition("__")
    if not rest:
        return per_link
    related = apps.get_model(table.model)._meta.get_field(link).related_model
    region_of = dict(
        related._base_manager.filter(pk__in=[pk for pk in per_link if pk is not None]).values_list("pk", rest)
    )
    found: dict[Any, int] = {}
    for pk, count in per_link.items():
        region_id = region_of.get(pk)
        found[region_id] = found.get(region_id, 0) + count
    return found


def _tally(table: PersonalTable, per_link: dict[Any, int], day: date) -> int:
    """Add the rows' count (per link) per region to the day's tallies, in three queries whatever the number of
    regions (a province day touches thousands); returns how many rows there are."""
    per_region = {region_id: count for region_id, count in _per_region(table, per_link).items() if count}
    if not per_region:
        return 0
    existing = {
        tally.region_id: tally for tally in PurgedTally.objects.select_for_update().filter(kind=table.kind, day=day)
    }
    changed, new = [], []
    for region_id, count in per_region.items():
        tally = existing.get(region_id)
        if tally is None:
            new.append(PurgedTally(kind=table.kind, region_id=region_id, day=day, rows=count))
        else:
            tally.rows += count
            changed.append(tally)
    PurgedTally.objects.bulk_update(changed, ["rows"], batch_size=500)
    PurgedTally.objects.bulk_create(new, batch_size=500)
    return sum(per_region.values())


def _counted(purge: Purge, table: PersonalTable, count: int) -> None:
    Purge.objects.filter(pk=purge.pk).update(total=F("total") + count)
    purge.counts[table.kind] = purge.counts.get(table.kind, 0) + count
    Purge.objects.filter(pk=purge.pk).update(counts=purge.counts)


def drop_expired_days(table: PersonalTable, until: datetime, purge: Purge) -> int:
    """Drop the day partitions of ``table`` that end before ``until`` (PostgreSQL, partitioned tables only;
    ``until`` is a moment before which every row is expired in every region): each day's tally first, then
    the day goes whole, in one transaction. Returns how many rows went. A table whose rows per day are kept
    (``core.partitions.count_rows_per_day``) is counted from them, without reading the partition."""
    if not table.partitioned_by:
        return 0
    db_table = apps.get_model(table.model)._meta.db_table
    counted = counts_rows_per_day(db_table)
    dropped = 0
    for day in sorted(day_partitions(db_table)):
        if day_start(day + timedelta(days=1)) > until:
            break
        with transaction.atomic():
            if counted:
                per_link: dict[Any, int] = day_row_counts(db_table, day)
                if 0 in per_link:  # rows without a link
                    per_link[None] = per_link.pop(0)
            else:
                per_link = _per_link(table, table_rows(table).filter(**_day_filter(table, day)))
            count = _tally(table, per_link, day)
            drop_day_partition(db_table, day)
            if count:
                dropped += count
                _counted(purge, table, count)
    return dropped


def _day_filter(table: PersonalTable, day: date) -> dict[str, object]:
    """The rows of one local day, by the partition field so that only its partition is read."""
    field = apps.get_model(table.model)._meta.get_field(table.partitioned_by)
    if isinstance(field, models.DateTimeField):
        return {f"{field.name}__gte": day_start(day), f"{field.name}__lt": day_start(day + timedelta(days=1))}
    return {field.name: day}


def purge_table(
    table: PersonalTable,
    condition: Q,
    until: datetime,
    purge: Purge,
) -> int:
    """Delete the table's rows matching ``condition`` with a time before ``until``; returns how many."""
    rows = table_rows(table).filter(condition, **{f"{table.time_field}__lt": until})
    first = rows.aggregate(first=Min(table.time_field))["first"]
    if first is None:
        return 0
    deleted = 0
    while first is not None:
        day = timezone.localdate(first)
        end = min(day_start(day + timedelta(days=1)), until)
        batch = rows.filter(**{f"{table.time_field}__gte": day_start(day), f"{table.time_field}__lt": end})
        with transaction.atomic():
            if _tally(table, _per_link(table, batch), day):
                count = batch._raw_delete(batch.db)
                deleted += count
                _counted(purge, table, count)
        # The next day that has rows: a lone old row does not cost a query per empty day since.
        first = rows.filter(**{f"{table.time_field}__gte": end}).aggregate(first=Min(table.time_field))["first"]
    return deleted
