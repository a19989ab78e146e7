"""Issue 9 #8: messages are shown in the reader's language, not in the language of whoever caused them.
A notification keeps the msgid and its parameters; rows stored before keep showing their words."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext_noop

from conftest import Personas, client_for
from sibao.notifications.models import Notification
from sibao.notifications.services import notify
from sibao.notifications.texts import later, render
from sibao.tickets.models import Outcome

pytestmark = pytest.mark.django_db


def _inbox(client: Client, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get("/inbox/").content.decode()


def test_a_stored_message_is_read_in_each_readers_language(personas: Personas) -> None:
    with translation.override("zh-hans"):  # written while a Chinese page was being served
        notify(
            topic="tickets.answered",
            title=later(
                gettext_noop("Your request was answered (%(outcome)s): %(title)s"),
                outcome=Outcome.RESOLVED.label,
                title="钢材采购受阻",
            ),
            body=later(gettext_noop("%(reply)s\nPlease rate how it was handled."), reply="已协调郑州钢厂恢复供货"),
            enterprise=personas.ent_a,
        )
    row = Notification.objects.get()
    assert row.title == "您的诉求已答复（已解决）：钢材采购受阻"  # the platform language, for channels
    client = client_for(personas.ent_a_user)
    english = _inbox(client, "en")
    assert "Your request was answered (Resolved): 钢材采购受阻" in english
    assert "Please rate how it was handled." in english and "请对办理结果进行评价" not in english
    chinese = _inbox(client, "zh-hans")
    assert "您的诉求已答复（已解决）：钢材采购受阻" in chinese and "Please rate" not in chinese


def test_a_workflow_message_follows_the_reader(personas: Personas) -> None:
    from sibao.tickets.services import ticket_file

    ticket_file(
        actor=personas.ent_a_user,
        enterprise=personas.ent_a,
        data={"category": "raw_materials", "title": "钢材采购受阻", "text": "外地钢厂停止发货。"},
    )
    english = _inbox(client_for(personas.tongxu_hq), "en")
    assert f"New request to assign: {personas.ent_a.name} “钢材采购受阻”" in english
    assert "新诉求待交办" not in english


def test_times_are_shown_in_local_time_when_read() -> None:
    due = datetime(2024, 5, 10, 9, 30, tzinfo=ZoneInfo("UTC"))  # 17:30 in Beijing
    stored = later(gettext_noop("Please resolve it by %(due)s."), due=due).as_json()
    with translation.override("en"):
        assert render(stored) == "Please resolve it by 2024-05-10 17:30."
    with translation.override("zh-hans"):
        assert render(stored) == "请于2024-05-10 17:30前办结。"


def test_rows_written_before_keep_their_words(personas: Personas) -> None:
    Notification.objects.create(enterprise=personas.ent_a, topic="old", title="旧消息：诉求已办结", body="正文")
    english = _inbox(client_for(personas.ent_a_user), "en")
    assert "旧消息：诉求已办结" in english and "正文" in english
    # A person's own words are never translated.
    notify(topic="note", title="企业自己写的标题", enterprise=personas.ent_a)
    assert Notification.objects.get(topic="note").texts == {}
    # A broken stored text falls back to the words first written.
    assert render({"msgid": "%(missing)s", "params": {"other": 1}}, "原文") == "原文"
