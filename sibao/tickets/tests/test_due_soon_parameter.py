"""Issue 9 #3: the "due soon" filter and the badge read the same parameter (``tickets.due_soon_hours``) of the
region that holds the request; neither hard-codes 24 h."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import client_for, region
from sibao.parameters.registry import TICKET_DUE_SOON_HOURS
from sibao.parameters.services import parameter_set
from sibao.tickets.models import Ticket
from sibao.tickets.selectors import DeadlineState, deadline_state, due_soon_q
from sibao.tickets.tests.test_services import World, fresh, in_progress, w  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_due_soon_filter_follows_the_parameter_like_the_badge(w: World) -> None:  # noqa: F811  (w: the fixture imported above)
    ticket = in_progress(w)
    now = timezone.now()
    Ticket.objects.filter(pk=ticket.pk).update(due_at=now + timedelta(hours=50))
    assert deadline_state(fresh(ticket), now=now) == DeadlineState.ON_TIME
    assert not Ticket.objects.filter(due_soon_q(now)).exists()

    # 通许县 warns three days ahead.
    parameter_set(actor=w.p.admin, key=TICKET_DUE_SOON_HOURS.key, region=region("410222"), value=72)
    assert deadline_state(fresh(ticket), now=now) == DeadlineState.DUE_SOON
    assert Ticket.objects.filter(due_soon_q(now)).exists()

    page = client_for(w.p.tongxu_hq).get("/requests/", {"deadline": DeadlineState.DUE_SOON})
    api = client_for(w.p.tongxu_hq).get("/api/requests", {"deadline": DeadlineState.DUE_SOON}).json()
    assert ticket.number in page.content.decode()
    assert [item["number"] for item in api["items"]] == [ticket.number]
    assert api["items"][0]["deadline_state"] == DeadlineState.DUE_SOON


def test_another_countys_value_does_not_apply(w: World) -> None:  # noqa: F811  (w: the fixture imported above)
    ticket = in_progress(w)
    now = timezone.now()
    Ticket.objects.filter(pk=ticket.pk).update(due_at=now + timedelta(hours=50))
    parameter_set(actor=w.p.admin, key=TICKET_DUE_SOON_HOURS.key, region=region("410184"), value=72)
    assert deadline_state(fresh(ticket), now=now) == DeadlineState.ON_TIME
    assert not Ticket.objects.filter(due_soon_q(now)).exists()
