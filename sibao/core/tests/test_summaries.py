"""The kernel's maintained summaries and the command screen's registry (issues 10 and 11)."""

from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from sibao.core.panels import Figure, Panel, registered_panels
from sibao.core.summaries import Summary, refresh_due, refreshed_at, schedule_refresh

pytestmark = pytest.mark.django_db
CALLS: list[Any] = []


def rebuild(now: Any) -> int:
    CALLS.append(now)
    return 7


def figures(view: Any) -> list[Figure]:
    return [Figure("x", 1)]


PANEL = Panel("test", "测试", order=5, figures=figures)


@pytest.fixture
def declared(monkeypatch: pytest.MonkeyPatch) -> None:
    CALLS.clear()
    for other in apps.get_app_configs():  # apps' own summaries (readiness) are tested in their apps
        if getattr(other, "summaries", None):
            monkeypatch.setattr(other, "summaries", [])
    config = apps.get_app_config("core")
    summary = Summary("test.rebuild", "sibao.core.tests.test_summaries.rebuild", every_minutes=5)
    monkeypatch.setattr(config, "summaries", [summary], raising=False)
    monkeypatch.setattr(config, "screen_panels", ["sibao.core.tests.test_summaries.PANEL"], raising=False)


def test_a_summary_is_rebuilt_when_older_than_its_interval_and_says_when(declared: None) -> None:
    now = timezone.now()
    assert refreshed_at("test.rebuild") is None  # never built: a page says so instead of showing a stale time
    assert refresh_due(now) == ["test.rebuild"]
    assert refresh_due(now + timedelta(minutes=4)) == []  # still fresh
    assert refresh_due(now + timedelta(minutes=5)) == ["test.rebuild"]
    assert len(CALLS) == 2
    assert refreshed_at("test.rebuild") == now + timedelta(minutes=5)


def test_the_scheduler_enqueues_the_refresh_once_a_minute(
    declared: None, django_capture_on_commit_callbacks: Any
) -> None:
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule_refresh(now) is not None  # the test backend runs the task at once
    assert refreshed_at("test.rebuild") is not None


def test_apps_contribute_panels_through_their_appconfig(declared: None) -> None:
    assert PANEL in registered_panels()
