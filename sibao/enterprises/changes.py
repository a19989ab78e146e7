"""Telling other apps that enterprises changed (PO-2: a policy match follows the enterprise's data).

The registry's services call ``enterprises_changed(ids)`` inside their transaction after a write; apps that
keep something derived from an enterprise list a listener on their AppConfig
(``enterprise_change_listeners = ["sibao.policies.services.enterprise_changed"]``), so this app imports none
of them. A listener takes the enterprise ids and does its work in the same transaction (or enqueues it).
"""

from collections.abc import Callable, Iterable

from django.apps import apps
from django.utils.module_loading import import_string


def listeners() -> list[Callable[[list[int]], None]]:
    return [
        import_string(path)
        for config in apps.get_app_configs()
        for path in getattr(config, "enterprise_change_listeners", ())
    ]


def enterprises_changed(enterprise_ids: Iterable[int]) -> None:
    ids = sorted({pk for pk in enterprise_ids if pk is not None})
    if not ids:
        return
    for listener in listeners():
        listener(ids)
