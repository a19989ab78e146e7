"""API authentication (X-5): the page session (with CSRF) for the browser, bearer tokens for other systems.

A system calling at a checkpoint's rate sends the same token hundreds of times a second, and looking it up was
one of the three round trips of every check (issue 13). So each process keeps the tokens it found usable for
``SIBAO_API_TOKEN_CACHE_SECONDS`` (1 s): a revocation, an expiry or a deactivated user takes effect at once in
the process that made the change (the signals below empty the cache) and within that second in the others —
the same window as a request already on its way when the token was revoked.
"""

import copy
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from sibao.accounts.models import ApiToken, User, token_hash


class RecentTokens:
    """Usable tokens this process looked up, by hash, each with the monotonic time it was read."""

    MAX_ENTRIES = 4096  # a few hundred systems at most; beyond that the oldest are dropped

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._entries: dict[str, tuple[float, ApiToken]] = {}
        self._lock = threading.Lock()  # a threaded server (runserver) shares one cache between requests
        # Counts the clears: a token read before a clear (a revocation saved meanwhile) is not kept after it.
        self.generation = 0

    def get(self, key: str, seconds: float) -> ApiToken | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        read_at, token = entry
        if self.clock() - read_at >= seconds or (token.expires_at is not None and token.expires_at <= timezone.now()):
            with self._lock:
                self._entries.pop(key, None)
            return None
        return token

    def put(self, key: str, token: ApiToken, generation: int) -> None:
        """Keep ``token``, read when the cache was at ``generation``, unless it has been cleared since."""
        with self._lock:
            if generation != self.generation:
                return
            if len(self._entries) >= self.MAX_ENTRIES:
                self._entries.pop(next(iter(self._entries)))
            self._entries[key] = (self.clock(), token)

    def clear(self) -> None:
        with self._lock:
            self.generation += 1
            self._entries.clear()


recent_tokens = RecentTokens()


@receiver(post_save, sender=ApiToken, dispatch_uid="sibao_api_token_saved")
@receiver(post_delete, sender=ApiToken, dispatch_uid="sibao_api_token_deleted")
@receiver(post_save, sender=User, dispatch_uid="sibao_api_token_user_saved")
@receiver(post_delete, sender=User, dispatch_uid="sibao_api_token_user_deleted")
def _forget_recent_tokens(sender: Any, **kwargs: Any) -> None:
    recent_tokens.clear()


def _usable_token(raw: str) -> ApiToken | None:
    seconds = settings.SIBAO_API_TOKEN_CACHE_SECONDS
    if seconds <= 0:
        return ApiToken.objects.find(raw)
    key = token_hash(raw)
    token = recent_tokens.get(key, seconds)
    if token is None:
        generation = recent_tokens.generation
        token = ApiToken.objects.find(raw)
        if token is not None:
            recent_tokens.put(key, token, generation)
    return token


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = _usable_token(token)
        if api_token is None:
            return None
        # Touch at most once a minute: a token used by a busy system must not write on every call.
        now = timezone.now()
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
            api_token.last_used_at = now
        # A copy per request: what a request sets on its user must not reach the next one sharing the token.
        user = copy.copy(api_token.user)
        request.user = user
        return user


class ActiveSessionAuth(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if user.is_authenticated and user.is_active:
            return user
        return None


API_AUTH = [TokenAuth(), ActiveSessionAuth()]
