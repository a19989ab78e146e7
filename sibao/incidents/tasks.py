"""Background job of EP-9: the re-test deadline watch (001#annex2-三.7, 6 h by default).

``retest_deadline_sweep`` is idempotent (one open warning per incident), so the scheduler may enqueue it as
often as it likes; every few minutes keeps a missed deadline visible within minutes.
"""

from datetime import datetime

from django.utils import timezone
from django_tasks import task

from sibao.incidents import services


@task()
def retest_deadline_sweep(now: str | None = None) -> int:
    """Raise INCIDENT_DEADLINE warnings for incidents past their re-test deadline without a result.
    ``now`` (ISO format) is for replays and tests; the scheduler passes nothing."""
    at = datetime.fromisoformat(now) if now else timezone.now()
    return services.retest_deadline_sweep(at)


def schedule_retest_deadline_sweep(now: datetime | None = None) -> str | None:
    """Every scheduler pass: the sweep is cheap and idempotent, and a missed 6 h deadline must show at once."""
    retest_deadline_sweep.enqueue()
    return "retest deadline sweep"
