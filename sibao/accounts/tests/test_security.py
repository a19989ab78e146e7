"""X-3 security baseline: lockout, password policy, idle expiry, audit of every write, API tokens."""

import json
import time
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.utils import timezone

from conftest import TEST_PASSWORD, Personas
from sibao.accounts.services import api_token_create, api_token_revoke
from sibao.enterprises.models import Enterprise

pytestmark = pytest.mark.django_db


def attempt(client: Client, username: str, password: str) -> int:
    return client.post("/accounts/login/", {"username": username, "password": password}).status_code


def test_five_failed_logins_lock_the_account(personas: Personas) -> None:
    client = Client()
    user = personas.tongxu_hq
    for _ in range(4):
        assert attempt(client, user.username, "wrong-password") == 200  # form redisplayed with an error
    assert attempt(client, user.username, "wrong-password") == 429  # the 5th failure locks
    # Locked: even the right password is refused, with the lockout message in Chinese.
    response = client.post("/accounts/login/", {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "15" in response.content.decode()


def test_another_account_is_not_locked_by_someone_elses_failures(personas: Personas) -> None:
    client = Client()
    for _ in range(5):
        attempt(client, personas.tongxu_hq.username, "wrong-password")
    response = client.post("/accounts/login/", {"username": personas.xinzheng_hq.username, "password": TEST_PASSWORD})
    assert response.status_code == 302


@override_settings(AXES_FAILURE_LIMIT=3)
def test_failure_limit_is_configurable(personas: Personas) -> None:
    client = Client()
    assert attempt(client, personas.tongxu_hq.username, "x") == 200
    assert attempt(client, personas.tongxu_hq.username, "x") == 200
    assert attempt(client, personas.tongxu_hq.username, "x") == 429


def test_successful_login_lands_on_home(personas: Personas) -> None:
    client = Client()
    response = client.post("/accounts/login/", {"username": personas.tongxu_hq.username, "password": TEST_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.parametrize(
    "password",
    ["short1A!", "alllowercaseletters", "ALLUPPER12345", "1234567890123"],
)
def test_weak_passwords_are_refused(password: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(password)


def test_strong_password_is_accepted() -> None:
    validate_password("Henan#Tongxu2026")


def test_idle_session_expires_after_30_minutes(personas: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    client = Client()
    client.force_login(personas.tongxu_hq)
    assert client.get("/enterprises/").status_code == 200
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 29 * 60)
    assert client.get("/enterprises/").status_code == 200  # 29 minutes idle: still in
    monkeypatch.setattr(time, "time", lambda: now + 29 * 60 + 31 * 60)
    response = client.get("/enterprises/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_every_write_is_audit_logged_with_actor_and_before_after(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.tongxu_hq)
    client.patch(
        f"/api/enterprises/{personas.ent_a.pk}",
        data=json.dumps({"employee_count": 250}),
        content_type="application/json",
    )
    entry = LogEntry.objects.get_for_object(personas.ent_a).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.actor == personas.tongxu_hq
    assert entry.changes_dict["employee_count"] == ["100", "250"]


def test_writes_through_api_token_are_attributed_to_the_token_user(personas: Personas) -> None:
    _token, raw = api_token_create(actor=personas.admin, user=personas.tongxu_hq, name="省平台")
    client = Client()
    response = client.patch(
        f"/api/enterprises/{personas.ent_a.pk}",
        data=json.dumps({"employee_count": 300}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 200
    entry = LogEntry.objects.get_for_object(personas.ent_a).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.actor == personas.tongxu_hq


def test_token_scope_is_its_users_scope_and_revoked_tokens_fail(personas: Personas) -> None:
    token, raw = api_token_create(actor=personas.admin, user=personas.xinzheng_hq, name="新郑对接")
    headers = {"Authorization": f"Bearer {raw}"}
    client = Client()
    assert client.get(f"/api/enterprises/{personas.ent_xinzheng.pk}", headers=headers).status_code == 200
    assert client.get(f"/api/enterprises/{personas.ent_a.pk}", headers=headers).status_code == 404
    api_token_revoke(actor=personas.admin, token=token)
    assert client.get(f"/api/enterprises/{personas.ent_xinzheng.pk}", headers=headers).status_code == 401


def test_expired_tokens_and_tokens_of_deactivated_users_fail(personas: Personas) -> None:
    """The token lookup is a statement written once (issue 13): it keeps every rule of ``usable()``."""
    from sibao.accounts.models import ApiToken

    expired, raw_expired = api_token_create(actor=personas.admin, user=personas.xinzheng_hq, name="过期")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    _token, raw = api_token_create(actor=personas.admin, user=personas.tongxu_hq, name="停用账号")
    client = Client()
    url = f"/api/enterprises/{personas.ent_a.pk}"
    assert client.get(url, headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    found = ApiToken.objects.find(raw)
    assert found is not None and found.user.region is not None  # the user's region read with it
    assert (found.user.pk, found.user.region.path) == (personas.tongxu_hq.pk, personas.tongxu_hq.region.path)
    assert client.get(url, headers={"Authorization": f"Bearer {raw_expired}"}).status_code == 401
    type(personas.tongxu_hq).objects.filter(pk=personas.tongxu_hq.pk).update(is_active=False)
    assert client.get(url, headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    assert ApiToken.objects.find(raw) is None


def test_tokens_are_stored_hashed(personas: Personas) -> None:
    token, raw = api_token_create(actor=personas.admin, user=personas.tongxu_hq, name="x")
    token.refresh_from_db()
    assert raw not in token.key_hash and token.key_prefix == raw[:8]


def test_api_write_needs_csrf_for_session_clients(personas: Personas) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.tongxu_hq)
    response = client.patch(
        f"/api/enterprises/{personas.ent_a.pk}", data=json.dumps({"park": "x"}), content_type="application/json"
    )
    assert response.status_code in (401, 403)
    assert Enterprise.objects.get(pk=personas.ent_a.pk).park == ""


def test_audit_page_lists_changes_for_administrators(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.tongxu_hq)
    client.patch(
        f"/api/enterprises/{personas.ent_a.pk}", data=json.dumps({"park": "园区A"}), content_type="application/json"
    )
    admin = Client()
    admin.force_login(personas.admin)
    page = admin.get("/core/audit/?model=enterprise").content.decode()
    assert personas.ent_a.name in page and "园区A" in page and personas.tongxu_hq.username in page


def test_pages_read_within_a_minute_do_not_rewrite_the_session(personas: Personas) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(personas.tongxu_hq)
    assert client.get("/enterprises/").status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/enterprises/").status_code == 200
    assert not [q for q in captured.captured_queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]]


def test_activity_a_minute_apart_keeps_the_idle_clock_running(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = Client()
    client.force_login(personas.tongxu_hq)
    now = time.time()
    # Active every 20 minutes for an hour and a half: never 30 minutes idle, so still in.
    for minutes in range(20, 100, 20):
        monkeypatch.setattr(time, "time", lambda m=minutes: now + m * 60)
        assert client.get("/enterprises/").status_code == 200, minutes
