"""The PostgreSQL backend's health check (``sibao/core/db_backend``, issue 13): a connection the server closed
is replaced before a request uses it, as with Django's ``SELECT 1``, without a round trip for a sound one."""

import time

import psycopg
import pytest
from django.db import close_old_connections, connection

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend"),
]


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def test_a_connection_the_server_ended_is_replaced_before_the_next_request_uses_it() -> None:
    first = _backend_pid()
    params = connection.get_connection_params()
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [first])
        deadline = time.monotonic() + 10
        while admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [first]).fetchone():
            assert time.monotonic() < deadline, "the backend did not end"
            time.sleep(0.05)
    close_old_connections()  # what Django does when the next request starts

    assert _backend_pid() != first  # no error: reconnected before the query


def test_a_sound_idle_connection_is_not_pinged(monkeypatch: pytest.MonkeyPatch) -> None:
    first = _backend_pid()
    pings: list[bool] = []
    real = connection.is_usable

    def counted() -> bool:
        pings.append(True)
        return bool(real())

    monkeypatch.setattr(connection, "is_usable", counted)
    for _request in range(3):
        close_old_connections()
        assert _backend_pid() == first

    assert pings == []  # Django's own check sent SELECT 1 once per request
