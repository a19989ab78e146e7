"""Issue 9 #1: after the first scheduler pass of `make run`, the figures agree — the overdue list and the
overdue-test warnings count the same people, for every officer and for the enterprise itself, whitelisted
or not, with a county that sets its own cadence."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from conftest import Personas, client_for, region
from sibao.epidemic.models import Employee, PostType
from sibao.parameters.registry import EPIDEMIC_TEST_INTERVAL_HOURS
from sibao.parameters.services import parameter_set
from sibao.sentinel.models import SentinelWarning, WarningKind
from sibao.sentinel.tests.helpers import person, whitelist

pytestmark = pytest.mark.django_db


def demo_like(personas: Personas) -> None:
    """A whitelisted enterprise and two that are not, people tested 10 h to 3 days ago or never, a logistics
    post, and 通许县 testing everyone every 24 h."""
    whitelist(personas.ent_a, personas.tongxu_hq)
    parameter_set(actor=personas.admin, key=EPIDEMIC_TEST_INTERVAL_HOURS.key, region=region("410222"), value=24)
    now = timezone.now()
    number = 100
    for enterprise in (personas.ent_a, personas.ent_b, personas.ent_xinzheng):
        for hours in (None, 10, 30, 50, 80):
            for post in (PostType.NORMAL, PostType.LOGISTICS):
                number += 1
                employee = person(enterprise, f"41022219900101{number:03d}", admin=personas.admin, post=post)
                if hours is not None:
                    at = now - timedelta(hours=hours)
                    Employee.objects.filter(pk=employee.pk).update(last_test_at=at, last_negative_test_at=at)


def test_after_the_first_scheduler_pass_the_overdue_list_and_the_warnings_agree(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    demo_like(personas)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("schedule_jobs")  # the scheduler's entry point; tasks run at once in tests

    # 通许县 (24 h): never, 30 h, 50 h, 80 h × 2 posts = 8 per enterprise; 新郑市 (48 h, 24 h logistics): 7.
    expected = {
        personas.henan_hq: 23,
        personas.kaifeng_hq: 16,
        personas.tongxu_epidemic: 16,
        personas.xinzheng_hq: 7,
        personas.ent_a_user: 8,
        personas.ent_b_user: 8,
    }
    for user, count in expected.items():
        client = client_for(user)
        overdue_page = client.get("/employees/overdue/")
        assert overdue_page.status_code == 200, user
        listed = overdue_page.context["page"].paginator.count
        warned = (
            SentinelWarning.objects.visible_to(user)
            .filter(kind=WarningKind.OVERDUE_TEST, status__in=["open", "handling"])
            .count()
        )
        assert listed == warned == count, user.username
