"""Issue 8 #5: the absolute session limit holds however active the session is."""

import time

import pytest
from django.test import Client, override_settings

from conftest import TEST_PASSWORD, Personas

pytestmark = pytest.mark.django_db


def login(client: Client, username: str) -> None:
    response = client.post("/accounts/login/", {"username": username, "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_an_active_session_is_logged_out_after_the_absolute_limit(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = Client()
    login(client, personas.tongxu_hq.username)
    start = time.time()
    # Active every 20 minutes (never idle) for 11 h 40 min: still in.
    for minutes in range(20, 12 * 60, 20):
        monkeypatch.setattr(time, "time", lambda m=minutes: start + m * 60)
        assert client.get("/enterprises/").status_code == 200, minutes
    # 12 h and a minute after logging in, still active: out, and the login page says why.
    monkeypatch.setattr(time, "time", lambda: start + 12 * 3600 + 60)
    response = client.get("/enterprises/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "12小时" in page and "请重新登录" in page


@override_settings(SESSION_ABSOLUTE_SECONDS=2 * 3600)
def test_the_absolute_limit_is_configurable(personas: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    client = Client()
    login(client, personas.tongxu_hq.username)
    start = time.time()
    monkeypatch.setattr(time, "time", lambda: start + 2 * 3600 + 1)
    assert client.get("/enterprises/").status_code == 302


def test_the_api_refuses_an_expired_session(personas: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    client = Client()
    login(client, personas.tongxu_hq.username)
    assert client.get("/api/enterprises").status_code == 200
    start = time.time()
    monkeypatch.setattr(time, "time", lambda: start + 13 * 3600)
    assert client.get("/api/enterprises").status_code == 401


def test_a_session_without_a_login_time_is_expired(personas: Personas) -> None:
    """Sessions made before the login time was stored cannot be trusted to be young."""
    client = Client()
    login(client, personas.tongxu_hq.username)
    session = client.session
    del session["sibao_login_at"]
    session.save()
    response = client.get("/enterprises/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_login_time_is_not_moved_by_later_requests(personas: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    client = Client()
    login(client, personas.tongxu_hq.username)
    stored = client.session["sibao_login_at"]
    start = time.time()
    monkeypatch.setattr(time, "time", lambda: start + 600)
    client.get("/enterprises/")
    assert client.session["sibao_login_at"] == stored
