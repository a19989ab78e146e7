"""Background work of the policies (PO-2, PO-3): matching runs, their recovery, the hourly full matching,
expiry of policies past their dates and reminders. Every task is idempotent."""

from datetime import datetime

from django.utils import timezone
from django_tasks import task

from sibao.core.jobs import scheduler
from sibao.core.scheduling import enqueue_once


@task()
def run_matching(run_id: int) -> str:
    from sibao.policies.services import match_run_execute

    return str(match_run_execute(run_id).status)


schedule_matching_recovery = scheduler("policies.MatchRun", "sibao.policies.tasks.run_matching")


@task()
def daily_policy_work(day: str) -> dict[str, int]:
    """Expire policies past their dates, then remind enterprises that have not applied."""
    from sibao.policies.services import policies_expire_due, reminders_send

    now = timezone.now()
    return {"expired": policies_expire_due(timezone.localdate(now)), "reminded": reminders_send(now)}


def schedule_daily_policy_work(now: datetime) -> str | None:
    day = timezone.localdate(now).isoformat()
    return f"policies daily {day}" if enqueue_once(daily_policy_work, day) else None


@task()
def match_everything(slot: str) -> str:
    """Every published policy over every enterprise (catches what no hook reported, e.g. a whitelist listing)."""
    from sibao.policies.services import match_run_start

    run = match_run_start(policy=None, actor=None, reason="hourly")
    return str(run.pk)


def schedule_full_matching(now: datetime) -> str | None:
    slot = timezone.localtime(now).strftime("%Y-%m-%dT%H")
    return f"policies matching {slot}" if enqueue_once(match_everything, slot) else None
