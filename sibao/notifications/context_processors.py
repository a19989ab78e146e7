from typing import Any

from django.http import HttpRequest

from sibao.notifications.models import Notification


def unread_count(request: HttpRequest) -> dict[str, Any]:
    if not request.user.is_authenticated:
        return {}
    return {"unread_notifications": Notification.objects.inbox_of(request.user).unread().count()}
