"""The demo: idempotent, skips without employees, tells the story the pages need."""

import pytest

from conftest import Personas, make_user
from sibao.core.roles import Role
from sibao.incidents.demo import load_demo_incidents
from sibao.incidents.models import Incident, IncidentState, ShutdownState
from sibao.incidents.tests.factories import person
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
    shutdown = Incident.objects.get(state=IncidentState.CONTACTS_ISOLATED).shutdown_requests.get()
    assert shutdown.state == ShutdownState.REQUESTED and shutdown.days == 3
    assert sum(load_demo_incidents().values()) == 0
    assert Incident.objects.count() == 4
