"""Periodic jobs (ARCHITECTURE "background work"): each app names its schedulers on its AppConfig
(``periodic_jobs = ["sibao.<app>.tasks.schedule_…"]``); ``manage.py schedule_jobs`` calls them all.

A scheduler takes ``now`` and returns a label of what it enqueued, or None. ``enqueue_once`` lets it enqueue
a task at most once per period: the period is one of the task's arguments (a week, a day, an hour slot).
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils.module_loading import import_string

Scheduler = Callable[[datetime], str | None]


def already_enqueued(task_obj: Any, *args: Any) -> bool:
    """Whether the backend already holds this task with these arguments (the database backend keeps a row
    per enqueued task, the dummy backend a list; the immediate backend keeps nothing)."""
    backend = task_obj.get_backend()
    if backend.__class__.__name__ == "DatabaseBackend":
        from django_tasks_db.models import DBTaskResult

        return DBTaskResult.objects.filter(task_path=task_obj.module_path, args_kwargs__args=list(args)).exists()
    results = getattr(backend, "results", None)
    if results is not None:
        return any(r.task.module_path == task_obj.module_path and list(r.args) == list(args) for r in results)
    return False  # tasks are idempotent, so a repeat only costs time


def enqueue_once(task_obj: Any, *args: Any) -> bool:
    """Enqueue after the current transaction commits, unless already enqueued with the same arguments."""
    if already_enqueued(task_obj, *args):
        return False
    transaction.on_commit(lambda: task_obj.enqueue(*args))
    return True


def periodic_jobs() -> list[Scheduler]:
    return [import_string(path) for config in apps.get_app_configs() for path in getattr(config, "periodic_jobs", ())]
