"""Test settings: the real settings with a fast password hasher (PBKDF2 costs ~0.5 s a hash here)."""

from sibao.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Uploaded files go to a throwaway directory, never into var/media of a developer's checkout.
import tempfile  # noqa: E402

MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="sibao-test-media-"))  # noqa: F405

# Tasks run at once inside the test, so their effects can be asserted directly.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# The append-only triggers of the audit log (sibao/core/audit.py) would refuse the flush that empties every
# table after a browser test; tests of the guard turn it back on.
SIBAO_AUDIT_GUARD = False

# A query-count test compares two requests of one session: on a slow machine a minute could pass between them
# and the idle clock's once-a-minute write would count as a query of the page. The session tests keep the
# production value (sibao/accounts/tests/conftest.py).
SESSION_LAST_SEEN_RESOLUTION_SECONDS = 24 * 3600

# Every request reads its API token, as query-count tests and tests that deactivate a user with a queryset
# update expect; the cache has its own tests (sibao/accounts/tests/test_api_token_cache.py).
SIBAO_API_TOKEN_CACHE_SECONDS = 0
