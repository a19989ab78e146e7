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


def test_warning_details_follow_the_reader_too(personas: Personas) -> None:
    from sibao.epidemic.models import CodeColour
    from sibao.health.models import CodeBasis
    from sibao.health.services import health_code_assign
    from sibao.health.tests.factories import employee
    from sibao.sentinel.models import SentinelWarning, WarningKind

    person = employee(personas.ent_a, "李员工")
    with translation.override("zh-hans"):
        health_code_assign(
            actor=personas.tongxu_epidemic, employee=person, colour=CodeColour.RED, basis=CodeBasis.POSITIVE
        )
    warning = SentinelWarning.objects.get(kind=WarningKind.HEALTH_CODE)
    assert warning.detail == "李员工 被赋红码（核酸阳性）。"  # the platform's language, for channels and the API
    client = client_for(personas.tongxu_epidemic)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(f"/warnings/{warning.pk}/").content.decode()
    assert "李员工 has a Red code (Positive test)." in english and "红码" not in english
    listing = client.get("/warnings/").content.decode()
    assert "李员工 has a Red code" in listing
    # A warning stored as plain text (bulk sweeps, older rows) is shown as written.
    SentinelWarning.objects.filter(pk=warning.pk).update(detail_text=None)
    assert "李员工 被赋红码（核酸阳性）。" in client.get(f"/warnings/{warning.pk}/").content.decode()


def test_lists_are_joined_the_readers_way() -> None:
    from sibao.health.models import Symptom
    from sibao.notifications.texts import Clauses

    words = later(
        gettext_noop("%(name)s reported with %(symptoms)s on %(day)s."),
        name="李",
        symptoms=[
            Symptom.FEVER.label,
            Symptom.COUGH.label,
        ],
        day="2024-05-10",
    ).as_json()
    clauses = later(gettext_noop("Below reserve for %(staff)s staff: %(items)s."), staff=10, items=Clauses(("a", "b")))
    with translation.override("en"):
        assert render(words) == "李 reported with Fever, Cough on 2024-05-10."
        assert "a; b" in render(clauses.as_json())
    with translation.override("zh-hans"):
        assert "发热、咳嗽" in render(words) and "a；b" in render(clauses.as_json())
