"""Reads from a streaming replica (issue 15 #3), only where a page says it may.

With ``DATABASE_REPLICA_URL`` set, ``settings`` adds a ``replica`` database, this router and
``ReplicaReadsMiddleware``. A read goes to the replica only when all of these hold:

- the view is marked: its URL name is in ``SIBAO_REPLICA_URL_NAMES`` (the command screen, public pages, reports,
  exports) or it is wrapped in ``reads_from_replica``;
- the request writes nothing first: the first write of a request (``db_for_write``) and any open transaction on
  the primary send the rest of the request's reads to the primary;
- the browser wrote nothing in the last ``SIBAO_REPLICA_PIN_SECONDS``: a POST sets a cookie that pins the
  following requests to the primary, so a user sees their own write on the next page (read-your-own-write);
- the replica answers and lags the primary by at most ``SIBAO_REPLICA_MAX_LAG_SECONDS`` (checked at most every
  ``SIBAO_REPLICA_CHECK_SECONDS`` per process); otherwise reads fall back to the primary.

Without the variable none of this is installed and every query goes to ``default``, as before.
"""

import logging
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

REPLICA = "replica"
PIN_COOKIE = "sibao_primary_until"

# Per request (each request runs in its own context): may reads go to the replica, and did it write.
_replica_allowed: ContextVar[bool] = ContextVar("sibao_replica_allowed", default=False)
_wrote: ContextVar[bool] = ContextVar("sibao_replica_wrote", default=False)
_served: ContextVar[str] = ContextVar("sibao_replica_served", default="")


@dataclass
class ReplicaHealth:
    usable: bool
    lag_seconds: float | None
    replayed_at: datetime | None
    checked: float  # time.monotonic() of the check


_health: ReplicaHealth | None = None


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def _measure() -> ReplicaHealth:
    """Ask the replica how far it has replayed and the primary how far it has written."""
    now = time.monotonic()
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(
                "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text, pg_last_xact_replay_timestamp(),"
                " EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())"
            )
            in_recovery, replayed_lsn, replayed_at, behind = cursor.fetchone()
        if not in_recovery:  # a promoted standby is a primary of its own: never read stale data from it
            return ReplicaHealth(False, None, None, now)
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s::pg_lsn) <= 0", [replayed_lsn])
            (caught_up,) = cursor.fetchone()
    except DatabaseError as error:
        logger.warning("replica unusable, reading from the primary: %s", error)
        connections[REPLICA].close()
        return ReplicaHealth(False, None, None, now)
    # Caught up: no lag, however long ago the last write was (an idle primary is not a lagging replica).
    lag = 0.0 if caught_up else float(behind or 0.0)
    usable = lag <= settings.SIBAO_REPLICA_MAX_LAG_SECONDS
    return ReplicaHealth(usable, lag, replayed_at, now)


def replica_health(*, fresh: bool = False) -> ReplicaHealth:
    global _health
    if fresh or _health is None or time.monotonic() - _health.checked > settings.SIBAO_REPLICA_CHECK_SECONDS:
        _health = _measure()
    return _health


def served_from() -> str:
    """ "replica", "primary" (a marked page that fell back or was pinned) or "" (an unmarked page)."""
    return _served.get()


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if not _replica_allowed.get() or _wrote.get() or connections["default"].in_atomic_block:
            return None
        if not replica_health().usable:
            _served.set("primary")
            return None
        _served.set("replica")
        return REPLICA

    def db_for_write(self, model: Any, **hints: Any) -> str:
        _wrote.set(True)  # the rest of this request reads its own write
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica is the same data

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == "default"


def _pinned(request: HttpRequest) -> bool:
    try:
        return float(request.COOKIES.get(PIN_COOKIE, "0")) > time.time()
    except ValueError:
        return False


def reads_from_replica(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a view whose reads may come from the replica (the middleware does the same by URL name)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not replica_configured() or _pinned(request):
            return view(request, *args, **kwargs)
        token = _replica_allowed.set(True)
        _served.set("primary")
        try:
            return view(request, *args, **kwargs)
        finally:
            _replica_allowed.reset(token)

    return wrapped


class ReplicaReadsMiddleware:
    """Starts each request on the primary, lets marked views read the replica, and pins a browser to the
    primary for a while after it wrote (a POST, PUT, PATCH or DELETE)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        _replica_allowed.set(False)
        _wrote.set(False)
        _served.set("")
        try:
            response = self.get_response(request)
        finally:
            _replica_allowed.set(False)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            pin = settings.SIBAO_REPLICA_PIN_SECONDS
            response.set_cookie(
                PIN_COOKIE,
                f"{time.time() + pin:.0f}",
                max_age=pin,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response

    def process_view(self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any) -> None:
        match = request.resolver_match
        if match is not None and match.view_name in settings.SIBAO_REPLICA_URL_NAMES and not _pinned(request):
            _replica_allowed.set(True)
            _served.set("primary")


def replica_context(request: HttpRequest) -> dict[str, Any]:
    """For the layout: a marked page says whether its data came from the replica (and as of when) or is current."""
    source = served_from()
    if not source:
        return {}
    health = _health
    return {"read_source": source, "read_as_of": health.replayed_at if health and source == "replica" else None}
