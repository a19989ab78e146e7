"""The registry of the "待我处理" workbench (issue 11 #4): what waits for a user, each with a count and a link.

The kernel knows no app. An app lists what may wait for someone in its domain on its AppConfig
(``work_items = ["sibao.tickets.workbench.TO_ASSIGN", …]``, dotted paths to ``WorkItem`` objects); the home
app shows those that apply to the user. ``rows(user)`` is the very queryset the linked list shows for
``url(user)``, so the count on the workbench and the rows of the list cannot disagree (tests hold each item
to its list).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class WorkItem:
    key: str
    label: str | Promise
    order: int
    applies: Callable[[Any], bool]  # does this kind of work ever fall to this user (role, capability)?
    rows: Callable[[Any], QuerySet[Any]]  # what waits now, in scope: the rows of the list behind the link
    url: Callable[[Any], str]  # that list, filtered the same way
    icon: str = "inbox"
    help: str | Promise = ""


def registered_work_items() -> list[WorkItem]:
    found: list[WorkItem] = []
    for config in apps.get_app_configs():
        for path in getattr(config, "work_items", ()):
            found.append(import_string(path))
    return sorted(found, key=lambda item: (item.order, item.key))
