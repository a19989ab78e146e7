from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Field, QuerySet
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


def notify_each(*, topic: str, messages: Iterable[tuple[Any, Text, Text, str]]) -> int:
    """Messages of their own words, one per ``(enterprise, title, body, link)`` (a policy match names the firm's
    amount), written in batches inside the caller's transaction and handed to the channels in one task once
    committed — thousands of enterprises at once cost a few statements, not two each. Returns how many."""
    rows = []
    for enterprise, title, body, link in messages:
        title_text, title_stored = stored_words(title, Notification._meta.get_field("title").max_length)
        body_text, body_stored = stored_words(body)
        texts = {name: stored for name, stored in (("title", title_stored), ("body", body_stored)) if stored}
        rows.append(
            Notification(enterprise=enterprise, topic=topic, title=title_text, body=body_text, link=link, texts=texts)
        )
    ids = [row.pk for row in Notification.objects.bulk_create(rows, batch_size=1000) if row.pk is not None]
    if ids:
        transaction.on_commit(lambda: _deliver_later(ids))
    return len(rows)


def notify_enterprises(*, topic: str, title: Text, body: Text = "", link: str = "", enterprises: QuerySet[Any]) -> int:
    """The same message in the inbox of every enterprise of ``enterprises`` (a queryset of Enterprise), written
    with one INSERT … SELECT inside the caller's transaction (issue 12: a region's switch tells 10,000 firms at
    once, no row built in Python); channels get them once committed. Returns how many were written."""
    title_text, title_stored = stored_words(title, Notification._meta.get_field("title").max_length)
    body_text, body_stored = stored_words(body)
    texts = {name: stored for name, stored in (("title", title_stored), ("body", body_stored)) if stored}
    meta = Notification._meta
    columns = ["enterprise_id", "topic", "title", "body", "link", "texts", "created_at"]
    quoted = ", ".join(connection.ops.quote_name(_column(name)) for name in columns)
    ids_sql, ids_params = enterprises.order_by().values(chosen_id=F("pk")).query.sql_with_params()
    values = [
        topic,
        title_text,
        body_text,
        link,
        meta.get_field("texts").get_db_prep_save(texts, connection),
        meta.get_field("created_at").get_db_prep_save(timezone.now(), connection),
    ]
    sql = (
        f"INSERT INTO {meta.db_table} ({quoted}) "  # names from the model, values as parameters
        f"SELECT chosen.chosen_id, %s, %s, %s, %s, %s, %s FROM ({ids_sql}) AS chosen RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, *ids_params])
        ids = [row[0] for row in cursor.fetchall()]
    if ids:
        transaction.on_commit(lambda: _deliver_later(ids))
    return len(ids)


def _column(name: str) -> str:
    field = Notification._meta.get_field(name)
    assert isinstance(field, Field)
    return str(field.column)


def _deliver_later(ids: list[int]) -> None:
    from sibao.notifications.tasks import deliver_notifications

    deliver_notifications.enqueue(ids)


def mark_read(*, user: Any, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's (or its enterprise's) messages read; all of them when no ids are given."""
    messages = Notification.objects.inbox_of(user).unread()
    if notification_ids is not None:
        messages = messages.filter(pk__in=list(notification_ids))
    return messages.update(read_at=timezone.now())
