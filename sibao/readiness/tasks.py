"""Background jobs of EP-10 (ARCHITECTURE "background work")."""

from django_tasks import task

from sibao.readiness.services import supplies_recheck_all


@task()
def recheck_supplies() -> dict[str, int]:
    """Raise or lift SUPPLIES_SHORTFALL warnings after headcount or parameter changes (idempotent)."""
    return supplies_recheck_all()
