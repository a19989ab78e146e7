"""EP-6 handling on the workflow mechanism: take (owner), close with a required note, hand over; refusals
with reasons; scope (another county → 404; one enterprise cannot see another's warnings)."""

import json

import pytest
from django.urls import reverse

from conftest import Personas, client_for, make_user, region
from sibao.core.errors import PermissionRefused, ServiceError, StateRefused
from sibao.core.roles import Role
from sibao.core.workflow import history
from sibao.notifications.models import Notification
from sibao.sentinel.models import WarningStatus
from sibao.sentinel.services import warning_close, warning_reassign, warning_take
from sibao.sentinel.tests.helpers import raised

pytestmark = pytest.mark.django_db


def test_take_then_close_with_a_note(personas: Personas) -> None:
    warning = warning_take(actor=personas.ent_a_user, warning=raised(personas.ent_a))
    assert (warning.status, warning.owner) == (WarningStatus.HANDLING, personas.ent_a_user)
    closed = warning_close(actor=personas.ent_a_user, warning=warning, note="已提醒本人，当日完成核酸检测。")
    assert closed.status == WarningStatus.CLOSED and not closed.lifted
    assert closed.handling_note == "已提醒本人，当日完成核酸检测。" and closed.closed_at is not None
    assert [(r.action, r.actor_id) for r in history(closed)] == [
        ("take", personas.ent_a_user.pk),
        ("close", personas.ent_a_user.pk),
    ]


def test_closing_without_a_note_is_refused_naming_the_field(personas: Personas) -> None:
    warning = warning_take(actor=personas.tongxu_epidemic, warning=raised(personas.ent_a))
    with pytest.raises(ServiceError) as refused:
        warning_close(actor=personas.tongxu_epidemic, warning=warning, note="   ")
    assert refused.value.code == "sentinel.warning.close.reason_required" and refused.value.field == "note"
    warning.refresh_from_db()
    assert warning.status == WarningStatus.HANDLING


def test_an_open_warning_can_be_closed_directly_and_the_closer_is_the_owner(personas: Personas) -> None:
    closed = warning_close(actor=personas.tongxu_township, warning=raised(personas.ent_a), note="已核实，误报。")
    assert closed.owner == personas.tongxu_township


def test_someone_else_may_not_close_a_warning_being_handled(personas: Personas) -> None:
    warning = warning_take(actor=personas.tongxu_township, warning=raised(personas.ent_a))
    with pytest.raises(PermissionRefused) as refused:
        warning_close(actor=personas.ent_a_user, warning=warning, note="处理完毕")
    assert refused.value.code == "sentinel.warning.close.forbidden"
    assert "Only the person handling" in refused.value.message or "处置" in refused.value.message
    # The epidemic task force of the area may.
    assert warning_close(actor=personas.tongxu_epidemic, warning=warning, note="专班已处置").status == "closed"


def test_taking_twice_or_after_closing_is_refused_with_the_state(personas: Personas) -> None:
    warning = warning_take(actor=personas.tongxu_epidemic, warning=raised(personas.ent_a))
    with pytest.raises(StateRefused) as refused:
        warning_take(actor=personas.tongxu_township, warning=warning)
    assert refused.value.code == "sentinel.warning.take.state"


def test_roles_without_the_capability_may_not_take(personas: Personas) -> None:
    with pytest.raises(PermissionRefused):
        warning_take(actor=personas.tongxu_leader, warning=raised(personas.ent_a))


def test_hq_office_hands_over_to_someone_in_scope_who_is_notified(personas: Personas) -> None:
    warning = raised(personas.ent_a)
    handed = warning_reassign(
        actor=personas.tongxu_hq, warning=warning, owner=personas.tongxu_township, reason="属地跟进"
    )
    assert (handed.status, handed.owner) == (WarningStatus.HANDLING, personas.tongxu_township)
    assert Notification.objects.filter(user=personas.tongxu_township, topic="sentinel.reassigned").exists()
    assert "属地跟进" in history(handed).last().reason  # type: ignore[union-attr]
    # Nobody outside the area, nobody without the capability.
    with pytest.raises(ServiceError) as refused:
        warning_reassign(actor=personas.tongxu_hq, warning=handed, owner=personas.ent_b_user)
    assert refused.value.field == "owner"
    with pytest.raises(ServiceError):
        warning_reassign(actor=personas.tongxu_hq, warning=handed, owner=personas.tongxu_leader)
    # The enterprise (not the owner) may not hand it over.
    with pytest.raises(PermissionRefused):
        warning_reassign(actor=personas.ent_a_user, warning=handed, owner=personas.tongxu_epidemic)


