"""The inbox through the API (X-5): the caller's own messages and its enterprise's, in the reader's language,
and "mark as read" — another enterprise's or user's messages are neither listed nor touched."""

import json

import pytest
from django.conf import settings
from django.utils.translation import gettext_noop

from conftest import Personas, client_for
from sibao.notifications.models import Notification
from sibao.notifications.services import notify
from sibao.notifications.texts import later

pytestmark = pytest.mark.django_db


def test_the_inbox_lists_own_and_enterprise_messages_only(personas: Personas) -> None:
    mine = notify(topic="whitelist.approved", title="恒达审核通过", enterprise=personas.ent_a)[0]
    notify(topic="whitelist.approved", title="别家审核通过", enterprise=personas.ent_xinzheng)
    notify(topic="whitelist.submitted", title="待审核", users=[personas.tongxu_industry])
    answer = client_for(personas.ent_a_user).get("/api/notifications").json()
    assert answer["count"] == 1 and [item["id"] for item in answer["items"]] == [mine.pk]
    assert answer["items"][0]["title"] == "恒达审核通过" and answer["items"][0]["read_at"] is None
    industry = client_for(personas.tongxu_industry).get("/api/notifications").json()
    assert [item["title"] for item in industry["items"]] == ["待审核"]


def test_titles_are_in_the_readers_language(personas: Personas) -> None:
    notify(
        topic="tickets.answered",
        title=later(gettext_noop("Your request was answered (%(outcome)s): %(title)s"), outcome="已解决", title="钢材"),
        enterprise=personas.ent_a,
    )
    client = client_for(personas.ent_a_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get("/api/notifications").json()["items"][0]["title"].startswith("Your request was answered")


def test_mark_read_touches_only_the_callers_messages(personas: Personas) -> None:
    first, second = (
        notify(topic="whitelist.approved", title=title, enterprise=personas.ent_a)[0] for title in ("甲", "乙")
    )
    other = notify(topic="whitelist.approved", title="别家", enterprise=personas.ent_xinzheng)[0]
    client = client_for(personas.ent_a_user)

    def read(ids: list[int] | None) -> dict[str, int]:
        body = {} if ids is None else {"ids": ids}
        response = client.post("/api/notifications/read", json.dumps(body), content_type="application/json")
        assert response.status_code == 200
        return response.json()  # type: ignore[no-any-return]

    assert read([first.pk, other.pk]) == {"marked": 1, "unread": 1}
    assert Notification.objects.get(pk=other.pk).read_at is None
    unread = client.get("/api/notifications", {"unread": "true"}).json()
    assert [item["id"] for item in unread["items"]] == [second.pk]
    assert read(None) == {"marked": 1, "unread": 0}
    assert Notification.objects.get(pk=other.pk).read_at is None
