"""EP-7 精准流调: visits of a case and everyone whose stay overlapped (|Δt| < window), one query each."""

from datetime import UTC, datetime, timedelta

import pytest

from conftest import Personas
from sibao.core.protected import digest
from sibao.epidemic.services import employee_create
from sibao.epidemic.tests.test_employees import id_number
from sibao.venues.models import Scan
from sibao.venues.tests.factories import VenueFactory
from sibao.venues.tracing import trace, within_window

pytestmark = pytest.mark.django_db

CASE = id_number("41022219900101123")
KNOWN = id_number("41022219850505321")
T0 = datetime(2026, 5, 10, 2, 0, tzinfo=UTC)


def scan(venue, number_or_digest: str, at: datetime) -> Scan:
    value = number_or_digest if len(number_or_digest) == 64 else digest(number_or_digest)
    return Scan.objects.create(venue=venue, id_digest=value, scanned_at=at)


@pytest.fixture
def scans(personas: Personas):
    gate = VenueFactory(enterprise=personas.ent_a, name="1号门")
    canteen = VenueFactory(enterprise=personas.ent_a, name="食堂")
    known = employee_create(
        actor=personas.ent_a_user, enterprise=personas.ent_a, data={"name": "李四", "id_number": KNOWN}
    )
    scan(gate, CASE, T0)
    scan(gate, CASE, T0 + timedelta(minutes=5))  # the case itself twice: never its own contact
    scan(gate, KNOWN, T0 + timedelta(minutes=29, seconds=59))  # inside the 30-minute window
    scan(gate, "a" * 64, T0 - timedelta(minutes=29))  # inside, before the case, unregistered
    scan(gate, "b" * 64, T0 - timedelta(minutes=30))  # exactly one window before the first scan …
    scan(gate, "c" * 64, T0 + timedelta(minutes=35))  # exactly one window after the second: outside
    scan(gate, "d" * 64, T0 + timedelta(minutes=40))  # well outside
    scan(canteen, "e" * 64, T0)  # same time, other venue
    scan(canteen, CASE, T0 + timedelta(days=20))  # outside the period
    scan(canteen, "f" * 64, T0 + timedelta(days=20))  # … so not a contact either
    return gate, canteen, known


def test_trace_finds_visits_and_overlapping_stays_only(scans) -> None:
    _gate, _canteen, known = scans
    result = trace(case_digest=digest(CASE), start=T0 - timedelta(days=1), end=T0 + timedelta(days=13))
    assert [(v.venue_name, v.scanned_at) for v in result.visits] == [
        ("1号门", T0),
        ("1号门", T0 + timedelta(minutes=5)),
    ]
    people = {c.id_digest for c in result.contacts}
    assert people == {digest(KNOWN), "a" * 64}  # b and c exactly a window apart, d later, e elsewhere
    assert digest(CASE) not in people
    named = next(c for c in result.contacts if c.id_digest == digest(KNOWN))
    assert named.name == "李四" and named.employee_id == known.pk and named.enterprise_id == known.enterprise_id
    unknown = next(c for c in result.contacts if c.id_digest == "a" * 64)
    assert unknown.employee_id is None and unknown.name.endswith("aaaaaaaa")
    assert all(within_window(c.case_scanned_at, c.contact_scanned_at, 30) for c in result.contacts)


def test_window_parameter_and_argument(scans) -> None:
    result = trace(case_digest=digest(CASE), start=T0, end=T0 + timedelta(days=1), window_minutes=31)
    assert {c.id_digest for c in result.contacts} >= {"b" * 64}
    assert "d" * 64 not in {c.id_digest for c in result.contacts}
    narrow = trace(case_digest=digest(CASE), start=T0, end=T0 + timedelta(days=1), window_minutes=1)
    assert narrow.contacts == []


def test_within_limits_to_a_region_subtree(scans, personas: Personas) -> None:
    other = trace(case_digest=digest(CASE), start=T0, end=T0 + timedelta(days=1), within="410000/410100/")
    assert other.visits == [] and other.contacts == []
    own = trace(case_digest=digest(CASE), start=T0, end=T0 + timedelta(days=1), within=personas.ent_a.region.path)
    assert len(own.visits) == 2
