"""The demo requests that ``load_demo`` plays through the services: every state, real history, idempotency."""

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from sibao.accounts.models import User
from sibao.core.models import TransitionLog
from sibao.core.workflow import history
from sibao.notifications.models import Notification
from sibao.tickets.demo import COUNTIES, load_demo_tickets
from sibao.tickets.models import CommonIssue, SupervisionNotice, Ticket, TicketNote, TicketState
from sibao.tickets.selectors import DeadlineState, deadline_state, likely_duplicates, unit_queue

S = TicketState


CODES = {county.code: county for county in COUNTIES}


def county_tickets(code: str) -> Any:
    return Ticket.objects.filter(enterprise__region__path__contains=f"/{code}/")


@pytest.mark.parametrize("code", CODES)
def test_about_thirty_requests_per_county_over_three_weeks(code: str) -> None:
    tickets = county_tickets(code)
    assert 30 <= tickets.count() <= 45
    oldest = min(tickets.values_list("filed_at", flat=True))
    assert timezone.now() - timedelta(days=22) < oldest < timezone.now() - timedelta(days=14)
    assert len(set(tickets.values_list("category", flat=True))) >= 7
    assert len(set(tickets.values_list("enterprise", flat=True))) >= 25
    for ticket in tickets:  # numbered by the day they were filed
        assert ticket.number.startswith(f"SQ{timezone.localtime(ticket.filed_at):%Y%m%d}")


@pytest.mark.parametrize("code", CODES)
def test_every_state_of_the_loop_is_present(code: str) -> None:
    tickets = list(county_tickets(code))
    states = Counter(ticket.state for ticket in tickets)
    assert set(states) == set(S.values)
    deadlines = Counter(deadline_state(ticket) for ticket in tickets)
    assert deadlines[DeadlineState.OVERDUE] >= 2
    assert deadlines[DeadlineState.DUE_SOON] >= 1
    assert deadlines[DeadlineState.PAUSED] >= 1
    assert deadlines[DeadlineState.ON_TIME] >= 5
    reopened = [t for t in tickets if t.reopen_count and t.state == S.IN_PROGRESS]
    assert reopened and all(t.rating_comment and t.unit for t in reopened)
    escalated = [t for t in tickets if t.escalation_count]
    assert {t.holder_region.code for t in escalated} == {CODES[code].code[:4] + "00"}  # 开封市 / 郑州市
    assert SupervisionNotice.objects.filter(ticket__in=tickets).exists()


@pytest.mark.parametrize("code", CODES)
def test_common_issues_one_answered_for_several_firms_one_open(code: str) -> None:
    issues = CommonIssue.objects.filter(region__code=code)
    answered = issues.get(answered_at__isnull=False)
    assert answered.tickets.values("enterprise").distinct().count() >= 3
    assert {t.reply for t in answered.tickets.all()} <= {answered.answer}
    assert not answered.tickets.filter(state=S.LINKED).exists()
    still_open = issues.get(answered_at__isnull=True)
    assert still_open.tickets.filter(state=S.LINKED).count() >= 2
    twins = likely_duplicates(still_open.tickets.order_by("filed_at").last())
    assert twins  # the linked requests read alike


def test_history_is_backdated_and_consistent() -> None:
    now = timezone.now()
    for ticket in Ticket.objects.all():
        steps = list(history(ticket))
        assert steps[0].action == "create" and steps[0].at == ticket.filed_at
        assert [step.at for step in steps] == sorted(step.at for step in steps)
        assert steps[-1].to_state == ticket.state and steps[-1].at <= now
        if ticket.assigned_at:
            assert ticket.assigned_at > ticket.filed_at
        if ticket.closed_at:
            assert ticket.filed_at < ticket.answered_at < ticket.rated_at < ticket.verified_at < ticket.closed_at
    assert TicketNote.objects.filter(created_at__lt=now - timedelta(days=7)).exists()
    assert Notification.objects.filter(topic="tickets.filed", created_at__lt=now - timedelta(days=14)).exists()


def test_departments_act_for_their_units() -> None:
    for county in COUNTIES:
        for suffix in ("industry", "commerce"):
            user = User.objects.get(username=f"{county.prefix}_{suffix}")
            assert user.unit is not None and user.unit.region.code == county.code
        assert unit_queue(User.objects.get(username=f"{county.prefix}_industry")).exists()
    actors = TransitionLog.objects.filter(workflow="tickets.ticket", action="answer").select_related("actor")
    assert actors and all(entry.actor.unit_id for entry in actors)


def test_walk_through_enterprise_has_something_to_do() -> None:
    user = User.objects.get(username="tongxu_ent1")
    mine = Ticket.objects.visible_to(user)
    assert mine.filter(state=S.WAITING).exists()
    assert mine.filter(state=S.ANSWERED).exists()
    assert Notification.objects.inbox_of(user).filter(topic="tickets.info_requested").exists()


def test_running_again_changes_nothing() -> None:
    models = [Ticket, TicketNote, CommonIssue, SupervisionNotice, TransitionLog, Notification, User]

    def snapshot() -> dict[str, Any]:
        counts: dict[str, Any] = {model.__name__: model.objects.count() for model in models}
        counts["states"] = sorted(Ticket.objects.values_list("pk", "state", "due_at"))
        return counts

    before = snapshot()
    assert load_demo_tickets() == {"tongxu": 0, "xinzheng": 0}
    call_command("load_demo", verbosity=0)
    assert snapshot() == before
