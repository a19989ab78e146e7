"""RQ-6: warnings before and after a deadline passes. The responsible unit is told once when its request becomes
due soon (the region's ``tickets.due_soon_hours``, 24 h by default), the unit and the holding HQ office once when
it is overdue; a moved deadline is warned of again, a paused request not at all, and the scheduler runs it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sibao.core.scheduling import periodic_jobs
from sibao.notifications.models import Notification
from sibao.tickets.models import Ticket
from sibao.tickets.services import deadline_warnings_send, ticket_request_info
from sibao.tickets.tasks import warn_deadlines
from sibao.tickets.tests.test_services import World, fresh, in_progress, w  # noqa: F401

pytestmark = pytest.mark.django_db


def told(user: object, topic: str) -> int:
    return Notification.objects.filter(user=user, topic=topic).count()


def test_the_unit_is_warned_once_before_and_once_after_its_deadline(w: World) -> None:  # noqa: F811
    ticket = in_progress(w)
    now = timezone.now()
    Ticket.objects.filter(pk=ticket.pk).update(due_at=now + timedelta(hours=25))
    assert deadline_warnings_send(now) == (0, 0)  # 25 h ahead: not yet within the 24 h

    Ticket.objects.filter(pk=ticket.pk).update(due_at=now + timedelta(hours=23))
    assert deadline_warnings_send(now) == (1, 0)
    assert deadline_warnings_send(now) == (0, 0)  # the same deadline is not warned of twice
    assert told(w.p.tongxu_industry, "tickets.due_soon") == 1 and told(w.p.tongxu_hq, "tickets.due_soon") == 0
    message = Notification.objects.get(user=w.p.tongxu_industry, topic="tickets.due_soon")
    assert ticket.number in message.shown_title

    later = now + timedelta(hours=23, seconds=1)
    assert deadline_warnings_send(later) == (0, 1)
    assert deadline_warnings_send(later) == (0, 0)
    assert told(w.p.tongxu_industry, "tickets.overdue") == 1 and told(w.p.tongxu_hq, "tickets.overdue") == 1

    # A new deadline (reassigned, or the clock moved by a pause) is a new one: warned of again.
    Ticket.objects.filter(pk=ticket.pk).update(due_at=later + timedelta(hours=2))
    assert deadline_warnings_send(later) == (1, 0)
    assert told(w.p.tongxu_industry, "tickets.due_soon") == 2


def test_a_paused_request_is_not_warned_and_the_scheduler_runs_the_warnings(w: World) -> None:  # noqa: F811
    paused = ticket_request_info(actor=w.p.tongxu_industry, ticket=in_progress(w), question="请提供合同。")
    Ticket.objects.filter(pk=paused.pk).update(due_at=timezone.now() - timedelta(hours=1))
    assert deadline_warnings_send() == (0, 0)
    assert fresh(paused).warned_overdue is None

    assert warn_deadlines in periodic_jobs()
    running = in_progress(w)
    Ticket.objects.filter(pk=running.pk).update(due_at=timezone.now() - timedelta(minutes=5))
    assert warn_deadlines() == "0 due soon, 1 overdue"
    assert warn_deadlines() is None
