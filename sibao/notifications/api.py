"""The in-app inbox through the API (X-5): what the inbox page lists and its "mark as read", for the caller's
own messages and those of the enterprise the caller works for — never another's."""

from datetime import datetime
from typing import Any

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.api_errors import responses
from sibao.core.api_pagination import BoundedLimitOffset
from sibao.core.api_types import Id, Input
from sibao.notifications.models import Notification
from sibao.notifications.services import mark_read

router = Router(tags=["notifications"])

MAX_IDS = 500


class InboxQuery(Input):
    unread: bool = Field(False, description="只列未读")


class NotificationOut(Schema):
    id: int
    topic: str
    title: str = Field(description="标题（读者所用语言）")
    body: str
    link: str
    created_at: datetime
    read_at: datetime | None

    @staticmethod
    def resolve_title(message: Notification) -> str:
        return message.shown_title

    @staticmethod
    def resolve_body(message: Notification) -> str:
        return message.shown_body


class MarkReadIn(Input):
    ids: list[Id] | None = Field(
        None, max_length=MAX_IDS, description=f"要标为已读的消息（至多 {MAX_IDS} 条）；不传则全部标为已读"
    )


class MarkedOut(Schema):
    marked: int = Field(description="本次标为已读的条数")
    unread: int = Field(description="仍未读的条数")


@router.get(
    "",
    response=responses({200: list[NotificationOut]}),
    summary="The caller's messages and its enterprise's, newest first",
)
@paginate(BoundedLimitOffset)
def list_notifications(request: AuthenticatedRequest, query: Query[InboxQuery]) -> Any:
    messages = Notification.objects.inbox_of(request.user)
    return messages.unread() if query.unread else messages


@router.post(
    "/read",
    response=responses({200: MarkedOut}),
    summary="Mark the given messages read, or all of them when no ids are sent (others' ids change nothing)",
)
def read(request: AuthenticatedRequest, payload: MarkReadIn) -> Any:
    marked = mark_read(user=request.user, notification_ids=payload.ids)
    return {"marked": marked, "unread": Notification.objects.inbox_of(request.user).unread().count()}
