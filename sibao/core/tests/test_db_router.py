"""Issue 15 #3: reads of marked pages from the streaming replica, the user's own writes from the primary, and
the fall-back when the replica is down or lags. The ``replica`` tests need a hot standby of the test database's
server (``DATABASE_REPLICA_URL``; ``.ci/run`` starts one) and are skipped without it."""

import os
import time
from collections.abc import Callable, Iterator

import dj_database_url
import pytest
from django.conf import settings
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sibao.core import db_routers
from sibao.regions.models import Region

REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")


@pytest.mark.django_db
def test_without_a_replica_nothing_changes(reference_data: None) -> None:
    assert "replica" not in settings.DATABASES or REPLICA_URL
    if REPLICA_URL:
        pytest.skip("a replica is configured")
    assert "sibao.core.db_routers.ReplicaReadsMiddleware" not in settings.MIDDLEWARE
    response = Client().get(reverse("public:criteria"))
    assert response.status_code == 200
    assert db_routers.PIN_COOKIE not in response.cookies
    assert 'data-testid="read-source"' not in response.content.decode()


def replica(test: Callable[..., None]) -> Callable[..., None]:
    """A test against the standby: marked ``replica`` (``.ci/run`` selects them) and skipped without one."""
    marked = pytest.mark.skipif(not REPLICA_URL, reason="needs DATABASE_REPLICA_URL (a hot standby)")(test)
    return pytest.mark.replica(marked)  # type: ignore[no-any-return]


@pytest.fixture
def standby(reference_data: None) -> Iterator[None]:
    """Point the replica alias (a mirror of the test database while tests are set up) at the standby, which
    replicates the test database from the primary."""
    conn = connections["replica"]
    mirrored = conn.settings_dict
    conn.close()
    real = dj_database_url.parse(REPLICA_URL)
    conn.settings_dict = {**mirrored, "HOST": real["HOST"], "PORT": real["PORT"], "NAME": mirrored["NAME"]}
    db_routers.replica_health(fresh=True)
    yield
    conn.close()
    conn.settings_dict = mirrored
    db_routers._health = None


def caught_up() -> None:
    """Replication is asynchronous: wait (up to 10 s) until the standby has replayed the primary's writes."""
    for _ in range(100):
        health = db_routers.replica_health(fresh=True)
        if health.usable and health.lag_seconds == 0:
            return
        time.sleep(0.1)
    raise AssertionError(f"the standby did not catch up: {health}")


def queries_per_alias(client: Client, url: str) -> tuple[int, int, str]:
    with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(connections["replica"]) as rep:
        response = client.get(url)
    assert response.status_code == 200
    return (
        len(primary),
        len([q for q in rep.captured_queries if "pg_is_in_recovery" not in q["sql"]]),
        (response.content.decode()),
    )


@replica
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_a_marked_page_reads_from_the_standby(standby: None) -> None:
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0] is True  # really the standby
    caught_up()
    _primary, on_replica, body = queries_per_alias(Client(), reverse("public:criteria"))
    assert on_replica > 0
    assert "只读副本" in body  # the page says where its data came from
    # An unmarked page reads the primary only.
    assert queries_per_alias(Client(), reverse("accounts:login"))[1] == 0


@replica
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_after_a_write_the_user_reads_the_primary(standby: None) -> None:
    client = Client()
    wrote = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert db_routers.PIN_COOKIE in wrote.cookies
    _primary, on_replica, body = queries_per_alias(client, reverse("public:criteria"))
    assert on_replica == 0 and "只读副本" not in body
    # Inside one request, the first write sends the request's later reads to the primary.
    token = db_routers._replica_allowed.set(True)
    try:
        caught_up()
        assert db_routers.ReplicaRouter().db_for_read(Region) == "replica"
        db_routers.ReplicaRouter().db_for_write(Region)
        assert db_routers.ReplicaRouter().db_for_read(Region) is None
    finally:
        db_routers._replica_allowed.reset(token)
        db_routers._wrote.set(False)


@replica
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_reads_fall_back_to_the_primary_when_the_replica_is_down_or_lags(standby: None, settings: object) -> None:
    conn = connections["replica"]
    conn.close()
    conn.settings_dict = {**conn.settings_dict, "PORT": "1"}  # nothing listens there: the replica is down
    assert db_routers.replica_health(fresh=True).usable is False
    with CaptureQueriesContext(connections["default"]) as primary:
        body = Client().get(reverse("public:criteria")).content.decode()
    assert len(primary) > 0 and "数据为最新" in body  # (capturing the replica's queries would connect to it)

    conn.close()
    conn.settings_dict = {**conn.settings_dict, "PORT": dj_database_url.parse(REPLICA_URL)["PORT"]}
    caught_up()
    settings.SIBAO_REPLICA_MAX_LAG_SECONDS = -1  # type: ignore[attr-defined]  # any lag is too much
    assert db_routers.replica_health(fresh=True).usable is False
    assert queries_per_alias(Client(), reverse("public:criteria"))[1] == 0
