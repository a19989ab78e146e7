"""Policies for tests: the shipped ones (or any data) created, published and matched at once."""

from collections.abc import Callable, Mapping
from typing import Any

from django.utils import timezone

from conftest import region
from sibao.policies.models import Policy
from sibao.policies.services import match_refresh_policy, policy_create, policy_publish


def published(actor: Any, data: Mapping[str, Any] | Callable[[], Mapping[str, Any]], *, at: str = "410000") -> Policy:
    """Create and publish a policy applying in region ``at``, then match it (the background run, done here)."""
    values = dict(data() if callable(data) else data)
    values.setdefault("region", region(at))
    policy = policy_create(actor=actor, data=values)
    policy = policy_publish(actor=actor, policy=policy)
    match_refresh_policy(policy, today=timezone.localdate(), now=timezone.now())
    return policy
