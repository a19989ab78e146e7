from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise

from sibao.notifications.channels import deliver
from sibao.notifications.models import Notification
from sibao.notifications.texts import LaterText, stored_words

Text = str | Promise | LaterText


def notify(
    *,
    topic: str,
    title: Text,
    body: Text = "",
    link: str = "",
    users: Iterable[Any] = (),
    enterprise: Any = None,
) -> list[Notification]:
    """Put a message in the inboxes (inside the caller's transaction); channels send it once committed.

    Issue 9 #8: give ``title``/``body`` as ``later(gettext_noop("…"), **params)`` so each reader sees them in
    their own language; a plain string (a person's own words) is shown as written."""
    title_text, title_stored = stored_words(title, Notification._meta.get_field("title").max_length)
    body_text, body_stored = stored_words(body)
    texts = {name: stored for name, stored in (("title", title_stored), ("body", body_stored)) if stored}
    fields = {"topic": topic, "title": title_text, "body": body_text, "link": link, "texts": texts}
    rows = [Notification(user=user, **fields) for user in users]
    if enterprise is not None:
        rows.append(Notification(enterprise=enterprise, **fields))
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
