"""Issue 15 #2: the daily purge removes exactly the expired rows (each region by its own retention), the
"emergency over" purge takes only the HQ office's region, is refused to other roles, and both keep the
tallies and leave an audit entry with the counts."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.test import override_settings
from django.utils import timezone

from conftest import Personas, client_for, region
from sibao.core.audit import SecurityEvent
from sibao.core.errors import PermissionRefused, ServiceError, StateRefused
from sibao.core.personal_data import registered_personal_tables
from sibao.core.scheduling import periodic_jobs
from sibao.health.models import DailyReport
from sibao.parameters.registry import RETENTION_VENUE_SCANS_DAYS
from sibao.parameters.services import parameter_set
from sibao.retention import services
from sibao.retention.models import Purge, PurgedTally, PurgeReason
from sibao.retention.services import emergency_purge_run
from sibao.retention.tasks import schedule_personal_data_purge
from sibao.retention.tests.world import build, counts

KINDS = {
    "epidemic.test_result",
    "epidemic.zone_move",
    "venues.scan",
    "health.code_change",
    "health.symptom",
    "health.arrival_sighting",
    "sentinel.pharmacy_purchase",
    "logistics.pass_check",
}


def purge_events() -> list[LogEntry]:
    return list(LogEntry.objects.filter(additional_data__event=SecurityEvent.PERSONAL_DATA_PURGED))


def test_every_person_level_table_is_registered() -> None:
    assert {table.kind for table in registered_personal_tables()} == KINDS


def test_the_daily_purge_is_scheduled() -> None:
    assert schedule_personal_data_purge in periodic_jobs()


@pytest.mark.django_db
def test_purge_expired_removes_exactly_the_expired_rows_by_each_regions_retention(personas: Personas) -> None:
    world = build(personas)
    # 新郑市 keeps its scans for 60 days: its 40-day-old scan is not expired there.
    parameter_set(actor=personas.admin, key=RETENTION_VENUE_SCANS_DAYS.key, region=region("410184"), value="60")

    purge = services.purge_expired(now=world.now)

    assert purge is not None and purge.reason == PurgeReason.EXPIRED
    assert counts("410222") == dict.fromkeys(KINDS, 1)  # the recent rows stay
    assert counts("410184") == {**dict.fromkeys(KINDS, 1), "venues.scan": 2}
    assert purge.counts == {**dict.fromkeys(KINDS, 2), "venues.scan": 1}
    assert purge.total == 15 and purge.finished_at is not None
    # The figures survive without the persons: one row per kind, region and day.
    old_day = timezone.localdate(world.now - timedelta(days=40))
    assert PurgedTally.objects.get(kind="venues.scan", day=old_day).region == personas.ent_a.region
    assert sum(PurgedTally.objects.filter(kind="epidemic.test_result").values_list("rows", flat=True)) == 2
    assert DailyReport.objects.count() == 4  # the enterprise's report (a count, no person) stays
    (event,) = purge_events()
    assert event.additional_data["total"] == 15 and event.additional_data["counts"]["venues.scan"] == 1
    # A second run finds nothing expired and records nothing.
    assert services.purge_expired(now=world.now) is None
    assert len(purge_events()) == 1


@pytest.mark.django_db
def test_emergency_purge_previews_then_deletes_only_its_region(personas: Personas) -> None:
    build(personas)
    before = timezone.now()
    preview = services.emergency_purge_preview(actor=personas.tongxu_hq, before=before)
    assert {row["kind"]: row["count"] for row in preview} == dict.fromkeys(KINDS, 2)

    purge = services.emergency_purge(actor=personas.tongxu_hq, before=before, confirmed=True)

    assert counts("410222") == dict.fromkeys(KINDS, 0)
    assert counts("410184") == dict.fromkeys(KINDS, 2)  # another county untouched
    assert purge.region == region("410222") and purge.started_by == personas.tongxu_hq
    assert purge.total == 16 and purge.counts == dict.fromkeys(KINDS, 2)
    assert sum(PurgedTally.objects.filter(kind="venues.scan").values_list("rows", flat=True)) == 2
    (event,) = purge_events()
    assert event.actor == personas.tongxu_hq and event.additional_data["region"] == "410222"
    assert LogEntry.objects.get_for_object(purge).filter(action=LogEntry.Action.CREATE).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["tongxu_epidemic", "tongxu_leader", "admin", "ent_a_user", "tongxu_industry"])
def test_emergency_purge_is_refused_to_other_roles(personas: Personas, who: str) -> None:
    build(personas)
    with pytest.raises(PermissionRefused):
        services.emergency_purge(actor=getattr(personas, who), before=timezone.now(), confirmed=True)
    with pytest.raises(PermissionRefused):
        services.emergency_purge_preview(actor=getattr(personas, who), before=timezone.now())
    assert counts() == dict.fromkeys(KINDS, 4)
    assert not Purge.objects.exists()


@pytest.mark.django_db
def test_emergency_purge_needs_confirmation(personas: Personas) -> None:
    build(personas)
    with pytest.raises(ServiceError) as refused:
        services.emergency_purge(actor=personas.tongxu_hq, before=timezone.now(), confirmed=False)
    assert refused.value.code == "retention.purge.unconfirmed"
    with pytest.raises(ServiceError):
        services.emergency_purge(actor=personas.tongxu_hq, before=timezone.now() + timedelta(hours=1), confirmed=True)
    assert counts() == dict.fromkeys(KINDS, 4)


@pytest.mark.django_db
def test_emergency_purge_keeps_rows_recorded_after_the_preview(personas: Personas) -> None:
    world = build(personas)
    services.emergency_purge(actor=personas.tongxu_hq, before=world.now - timedelta(days=10), confirmed=True)
    assert counts("410222") == dict.fromkeys(KINDS, 1)


@pytest.mark.django_db
def test_emergency_purge_runs_in_the_worker_and_a_second_one_waits_for_it(personas: Personas) -> None:
    build(personas)
    queued = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # a worker that has not run yet
    with override_settings(TASKS=queued):
        purge = services.emergency_purge(actor=personas.tongxu_hq, before=timezone.now(), confirmed=True)
        assert purge.finished_at is None and counts("410222") == dict.fromkeys(KINDS, 2)  # recorded, not run
        with pytest.raises(StateRefused) as refused:
            services.emergency_purge(actor=personas.tongxu_hq, before=timezone.now(), confirmed=True)
        assert refused.value.code == "retention.purge.running"
        page = client_for(personas.tongxu_hq).get("/retention/").content.decode()
        assert "进行中</span>" in page  # the purge list marks it running

    done = emergency_purge_run(purge.pk)  # what the worker does

    assert done is not None and done.finished_at is not None and done.total == 16
    assert counts("410222") == dict.fromkeys(KINDS, 0) and counts("410184") == dict.fromkeys(KINDS, 2)
    assert emergency_purge_run(purge.pk) is None  # delivered twice: nothing more
