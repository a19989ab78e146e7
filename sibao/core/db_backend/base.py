"""PostgreSQL as Django's own backend, with a health check that costs no round trip while the connection is
idle and sound (issue 13, ``pass_check_http_ratio``).

Django's ``CONN_HEALTH_CHECKS`` sends ``SELECT 1`` before the first query of every request that uses a
persistent connection: a whole round trip to the server, on the hot API calls a second statement next to the
one they need (~7 % of a checkpoint check). A connection that the server closed — a restart, an administrator's
``pg_terminate_backend``, ``idle_session_timeout`` — has something to read on its socket while it should be
silent between requests (the server's FATAL message and the end of the stream). So the socket is polled without
waiting, and only a connection with something to read (or no longer OK) gets Django's real check, which
reconnects it before the request uses it, as before. What a poll cannot see, a server host gone without closing
its connections, a ``SELECT 1`` would also only notice after the TCP timeout; its first query then fails (503),
and Django checks the connection again before the next request (``errors_occurred``).
"""

import select
from typing import Any

from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLDatabaseWrapper


def _has_something_to_read(connection: Any) -> bool:
    """Whether the idle psycopg ``connection`` is closed, broken or has data waiting (never blocks)."""
    if connection.closed or connection.broken:
        return True
    try:
        poller = select.poll()
        poller.register(connection.pgconn.socket, select.POLLIN | select.POLLPRI)
        return bool(poller.poll(0))
    except Exception:  # no socket any more, or no poll() on this system: let the real check decide
        return True


class DatabaseWrapper(PostgreSQLDatabaseWrapper):  # type: ignore[misc]
    def close_if_health_check_failed(self) -> None:
        state: Any = self  # django-stubs does not declare the health-check attributes
        if state.pool or state.connection is None or not state.health_check_enabled or state.health_check_done:
            return
        if _has_something_to_read(state.connection) and not self.is_usable():
            self.close()
        state.health_check_done = True
