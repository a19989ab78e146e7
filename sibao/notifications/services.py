from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from sibao.notifications.channels import deliver
from sibao.notifications.models import Notification


def notify(
    *,
    topic: str,
    title: str,
    body: str = "",
    link: str = "",
    users: Iterable[Any] = (),
    enterprise: Any = None,
) -> list[Notification]:
    """Put a message in the inboxes (inside the caller's transaction); channels send it once committed."""
    rows = [Notification(user=user, topic=topic, title=title, body=body, link=link) for user in users]
    if enterprise is not None:
        rows.append(Notification(enterprise=enterprise, topic=topic, title=title, body=body, link=link))
    saved = Notification.objects.bulk_create(rows)
    ids = [row.pk for row in saved if row.pk is not None]
    if ids:
        transaction.on_commit(lambda: deliver(ids))
    return saved


def mark_read(*, user: Any, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's (or its enterprise's) messages read; all of them when no ids are given."""
    messages = Notification.objects.inbox_of(user).unread()
    if notification_ids is not None:
        messages = messages.filter(pk__in=list(notification_ids))
    return messages.update(read_at=timezone.now())
