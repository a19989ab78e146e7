"""The "待我处理" workbench (issue 11 #4): the work items every app declares (``core.workbench``) that apply to the
user, each with the number of rows of the list it links to — one count query per item, whatever the data."""

from dataclasses import dataclass

from sibao.accounts.models import User
from sibao.core.workbench import WorkItem, registered_work_items


@dataclass(frozen=True)
class Work:
    item: WorkItem
    count: int
    url: str


def work_for(user: User) -> list[Work]:
    return [
        Work(item, item.rows(user).count(), item.url(user)) for item in registered_work_items() if item.applies(user)
    ]
