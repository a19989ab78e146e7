"""EP-4 两码一证 (001#annex2-二.4, 三.5): a person's health code, itinerary and negative-test certificate, each
with why it passes or not — green code, no arrival from a county with a risk area within the 7-day window, a
negative test within the person's 48-hour cadence — on the person's code page and through the API; another
county's person is 404."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import Personas, client_for
from sibao.epidemic.models import CodeColour, Employee
from sibao.health.selectors import two_codes_one_certificate
from sibao.health.services import arrival_mark_arrived
from sibao.health.tests.factories import NUMBERS, employee
from sibao.health.tests.test_arrivals import register, risk_county

pytestmark = pytest.mark.django_db


def _tested(person: Employee, hours_ago: int) -> Employee:
    at = timezone.now() - timedelta(hours=hours_ago)
    Employee.objects.filter(pk=person.pk).update(last_test_at=at, last_negative_test_at=at)
    return Employee.objects.select_related("enterprise__region").get(pk=person.pk)


def _state(person: Employee) -> dict[str, bool]:
    return {c.key: c.ok for c in two_codes_one_certificate(person).credentials}


def test_green_code_no_risky_trip_and_a_test_within_48_hours_are_in_order(personas: Personas) -> None:
    person = _tested(employee(personas.ent_a, "钱顺"), hours_ago=47)
    assert _state(person) == {"code": True, "itinerary": True, "certificate": True}
    assert _state(_tested(person, hours_ago=49))["certificate"] is False  # the 48 hours of 二.1
    Employee.objects.filter(pk=person.pk).update(health_code=CodeColour.YELLOW)
    assert _state(_tested(person, 1))["code"] is False


def test_an_arrival_from_a_risk_county_within_seven_days_fails_the_itinerary(personas: Personas) -> None:
    risk_county(personas)
    person = _tested(employee(personas.ent_a, "郑返岗"), hours_ago=2)
    registration = register(personas, number=NUMBERS[person.pk], kind="returnee")
    arrival_mark_arrived(actor=None, registration=registration, arrived_at=timezone.now() - timedelta(days=1))
    credentials = two_codes_one_certificate(person)
    itinerary = next(c for c in credentials.credentials if c.key == "itinerary")
    assert not credentials.ok and not itinerary.ok and "返回" in itinerary.detail
    type(registration).objects.filter(pk=registration.pk).update(arrived_at=timezone.now() - timedelta(days=8))
    assert _state(person)["itinerary"] is True  # outside the 7 days of logistics.itinerary_days


def test_the_page_and_the_api_show_the_same_and_only_in_scope(personas: Personas) -> None:
    person = _tested(employee(personas.ent_a, "钱顺"), hours_ago=60)
    page = client_for(personas.tongxu_epidemic).get(f"/health/codes/{person.pk}/").content.decode()
    assert "两码一证" in page and 'data-credential="certificate" data-ok="0"' in page and "已超时" in page
    answer = client_for(personas.tongxu_epidemic).get(f"/api/health/codes/{person.pk}/credentials").json()
    assert answer["ok"] is False
    assert [(c["key"], c["ok"]) for c in answer["credentials"]] == [
        ("code", True),
        ("itinerary", True),
        ("certificate", False),
    ]
    assert client_for(personas.xinzheng_hq).get(f"/api/health/codes/{person.pk}/credentials").status_code == 404
