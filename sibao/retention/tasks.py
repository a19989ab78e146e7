"""The purges of personal epidemic data in the task worker (issue 15 #2): the daily purge of expired data,
enqueued once per local day, and an HQ office's "emergency over" purge of its region."""

import logging
from datetime import datetime, timedelta

from django.apps import apps
from django.utils import timezone
from django_tasks import task

from sibao.core.partitions import DAYS_AHEAD, ensure_day_partitions
from sibao.core.personal_data import registered_personal_tables
from sibao.core.scheduling import enqueue_once
from sibao.retention.services import emergency_purge_run, purge_expired

logger = logging.getLogger(__name__)


@task()
def purge_personal_data(day: str = "") -> int:
    """``day`` names the daily run; a second run finds nothing expired and records nothing."""
    purge = purge_expired()
    total = purge.total if purge else 0
    logger.info("personal data purge %s: %d rows", day, total)
    return total


@task()
def run_emergency_purge(purge_id: int) -> int:
    """An HQ office's "emergency over" purge (``services.emergency_purge`` records it and enqueues this)."""
    purge = emergency_purge_run(purge_id)
    return purge.total if purge else 0


def schedule_personal_data_purge(now: datetime | None = None) -> str | None:
    day = timezone.localdate(now or timezone.now()).isoformat()
    return day if enqueue_once(purge_personal_data, day) else None


def make_partitions_ahead(now: datetime | None = None) -> str | None:
    """Issue 15 #1: the day partitions of the next ``DAYS_AHEAD`` local days of every partitioned personal table
    (PostgreSQL; nothing elsewhere). Runs inline with each scheduler pass: it costs one catalogue read per
    table when nothing is missing, and a day's rows must never wait for its partition in the default one."""
    today = timezone.localdate(now or timezone.now())
    days = [today + timedelta(days=n) for n in range(DAYS_AHEAD + 1)]
    made = []
    for table in registered_personal_tables():
        if table.partitioned_by:
            db_table = apps.get_model(table.model)._meta.db_table
            made += [f"{db_table}:{day:%Y%m%d}" for day in ensure_day_partitions(db_table, days)]
    return ", ".join(made) or None
