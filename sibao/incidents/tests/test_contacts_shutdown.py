"""EP-9 contacts proposed from venue-code tracing (EP-7) and the shutdown proposed from an incident (EM-4)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import Personas
from sibao.core.errors import PermissionRefused, ServiceError, StateRefused
from sibao.core.protected import digest
from sibao.emergency.models import ShutdownState
from sibao.emergency.services import shutdown_propose
from sibao.epidemic.models import Employee
from sibao.incidents import selectors, services
from sibao.incidents.models import ContactKind, ContactSource
from sibao.incidents.tests.factories import person, reported, to_retest
from sibao.venues.models import Scan
from sibao.venues.tests.factories import VenueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(personas: Personas) -> dict[str, Employee]:
    return {
        "case": person(personas, "41022219900101123", "王建军"),
        "close": person(personas, "41022219910202234", "李明"),
        "secondary": person(personas, "41022219920303345", "张华"),
        "far": person(personas, "41018419950505789", "赵磊", personas.ent_xinzheng),
    }


def test_tracing_proposes_close_and_secondary_employee_contacts(personas: Personas, staff: dict[str, Employee]) -> None:
    now = timezone.now()
    gate = VenueFactory(enterprise=personas.ent_a, name="1号门")
    canteen = VenueFactory(enterprise=personas.ent_a, name="食堂")
    case, close, secondary, far = staff["case"], staff["close"], staff["secondary"], staff["far"]
    t = now - timedelta(hours=10)
    Scan.objects.create(venue=gate, id_digest=case.id_digest, scanned_at=t)
    Scan.objects.create(venue=gate, id_digest=close.id_digest, scanned_at=t + timedelta(minutes=10))
    Scan.objects.create(venue=gate, id_digest=far.id_digest, scanned_at=t + timedelta(minutes=5))  # outside area
    Scan.objects.create(venue=gate, id_digest=digest("visitor"), scanned_at=t + timedelta(minutes=3))  # no record
    Scan.objects.create(venue=gate, id_digest=secondary.id_digest, scanned_at=t + timedelta(hours=2))  # too late
    Scan.objects.create(venue=canteen, id_digest=close.id_digest, scanned_at=t + timedelta(hours=3))
    Scan.objects.create(venue=canteen, id_digest=secondary.id_digest, scanned_at=t + timedelta(hours=3, minutes=5))
    Scan.objects.create(venue=canteen, id_digest=case.id_digest, scanned_at=now - timedelta(days=9))  # before window
    incident = to_retest(personas, reported(personas, case))
    proposal = services.contacts_propose(actor=personas.tongxu_epidemic, incident=incident)
    assert (proposal.added, proposal.outside_area, proposal.not_employees) == (2, 1, 1)
    kinds = {c.employee_id: (c.kind, c.source, c.venue_name) for c in incident.contacts.all()}
    assert kinds == {
        close.pk: (ContactKind.CLOSE, ContactSource.TRACED, "1号门"),
        secondary.pk: (ContactKind.SECONDARY, ContactSource.TRACED, "食堂"),
    }
    again = services.contacts_propose(actor=personas.tongxu_epidemic, incident=incident)
    assert again.added == 0 and incident.contacts.count() == 2
    with pytest.raises(PermissionRefused):
        services.contacts_propose(actor=personas.ent_a_user, incident=incident)


def test_trace_starts_at_the_last_negative_test(personas: Personas, staff: dict[str, Employee]) -> None:
    last_negative = timezone.now() - timedelta(hours=30)
    Employee.objects.filter(pk=staff["case"].pk).update(last_negative_test_at=last_negative)
    incident = reported(personas, Employee.objects.get(pk=staff["case"].pk))
    assert incident.trace_from == last_negative
    Employee.objects.filter(pk=staff["case"].pk).update(last_negative_test_at=None)
    other = reported(personas, staff["close"])
    assert other.reported_at - other.trace_from == timedelta(days=7)  # at most one quiet period back


@pytest.fixture
def confirmed(personas: Personas, staff: dict[str, Employee]):  # type: ignore[no-untyped-def]
    incident = to_retest(personas, reported(personas, staff["case"]))
    return services.incident_confirm(actor=personas.tongxu_epidemic, incident=incident)


def ask(personas: Personas, incident, days: int, actor=None):  # type: ignore[no-untyped-def]
    start = timezone.localdate()
    return shutdown_propose(
        actor=actor or personas.tongxu_epidemic,
        enterprise=incident.enterprise,
        incident=incident,
        cause="epidemic_case",
        date_from=start,
        date_to=start + timedelta(days=days - 1),
        scope="2号车间",
        reason="车间内发现复核阳性",
    )


def test_a_shutdown_linked_to_the_incident_waits_for_both_hq_offices(personas: Personas, confirmed) -> None:  # type: ignore[no-untyped-def]
    """EM-4 replaced the one-office decision: the incident's shutdown is the emergency app's, in force only once
    both offices approved (tested in sibao/emergency/tests/test_shutdowns.py)."""
    shutdown = ask(personas, confirmed, 3)
    assert shutdown.state == ShutdownState.PROPOSED and shutdown.incident == confirmed and shutdown.days == 3
    assert selectors.shutdown_in_force(confirmed) is None  # the rest keeps producing
    with pytest.raises(ServiceError) as too_long:
        ask(personas, confirmed, 4)
    assert too_long.value.code == "emergency.shutdown.too_long" and too_long.value.field == "date_to"
    with pytest.raises(PermissionRefused):  # the enterprise itself does not propose (a township or department does)
        ask(personas, confirmed, 1, actor=personas.ent_a_user)


def test_no_shutdown_for_a_cleared_or_closed_incident(personas: Personas, staff: dict[str, Employee]) -> None:
    incident = to_retest(personas, reported(personas, staff["case"]))
    incident = services.incident_clear(actor=personas.tongxu_epidemic, incident=incident)
    with pytest.raises(StateRefused):
        ask(personas, incident, 1)
