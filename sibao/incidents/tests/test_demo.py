"""The demo: idempotent, skips without employees, tells the story the pages need."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import Personas, make_user
from sibao.core.roles import Role
from sibao.core.workflow import history
from sibao.emergency.models import ShutdownState
from sibao.incidents.demo import load_demo_incidents
from sibao.incidents.models import Incident, IncidentState
from sibao.incidents.tests.factories import person
from sibao.notifications.models import Notification
from sibao.regions.models import Region
from sibao.sentinel.models import SentinelWarning, WarningKind

pytestmark = pytest.mark.django_db


def test_demo_skips_without_users_or_employees(personas: Personas) -> None:
    assert sum(load_demo_incidents().values()) == 0
    make_user("tongxu_ent1", Role.ENTERPRISE, enterprise=personas.ent_a)
    make_user("tongxu_epidemic", Role.EPIDEMIC, region=Region.objects.get(code="410222"))
    assert sum(load_demo_incidents().values()) == 0


def test_demo_incidents_once(personas: Personas) -> None:
    make_user("tongxu_ent1", Role.ENTERPRISE, enterprise=personas.ent_a)
    make_user("tongxu_epidemic", Role.EPIDEMIC, region=Region.objects.get(code="410222"))
    for index in range(7):
        person(personas, f"4102221990{index + 1:02d}1512{index}", f"员工{index}")
    counts = load_demo_incidents()
    assert counts == {"closed": 1, "open": 1, "overdue": 1, "confirmed": 1, "contacts": 3, "shutdown_requests": 1}
    states = sorted(Incident.objects.values_list("state", flat=True))
    assert states == sorted(
        [IncidentState.CLOSED, IncidentState.OBSERVATION, IncidentState.OBSERVATION, IncidentState.CONTACTS_ISOLATED]
    )
    assert SentinelWarning.objects.filter(kind=WarningKind.INCIDENT_DEADLINE).count() == 1
    shutdown = Incident.objects.get(state=IncidentState.CONTACTS_ISOLATED).shutdowns.get()
    assert shutdown.state == ShutdownState.PROPOSED and shutdown.days == 3
    assert sum(load_demo_incidents().values()) == 0
    assert Incident.objects.count() == 4


def test_demo_times_tell_one_story(personas: Personas) -> None:
    """Issue 9 #8: no demo incident shows a re-test deadline before its report, nor a history, contact
    isolation or message dated outside its own timeline."""
    make_user("tongxu_ent1", Role.ENTERPRISE, enterprise=personas.ent_a)
    make_user("tongxu_epidemic", Role.EPIDEMIC, region=Region.objects.get(code="410222"))
    for index in range(7):
        person(personas, f"4102221990{index + 1:02d}1512{index}", f"员工{index}")
    load_demo_incidents()
    now = timezone.now()
    second = timedelta(seconds=1)
    for incident in Incident.objects.all():
        reported = incident.reported_at
        assert incident.retest_due_at > reported
        rows = list(history(incident).order_by("at", "pk"))
        assert rows[0].action == "create" and abs(rows[0].at - reported) < second
        assert all(reported - second <= row.at <= now for row in rows), incident
        for moment in (incident.observed_at, incident.retest_sampled_at, incident.result_at, incident.closed_at):
            assert moment is None or reported - second <= moment <= now
        for contact in incident.contacts.all():
            assert contact.isolated_at is None or contact.isolated_at >= reported - second
            assert contact.released_at is None or contact.released_at >= (contact.isolated_at or reported)
        sent = Notification.objects.filter(link=f"/incidents/{incident.pk}/")
        assert all(message.created_at >= reported - second for message in sent)
    closed = Incident.objects.get(state=IncidentState.CLOSED)
    assert closed.quiet_period_until is not None and closed.quiet_period_until < now
    assert closed.result_at is not None and closed.result_at < now - timedelta(days=7)
