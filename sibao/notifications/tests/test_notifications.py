"""In-app inboxes: a user's own and its enterprise's, read state, the page, and channels that may fail."""

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from conftest import client_for, make_user
from sibao.core.roles import Role
from sibao.notifications.channels import configured_channels
from sibao.notifications.models import Notification
from sibao.notifications.services import mark_read, notify

pytestmark = pytest.mark.django_db

delivered: list[int] = []


def failing_channel(notification: Notification) -> None:
    raise ConnectionError("SMS gateway unreachable")


def recording_channel(notification: Notification) -> None:
    delivered.append(notification.pk)


@pytest.fixture
def channels() -> Iterator[None]:
    """A broken SMS gateway configured before a working channel."""
    delivered.clear()
    configured_channels.cache_clear()
    path = "sibao.notifications.tests.test_notifications"
    with override_settings(SIBAO_NOTIFICATION_CHANNELS=[f"{path}.failing_channel", f"{path}.recording_channel"]):
        yield
    configured_channels.cache_clear()


def inbox_titles(user: Any) -> set[str]:
    return set(Notification.objects.inbox_of(user).values_list("title", flat=True))


class TestInbox:
    def test_an_enterprise_message_is_seen_by_all_its_users_and_no_other_enterprise(self, personas: Any) -> None:
        colleague = make_user("p_ent_a_2", Role.ENTERPRISE, enterprise=personas.ent_a)
        notify(topic="whitelist.approved", title="恒达审核通过", enterprise=personas.ent_a)

        assert inbox_titles(personas.ent_a_user) == {"恒达审核通过"}
        assert inbox_titles(colleague) == {"恒达审核通过"}
        assert inbox_titles(personas.ent_b_user) == set()
        assert inbox_titles(personas.tongxu_industry) == set()  # officials do not read enterprises' mail

    def test_a_personal_message_is_seen_by_that_user_only(self, personas: Any) -> None:
        notify(topic="whitelist.submitted", title="待审核", users=[personas.tongxu_industry])

        assert inbox_titles(personas.tongxu_industry) == {"待审核"}
        assert inbox_titles(personas.tongxu_commerce) == set()
        assert inbox_titles(personas.ent_a_user) == set()

    def test_one_call_can_address_users_and_an_enterprise(self, personas: Any) -> None:
        rows = notify(
            topic="t", title="双发", users=[personas.tongxu_hq, personas.tongxu_industry], enterprise=personas.ent_a
        )

        assert len(rows) == 3
        assert all(row.pk for row in rows)
        assert "双发" in inbox_titles(personas.ent_a_user)

    def test_anonymous_has_no_inbox(self, personas: Any) -> None:
        from django.contrib.auth.models import AnonymousUser

        notify(topic="t", title="x", enterprise=personas.ent_a)
        assert not Notification.objects.inbox_of(AnonymousUser()).exists()

    def test_a_notification_needs_a_recipient(self, personas: Any) -> None:
        from django.db import IntegrityError, transaction

        with pytest.raises(IntegrityError), transaction.atomic():
            Notification.objects.create(topic="t", title="无人")


class TestMarkRead:
    def test_mark_read_marks_the_enterprise_message_for_all_its_users(self, personas: Any) -> None:
        colleague = make_user("p_ent_a_2", Role.ENTERPRISE, enterprise=personas.ent_a)
        (message,) = notify(topic="t", title="通知", enterprise=personas.ent_a)

        assert mark_read(user=personas.ent_a_user, notification_ids=[message.pk]) == 1

        assert not Notification.objects.inbox_of(colleague).unread().exists()

    def test_mark_read_cannot_touch_another_enterprises_messages(self, personas: Any) -> None:
        (theirs,) = notify(topic="t", title="惠民的通知", enterprise=personas.ent_b)

        assert mark_read(user=personas.ent_a_user, notification_ids=[theirs.pk]) == 0

        theirs.refresh_from_db()
        assert theirs.read_at is None

    def test_mark_all_read_leaves_other_inboxes_alone(self, personas: Any) -> None:
        notify(topic="t", title="一", enterprise=personas.ent_a)
        notify(topic="t", title="二", users=[personas.ent_a_user])
        notify(topic="t", title="三", enterprise=personas.ent_b)

        assert mark_read(user=personas.ent_a_user) == 2

        assert not Notification.objects.inbox_of(personas.ent_a_user).unread().exists()
        assert Notification.objects.inbox_of(personas.ent_b_user).unread().count() == 1


class TestPage:
    def test_inbox_page_lists_own_messages_only(self, personas: Any) -> None:
        notify(topic="t", title="恒达的消息", body="第一行\n第二行", enterprise=personas.ent_a)
        notify(topic="t", title="惠民的消息", enterprise=personas.ent_b)

        response = client_for(personas.ent_a_user).get(reverse("notifications:inbox"))

        assert response.status_code == 200
        content = response.content.decode()
        assert "恒达的消息" in content
        assert "第一行<br>第二行" in content
        assert "惠民的消息" not in content

    def test_inbox_page_marks_read(self, personas: Any) -> None:
        first, second = (notify(topic="t", title=title, enterprise=personas.ent_a)[0] for title in ("甲", "乙"))
        client = client_for(personas.ent_a_user)

        response = client.post(reverse("notifications:read"), {"id": [str(first.pk)]})

        assert response.status_code == 302
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.read_at is not None and second.read_at is None

        client.post(reverse("notifications:read"))  # no ids: all of them
        second.refresh_from_db()
        assert second.read_at is not None

    def test_read_needs_post(self, personas: Any) -> None:
        assert client_for(personas.ent_a_user).get(reverse("notifications:read")).status_code == 405

    def test_anonymous_is_sent_to_login(self, reference_data: None) -> None:
        response = Client().get(reverse("notifications:inbox"))

        assert response.status_code == 302
        assert "login" in response["Location"]


class TestChannels:
    def test_a_failing_channel_does_not_lose_the_inbox_row(
        self, personas: Any, channels: None, django_capture_on_commit_callbacks: Any, caplog: Any
    ) -> None:
        with (
            caplog.at_level(logging.ERROR, logger="sibao.notifications"),
            django_capture_on_commit_callbacks(execute=True),
        ):
            (message,) = notify(topic="t", title="短信发不出去", enterprise=personas.ent_a)

        assert Notification.objects.filter(pk=message.pk).exists()
        assert "短信发不出去" in inbox_titles(personas.ent_a_user)
        assert delivered == [message.pk]  # the next channel still ran
        assert "failed" in caplog.text

    def test_channels_run_only_after_commit(
        self, personas: Any, channels: None, django_capture_on_commit_callbacks: Any
    ) -> None:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            notify(topic="t", title="稍后发送", enterprise=personas.ent_a)

        assert delivered == []
        assert len(callbacks) == 1

    def test_nothing_to_deliver_schedules_nothing(self, personas: Any, django_capture_on_commit_callbacks: Any) -> None:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            assert notify(topic="t", title="无人") == []

        assert callbacks == []
