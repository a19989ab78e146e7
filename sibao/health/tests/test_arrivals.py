"""EP-5 入豫报备 and EP-4 差异化赋码 on arrival (001#annex2-二.3/二.4): arrivals from a risk county get a red
code and 7 days of centralised isolation; others a test within 24 h; an unregistered arrival is a warning
until registered after the fact. ID numbers exist only as digest and masked form."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from conftest import Personas, region
from sibao.core.errors import ServiceError
from sibao.core.protected import digest
from sibao.epidemic import models as epidemic
from sibao.epidemic.models import CodeColour, Employee, Zone
from sibao.health.models import (
    ArrivalRegistration,
    ArrivalSighting,
    CodeBasis,
    CodingDecision,
    HealthCodeChange,
    RiskLevel,
)
from sibao.health.selectors import ArrivalStatus, arrival_get, arrival_status
from sibao.health.services import arrival_mark_arrived, arrival_register, arrival_sighted, risk_area_create
from sibao.health.tests.factories import NUMBERS, employee, id_number, whitelist_ent_a
from sibao.parameters.models import ParameterOverride
from sibao.parameters.registry import EPIDEMIC_ARRIVAL_TEST_HOURS, EPIDEMIC_RISK_ARRIVAL_ISOLATION_DAYS
from sibao.sentinel.models import SentinelWarning, WarningKind, WarningStatus

pytestmark = pytest.mark.django_db

VISITOR_NUMBER = id_number("11010519850312001")


def risk_county(personas: Personas, code: str = "410103") -> None:
    risk_area_create(
        actor=personas.tongxu_epidemic,
        data={
            "county": region(code),
            "level": RiskLevel.MEDIUM,
            "valid_from": timezone.localdate() - timedelta(days=2),
        },
    )


def register(
    personas: Personas, number: str = VISITOR_NUMBER, origin: str = "410103", **extra: object
) -> ArrivalRegistration:
    data = {
        "kind": "visitor",
        "name": "孙来访",
        "id_number": number,
        "phone": "13800001111",
        "origin_county": region(origin),
        "expected_date": timezone.localdate(),
        **extra,
    }
    return arrival_register(actor=personas.ent_a_user, enterprise=personas.ent_a, data=data)


def test_an_arrival_from_a_risk_county_gets_red_and_seven_days_isolation(personas: Personas) -> None:
    risk_county(personas)
    person = employee(personas.ent_b, "周返岗")
    registration = arrival_register(
        actor=personas.ent_b_user,
        enterprise=personas.ent_b,
        data={
            "kind": "returnee",
            "name": "周返岗",
            "id_number": _number_of(person),
            "origin_county": region("410103"),
            "expected_date": timezone.localdate(),
        },
    )
    assert registration.employee == person and registration.coding == CodingDecision.PENDING
    assert arrival_status(registration) == ArrivalStatus.EXPECTED
    arrived = timezone.now() - timedelta(hours=1)
    registration = arrival_mark_arrived(actor=personas.ent_b_user, registration=registration, arrived_at=arrived)
    assert registration.coding == CodingDecision.RED_ISOLATION
    assert registration.isolation_until == arrived + timedelta(days=7)
    assert registration.test_due_by is None
    assert arrival_status(registration) == ArrivalStatus.ISOLATED
    assert arrival_status(registration, arrived + timedelta(days=7, minutes=1)) == ArrivalStatus.RELEASED
    person.refresh_from_db()
    assert person.health_code == CodeColour.RED
    assert HealthCodeChange.objects.get(employee=person).basis == CodeBasis.RISK_AREA_ARRIVAL
    assert SentinelWarning.objects.filter(kind=WarningKind.HEALTH_CODE, subject_key=f"code:{person.pk}").exists()


def _number_of(person: Employee) -> str:
    return NUMBERS[person.pk]


def test_other_arrivals_owe_a_test_within_24_hours(personas: Personas) -> None:
    registration = register(personas, origin="410184")  # 新郑市: no risk area
    arrived = timezone.now() - timedelta(hours=30)
    registration = arrival_mark_arrived(actor=personas.ent_a_user, registration=registration, arrived_at=arrived)
    assert registration.coding == CodingDecision.TEST_REQUIRED and registration.isolation_until is None
    assert registration.test_due_by == arrived + timedelta(hours=24)
    assert arrival_status(registration, arrived + timedelta(hours=23)) == ArrivalStatus.TEST_DUE
    assert arrival_status(registration, arrived + timedelta(hours=25)) == ArrivalStatus.TEST_OVERDUE
    epidemic.TestResult.objects.create(
        id_digest=digest(VISITOR_NUMBER),
        sampled_at=arrived + timedelta(hours=23),
        result=epidemic.TestOutcome.NEGATIVE,
        institution="通许县人民医院",
    )
    assert arrival_status(registration, arrived + timedelta(hours=25)) == ArrivalStatus.TESTED
    fresh = arrival_get(user=personas.ent_a_user, pk=registration.pk)  # the annotated list path agrees
    assert arrival_status(fresh, arrived + timedelta(hours=25)) == ArrivalStatus.TESTED


def test_a_test_before_the_arrival_does_not_count(personas: Personas) -> None:
    registration = register(personas, origin="410184")
    arrived = timezone.now() - timedelta(hours=30)
    epidemic.TestResult.objects.create(
        id_digest=digest(VISITOR_NUMBER),
        sampled_at=arrived - timedelta(hours=2),
        result=epidemic.TestOutcome.NEGATIVE,
        institution="x",
    )
    registration = arrival_mark_arrived(actor=personas.ent_a_user, registration=registration, arrived_at=arrived)
    assert arrival_status(registration) == ArrivalStatus.TEST_OVERDUE


def test_an_employee_s_negative_test_counts(personas: Personas) -> None:
    person = employee(personas.ent_a, "吴员工")
    registration = register(personas, number=_number_of(person), origin="410184", kind="returnee")
    arrived = timezone.now() - timedelta(hours=30)
    registration = arrival_mark_arrived(actor=personas.ent_a_user, registration=registration, arrived_at=arrived)
    Employee.objects.filter(pk=person.pk).update(last_negative_test_at=arrived + timedelta(hours=20))
    registration.employee.refresh_from_db()  # type: ignore[union-attr]
    assert arrival_status(registration) == ArrivalStatus.TESTED


def test_the_rule_numbers_are_region_parameters(personas: Personas) -> None:
    tongxu = region("410222")
    ParameterOverride.objects.create(key=EPIDEMIC_ARRIVAL_TEST_HOURS.key, region=tongxu, value=12)
    ParameterOverride.objects.create(key=EPIDEMIC_RISK_ARRIVAL_ISOLATION_DAYS.key, region=tongxu, value=14)
    arrived = timezone.now() - timedelta(hours=1)
    plain = arrival_mark_arrived(actor=None, registration=register(personas, origin="410184"), arrived_at=arrived)
    assert plain.test_due_by == arrived + timedelta(hours=12)
    risk_county(personas)
    other = register(personas, number=id_number("11010519850312002"))
    risky = arrival_mark_arrived(actor=None, registration=other, arrived_at=arrived)
    assert risky.isolation_until == arrived + timedelta(days=14)


def test_a_whitelist_employee_from_a_risk_county_is_observed_not_coded_red(personas: Personas) -> None:
    """001#annex2-三.2 protects whitelist employees from red codes except positive/contacts; they are tested
    and observed (blue zone quiet period) instead of isolated. Visitors to the same enterprise are not."""
    whitelist_ent_a(personas)
    risk_county(personas)
    person = employee(personas.ent_a, "郑返岗")
    arrived = timezone.now() - timedelta(hours=1)
    mine = arrival_mark_arrived(
        actor=None, registration=register(personas, number=_number_of(person), kind="returnee"), arrived_at=arrived
    )
    assert mine.coding == CodingDecision.PROTECTED and mine.isolation_until is None
    assert mine.test_due_by == arrived + timedelta(hours=24) and mine.risk_area is not None
    person.refresh_from_db()
    assert person.health_code == CodeColour.GREEN and person.zone == Zone.BLUE
    visitor = arrival_mark_arrived(actor=None, registration=register(personas), arrived_at=arrived)
    assert visitor.coding == CodingDecision.RED_ISOLATION


def test_an_unregistered_arrival_warns_until_registered_after_the_fact(personas: Personas) -> None:
    seen = timezone.now() - timedelta(hours=2)
    sighting = arrival_sighted(
        actor=personas.ent_a_user,
        enterprise=personas.ent_a,
        id_number=VISITOR_NUMBER,
        name="孙来访",
        seen_at=seen,
        source="门岗查验",
    )
    key = f"arrival:{personas.ent_a.pk}:{digest(VISITOR_NUMBER)}"
    warning = SentinelWarning.objects.get(kind=WarningKind.UNREGISTERED_ARRIVAL)
    assert warning.subject_key == key and warning.status == WarningStatus.OPEN
    assert VISITOR_NUMBER not in warning.detail and sighting.id_masked in warning.detail
    registration = register(personas, origin="410184", expected_date=None)
    assert registration.registered_after_arrival and registration.arrived_at == seen
    assert registration.coding == CodingDecision.TEST_REQUIRED
    sighting.refresh_from_db()
    warning.refresh_from_db()
    assert sighting.registration == registration
    assert warning.status == WarningStatus.CLOSED and warning.lifted


def test_a_registered_arrival_seen_at_the_gate_is_marked_arrived_without_warning(personas: Personas) -> None:
    registration = register(personas, origin="410184")
    seen = timezone.now() - timedelta(minutes=5)
    arrival_sighted(
        actor=personas.ent_a_user,
        enterprise=personas.ent_a,
        id_number=VISITOR_NUMBER,
        name="孙来访",
        seen_at=seen,
        source="门岗查验",
    )
    registration.refresh_from_db()
    assert registration.arrived_at == seen and not registration.registered_after_arrival
    assert registration.coding == CodingDecision.TEST_REQUIRED
    assert not SentinelWarning.objects.filter(kind=WarningKind.UNREGISTERED_ARRIVAL).exists()
    with pytest.raises(ServiceError) as refused:
        arrival_mark_arrived(actor=personas.ent_a_user, registration=registration)
    assert refused.value.code == "health.arrival.already_arrived"


def test_bad_id_numbers_are_refused_naming_the_field(personas: Personas) -> None:
    with pytest.raises(ServiceError) as refused:
        register(personas, number="410222199001011230")
    assert refused.value.field == "id_number"
    with pytest.raises(ServiceError) as refused:
        register(personas, expected_date=None)
    assert refused.value.field == "expected_date"


def test_id_numbers_are_never_stored_in_clear(personas: Personas) -> None:
    register(personas)
    arrival_sighted(
        actor=None,
        enterprise=personas.ent_b,
        id_number=VISITOR_NUMBER,
        name="孙来访",
        seen_at=timezone.now(),
        source="场所码",
    )
    for model in (ArrivalRegistration, ArrivalSighting, SentinelWarning):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {model._meta.db_table}")
            rows = cursor.fetchall()
        assert rows
        assert VISITOR_NUMBER not in repr(rows)
    from auditlog.models import LogEntry

    assert VISITOR_NUMBER not in repr(list(LogEntry.objects.values_list("changes", flat=True)))
    stored = ArrivalRegistration.objects.get()
    assert stored.id_masked == "1101************" + VISITOR_NUMBER[-2:]
