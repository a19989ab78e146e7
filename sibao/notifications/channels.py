"""Outbound channels (SMS, email, WeCom, DingTalk) behind one interface; nothing may need the internet.

``SIBAO_NOTIFICATION_CHANNELS`` lists dotted paths of callables taking a saved ``Notification``. The
default writes a log line; a deployment plugs in its SMS gateway or WeCom robot the same way.
"""

import logging
from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from sibao.notifications.models import Notification

logger = logging.getLogger("sibao.notifications")

Channel = Callable[[Notification], None]


def log_channel(notification: Notification) -> None:
    recipient = f"user={notification.user_id}" if notification.user_id else f"enterprise={notification.enterprise_id}"
    logger.info("notification %s to %s: %s", notification.topic, recipient, notification.title)


@cache
def configured_channels() -> list[Channel]:
    paths = getattr(settings, "SIBAO_NOTIFICATION_CHANNELS", ["sibao.notifications.channels.log_channel"])
    return [import_string(path) for path in paths]


def deliver(notification_ids: list[int]) -> None:
    """Hand saved notifications to every channel; a failing channel never undoes the inbox entry."""
    for notification in Notification.objects.filter(pk__in=notification_ids):
        for channel in configured_channels():
            try:
                channel(notification)
            except Exception:
                logger.exception("channel %r failed for notification %s", channel, notification.pk)
