"""EP-9 contacts proposed from venue-code tracing (EP-7) and the shutdown request (≤ 3 days, HQ office)."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from conftest import Personas
from sibao.core.errors import PermissionRefused, ServiceError, StateRefused
from sibao.core.protected import digest
from sibao.epidemic.models import Employee
from sibao.incidents import selectors, services
from sibao.incidents.models import ContactKind, ContactSource, ShutdownState
from sibao.incidents.tests.factories import person, reported, to_retest
from sibao.venues.models import Scan
from sibao.venues.tests.factories import VenueFactory
from sibao.whitelist.selectors import ListingStatus

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
    return services.shutdown_request(
        actor=actor or personas.tongxu_epidemic,
        incident=incident,
        date_from=start,
        date_to=start + timedelta(days=days - 1),
        scope="2号车间",
        reason="车间内发现复核阳性",
    )


def test_shutdown_of_3_days_accepted_4_refused_naming_the_field(personas: Personas, confirmed) -> None:  # type: ignore[no-untyped-def]
    shutdown = ask(personas, confirmed, 3)
    assert shutdown.state == ShutdownState.REQUESTED and shutdown.days == 3
    with pytest.raises(ServiceError) as too_long:
        ask(personas, confirmed, 4)
    assert too_long.value.code == "incidents.shutdown.too_long" and too_long.value.field == "date_to"
    with pytest.raises(ServiceError) as backwards:
        services.shutdown_request(
            actor=personas.tongxu_epidemic,
            incident=confirmed,
            date_from=timezone.localdate(),
            date_to=timezone.localdate() - timedelta(days=1),
            scope="2号车间",
            reason="x",
        )
    assert backwards.value.field == "date_to"
    with pytest.raises(ServiceError) as no_scope:
        services.shutdown_request(
            actor=personas.tongxu_epidemic,
            incident=confirmed,
            date_from=timezone.localdate(),
            date_to=timezone.localdate(),
            scope="",
            reason="x",
        )
    assert no_scope.value.field == "scope"
    with pytest.raises(PermissionRefused):
        ask(personas, confirmed, 1, actor=personas.ent_b_user)
    assert ask(personas, confirmed, 2, actor=personas.ent_a_user).state == ShutdownState.REQUESTED


def test_only_the_hq_office_decides_with_a_reason(personas: Personas, confirmed) -> None:  # type: ignore[no-untyped-def]
    shutdown = ask(personas, confirmed, 3)
    assert selectors.shutdown_in_force(confirmed) is None  # the rest keeps producing
    for outsider in (personas.tongxu_epidemic, personas.ent_a_user, personas.xinzheng_hq, personas.tongxu_industry):
        with pytest.raises(PermissionRefused) as refused:
            services.shutdown_decide(actor=outsider, shutdown=shutdown, action="approve", reason="同意")
        assert refused.value.status == 403
    with pytest.raises(ServiceError) as no_reason:
        services.shutdown_decide(actor=personas.tongxu_hq, shutdown=shutdown, action="approve", reason=" ")
    assert no_reason.value.field == "reason"
    shutdown = services.shutdown_decide(
        actor=personas.tongxu_hq, shutdown=shutdown, action="approve", reason="仅限2号车间，3天"
    )
    assert shutdown.state == ShutdownState.APPROVED and shutdown.decided_by == personas.tongxu_hq
    assert shutdown.decision_reason == "仅限2号车间，3天"
    assert selectors.shutdown_in_force(confirmed) == shutdown
    with pytest.raises(StateRefused):
        services.shutdown_decide(actor=personas.tongxu_hq, shutdown=shutdown, action="refuse", reason="x")
    shutdown = services.shutdown_end(actor=personas.tongxu_epidemic, shutdown=shutdown, reason="消毒完成复产")
    assert shutdown.state == ShutdownState.ENDED and shutdown.ended_at is not None
    refused = services.shutdown_decide(
        actor=personas.tongxu_hq, shutdown=ask(personas, confirmed, 1), action="refuse", reason="无需关停"
    )
    assert refused.state == ShutdownState.REFUSED


def test_whitelist_enterprise_shutdown_needs_the_provincial_consultation(personas: Personas, confirmed) -> None:  # type: ignore[no-untyped-def]
    with mock.patch("sibao.whitelist.selectors.listing_status", return_value=ListingStatus(listed=True)):
        shutdown = ask(personas, confirmed, 3)
    assert shutdown.whitelisted
    with pytest.raises(ServiceError) as missing:
        services.shutdown_decide(actor=personas.tongxu_hq, shutdown=shutdown, action="approve", reason="同意")
    assert missing.value.field == "consultation"
    approved = services.shutdown_decide(
        actor=personas.tongxu_hq,
        shutdown=shutdown,
        action="approve",
        reason="同意",
        consultation="省指挥部与经济运行调度机制指挥部5月10日会商",
    )
    assert approved.state == ShutdownState.APPROVED and approved.consultation.startswith("省指挥部")


def test_no_shutdown_for_a_cleared_or_closed_incident(personas: Personas, staff: dict[str, Employee]) -> None:
    incident = to_retest(personas, reported(personas, staff["case"]))
    incident = services.incident_clear(actor=personas.tongxu_epidemic, incident=incident)
    with pytest.raises(StateRefused):
        ask(personas, incident, 1)
