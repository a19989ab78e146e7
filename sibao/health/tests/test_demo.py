"""The demo data: risk areas, a week of reports, arrivals with both coding branches and one unregistered
sighting; a second run adds nothing."""

import pytest
from django.utils import timezone

from conftest import Personas, make_user, region
from sibao.core.roles import Role
from sibao.health.demo import load_demo_health
from sibao.health.models import ArrivalRegistration, CodingDecision, DailyReport
from sibao.health.tests.factories import employee, whitelist_ent_a
from sibao.sentinel.models import SentinelWarning, WarningKind

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_shows_each_rule(personas: Personas) -> None:
    make_user("tongxu_epidemic", Role.EPIDEMIC, region=region("410222"))
    whitelist_ent_a(personas)
    employee(personas.ent_a, "演示员工")
    counts = load_demo_health()
    assert counts == {"risk_areas": 2, "reports": 7, "arrivals": 3, "sightings": 1}
    assert load_demo_health() == {"risk_areas": 0, "reports": 0, "arrivals": 0, "sightings": 0}
    assert DailyReport.objects.filter(enterprise=personas.ent_a, day=timezone.localdate()).exists()
    assert DailyReport.objects.filter(symptom_count=1).count() == 1
    codings = set(ArrivalRegistration.objects.values_list("coding", flat=True))
    assert codings == {CodingDecision.PENDING, CodingDecision.RED_ISOLATION, CodingDecision.TEST_REQUIRED}
    assert SentinelWarning.objects.filter(kind=WarningKind.UNREGISTERED_ARRIVAL).count() == 1
    assert SentinelWarning.objects.filter(kind=WarningKind.SYMPTOMS).count() == 1


def test_demo_skips_without_its_users(db: None) -> None:
    assert load_demo_health() == {"risk_areas": 0, "reports": 0, "arrivals": 0, "sightings": 0}