def test_another_countys_user_cannot_take_page_and_api_404(personas: Personas) -> None:
    warning = raised(personas.ent_a)
    xinzheng_epidemic = make_user("xz_epidemic", Role.EPIDEMIC, region=region("410184"))
    client = client_for(xinzheng_epidemic)
    assert client.post(reverse("sentinel:act", args=[warning.pk]), {"action": "take"}).status_code == 404
    assert client.get(reverse("sentinel:detail", args=[warning.pk])).status_code == 404
    assert client.post(f"/api/warnings/{warning.pk}/take").status_code == 404
    assert client.get(f"/api/warnings/{warning.pk}").status_code == 404
    warning.refresh_from_db()
    assert warning.status == WarningStatus.OPEN and warning.owner is None


def test_enterprise_b_cannot_see_as_warnings(personas: Personas) -> None:
    a_warning = raised(personas.ent_a, "test:1")
    b_warning = raised(personas.ent_b, "test:2")
    client = client_for(personas.ent_b_user)
    page = client.get(reverse("sentinel:index"))
    assert page.status_code == 200
    assert b_warning.detail in page.content.decode() and a_warning.detail not in page.content.decode()
    assert client.get(reverse("sentinel:detail", args=[a_warning.pk])).status_code == 404
    api = client.get("/api/warnings")
    assert [item["id"] for item in api.json()["items"]] == [b_warning.pk]
    assert client.get(f"/api/warnings/{a_warning.pk}").status_code == 404
    assert (
        client.post(
            f"/api/warnings/{a_warning.pk}/close", json.dumps({"note": "x"}), content_type="application/json"
        ).status_code
        == 404
    )


def test_api_actions_and_refusals(personas: Personas) -> None:
    warning = raised(personas.ent_a)
    client = client_for(personas.ent_a_user)
    taken = client.post(f"/api/warnings/{warning.pk}/take")
    assert taken.status_code == 200 and taken.json()["status"] == "handling"
    assert "close" in taken.json()["available_actions"]
    empty = client.post(f"/api/warnings/{warning.pk}/close", json.dumps({"note": ""}), content_type="application/json")
    assert empty.status_code == 422 and empty.json()["field"] == "note"
    done = client.post(
        f"/api/warnings/{warning.pk}/close", json.dumps({"note": "已提醒检测"}), content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["status"] == "closed"
    assert [row["action"] for row in done.json()["history"]] == ["raise", "take", "close"]
    again = client.post(f"/api/warnings/{warning.pk}/take")
    assert again.status_code == 409


def test_detail_page_shows_actions_history_and_the_lifted_state(personas: Personas) -> None:
    from sibao.sentinel.services import warning_lift

    warning = raised(personas.ent_a, "test:5")
    client = client_for(personas.tongxu_epidemic)
    page = client.get(reverse("sentinel:detail", args=[warning.pk])).content.decode()
    assert 'data-testid="action-take"' in page and 'data-testid="action-close"' in page
    response = client.post(reverse("sentinel:act", args=[warning.pk]), {"action": "close", "note": ""}, follow=True)
    assert "请说明处置情况" in response.content.decode() or "Say what was done" in response.content.decode()
    warning_lift(kind=warning.kind, subject_keys=["test:5"], note="核酸结果已到")
    page = client.get(reverse("sentinel:detail", args=[warning.pk])).content.decode()
    assert 'data-status="lifted"' in page and 'data-testid="action-' not in page


def test_a_reassign_refusal_never_names_the_user_behind_an_id(personas: Personas) -> None:
    """Issue 8 #9: an enterprise user handling its warning sent other users' ids and read their names."""
    warning = warning_take(actor=personas.ent_a_user, warning=raised(personas.ent_a))
    stranger = make_user("xz_official", Role.HQ_OFFICE, region=region("410184"))
    stranger.display_name = "李新郑"
    stranger.save()
    client = client_for(personas.ent_a_user)
    answers = [
        client.post(
            f"/api/warnings/{warning.pk}/reassign", data=json.dumps({"owner_id": pk}), content_type="application/json"
        )
        for pk in (stranger.pk, personas.henan_hq.pk, 10**9)
    ]
    assert {answer.status_code for answer in answers} == {400}
    assert len({answer.content for answer in answers}) == 1  # a real user answers like no user at all
    assert "李新郑" not in answers[0].content.decode() and stranger.username not in answers[0].content.decode()
    with pytest.raises(ServiceError) as refused:
        warning_reassign(actor=personas.ent_a_user, warning=warning, owner=stranger)
    assert "李新郑" not in refused.value.message
