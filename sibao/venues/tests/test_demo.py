"""EP-7 demo: venue codes of whitelisted 通许县 enterprises with one coverage gap, scans that trace."""

from datetime import timedelta

import pytest
from django.db.models import Q
from django.utils import timezone

from conftest import Personas
from sibao.epidemic.services import employee_create
from sibao.epidemic.tests.test_employees import id_number
from sibao.venues import demo
from sibao.venues.models import Scan, Venue
from sibao.venues.selectors import coverage
from sibao.venues.tracing import trace

pytestmark = pytest.mark.django_db


def test_demo_without_whitelisted_enterprises_does_nothing(personas: Personas) -> None:
    assert demo.load_demo_venues() == {"enterprises": 0, "venues": 0, "scans": 0}


def test_demo_codes_scans_gap_and_idempotence(personas: Personas, monkeypatch) -> None:
    monkeypatch.setattr(demo, "whitelisted_q", Q)  # both 通许县 enterprises count as whitelisted
    people = [
        employee_create(
            actor=personas.ent_a_user,
            enterprise=personas.ent_a,
            data={"name": f"员工{n}", "id_number": id_number(f"41022219900101{n}12")},
        )
        for n in range(3)
    ]
    first = demo.load_demo_venues()
    assert first["enterprises"] == 2 and first["venues"] == 12 and first["scans"] == 3 * 3 * 5
    assert demo.load_demo_venues() == {"enterprises": 2, "venues": 0, "scans": 0}
    gaps = [e for e in (personas.ent_a, personas.ent_b) if not all(r.passed for r in coverage(e))]
    assert len(gaps) == 1
    assert Venue.objects.filter(enterprise=personas.ent_a).count() == 6
    now = timezone.now()
    result = trace(case_digest=people[0].id_digest, start=now - timedelta(days=4), end=now)
    assert len(result.visits) == 15 and {c.name for c in result.contacts} == {"员工1", "员工2"}
    assert Scan.objects.count() == 45
