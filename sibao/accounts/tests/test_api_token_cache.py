"""Issue 13: a process trusts an API token it found usable for ``SIBAO_API_TOKEN_CACHE_SECONDS`` — one round
trip less on every call of a busy system — and never past a change it made itself or the token's expiry."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import Personas
from sibao.accounts import api_auth
from sibao.accounts.models import ApiToken
from sibao.accounts.services import api_token_create, api_token_revoke


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    settings.SIBAO_API_TOKEN_CACHE_SECONDS = 1
    fake = Clock()
    monkeypatch.setattr(api_auth.recent_tokens, "clock", fake)
    api_auth.recent_tokens.clear()
    yield fake
    api_auth.recent_tokens.clear()


def _get(client: Client, url: str, raw: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url, headers={"Authorization": f"Bearer {raw}"}).status_code
    return status, [query["sql"] for query in queries.captured_queries if ApiToken._meta.db_table in query["sql"]]


def test_a_token_is_read_once_a_second_not_on_every_call(personas: Personas, clock: Clock) -> None:
    _token, raw = api_token_create(actor=personas.admin, user=personas.tongxu_hq, name="检查站系统")
    client, url = Client(), f"/api/enterprises/{personas.ent_a.pk}"
    status, token_reads = _get(client, url, raw)
    assert status == 200 and len(token_reads) == 2  # the lookup and the once-a-minute "last used" touch
    clock.now += 0.9
    assert _get(client, url, raw) == (200, [])
    clock.now += 0.1  # one second after it was read
    status, token_reads = _get(client, url, raw)
    assert status == 200 and len(token_reads) == 1


def test_a_revocation_or_deactivation_in_this_process_takes_effect_at_once(personas: Personas, clock: Clock) -> None:
    token, raw = api_token_create(actor=personas.admin, user=personas.xinzheng_hq, name="新郑对接")
    client, url = Client(), f"/api/enterprises/{personas.ent_xinzheng.pk}"
    assert _get(client, url, raw)[0] == 200
    api_token_revoke(actor=personas.admin, token=token)
    assert _get(client, url, raw)[0] == 401

    _token, raw = api_token_create(actor=personas.admin, user=personas.tongxu_hq, name="通许对接")
    url = f"/api/enterprises/{personas.ent_a.pk}"
    assert _get(client, url, raw)[0] == 200
    personas.tongxu_hq.is_active = False
    personas.tongxu_hq.save(update_fields=["is_active"])
    assert _get(client, url, raw)[0] == 401


def test_a_change_made_elsewhere_takes_effect_within_the_second(personas: Personas, clock: Clock) -> None:
    """Another process's change sends no signal here (a queryset update stands in for it)."""
    token, raw = api_token_create(actor=personas.admin, user=personas.xinzheng_hq, name="新郑对接")
    client, url = Client(), f"/api/enterprises/{personas.ent_xinzheng.pk}"
    assert _get(client, url, raw)[0] == 200
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    clock.now += 0.5
    assert _get(client, url, raw)[0] == 200  # still trusted: read half a second ago
    clock.now += 0.5
    assert _get(client, url, raw)[0] == 401


def test_an_expiry_is_never_overlooked(personas: Personas, clock: Clock) -> None:
    token, raw = api_token_create(actor=personas.admin, user=personas.xinzheng_hq, name="临时")
    client, url = Client(), f"/api/enterprises/{personas.ent_xinzheng.pk}"
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + timedelta(hours=1))
    assert _get(client, url, raw)[0] == 200
    cached = api_auth.recent_tokens.get(api_auth.token_hash(raw), 1)
    assert cached is not None
    # The hour passes while the token is trusted: its expiry, here and stored, is now behind us.
    cached.expires_at = timezone.now() - timedelta(seconds=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=cached.expires_at)
    assert _get(client, url, raw)[0] == 401


def test_a_token_read_before_a_revocation_is_not_kept_after_it(personas: Personas, clock: Clock) -> None:
    """A request that read the token while another thread of the process revoked it keeps nothing."""
    token, raw = api_token_create(actor=personas.admin, user=personas.tongxu_hq, name="x")
    generation = api_auth.recent_tokens.generation
    found = ApiToken.objects.find(raw)
    assert found is not None
    api_token_revoke(actor=personas.admin, token=token)  # meanwhile
    api_auth.recent_tokens.put(api_auth.token_hash(raw), found, generation)
    assert api_auth.recent_tokens.get(api_auth.token_hash(raw), 1) is None


def test_each_request_gets_its_own_user(personas: Personas, clock: Clock) -> None:
    _token, raw = api_token_create(actor=personas.admin, user=personas.tongxu_hq, name="x")
    auth = api_auth.TokenAuth()
    first, second = (auth.authenticate(Client().request().wsgi_request, raw) for _ in range(2))
    assert first.pk == second.pk == personas.tongxu_hq.pk and first is not second


def test_the_suite_reads_tokens_every_time_unless_a_test_turns_the_cache_on(settings: Any) -> None:
    from django.conf import settings as live

    assert live.SIBAO_API_TOKEN_CACHE_SECONDS == 0
