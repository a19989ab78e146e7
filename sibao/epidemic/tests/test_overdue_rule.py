"""Issue 9 #3: one overdue rule for the list and the warnings. A county's own cadence applies to its people
in a city officer's list and in the warnings alike."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import Personas, client_for, region, township_of
from sibao.enterprises.tests.factories import EnterpriseFactory
from sibao.epidemic.models import Employee
from sibao.epidemic.overdue import overdue_employee_list
from sibao.parameters.registry import EPIDEMIC_TEST_INTERVAL_HOURS
from sibao.parameters.services import parameter_set
from sibao.sentinel.models import SentinelWarning, WarningKind
from sibao.sentinel.sweeps import overdue_sweep
from sibao.sentinel.tests.helpers import NOW, person

pytestmark = pytest.mark.django_db


def test_a_county_override_changes_a_city_officers_list_and_the_warnings_alike(personas: Personas) -> None:
    # 通许县 tests everyone daily; 兰考县, in the same city, keeps the 48 h default.
    parameter_set(actor=personas.admin, key=EPIDEMIC_TEST_INTERVAL_HOURS.key, region=region("410222"), value=24)
    lankao = EnterpriseFactory(region=township_of("410225"), name="兰考县示范食品有限公司")
    tongxu_late = person(personas.ent_a, "41022219900101011", admin=personas.admin, tested_hours_ago=25)
    lankao_fine = person(lankao, "41022219900101012", admin=personas.admin, tested_hours_ago=25)

    city = personas.kaifeng_hq
    listed = set(overdue_employee_list(user=city, now=NOW).values_list("pk", flat=True))
    overdue_sweep(NOW)
    warned = set(
        SentinelWarning.objects.visible_to(city)
        .filter(kind=WarningKind.OVERDUE_TEST, status__in=["open", "handling"])
        .values_list("employee_id", flat=True)
    )
    assert listed == warned == {tongxu_late.pk}
    assert lankao_fine.pk not in listed


def test_the_overdue_page_counts_the_people_the_warnings_page_counts(personas: Personas) -> None:
    parameter_set(actor=personas.admin, key=EPIDEMIC_TEST_INTERVAL_HOURS.key, region=region("410222"), value=24)
    late = person(personas.ent_a, "41022219900101013", admin=personas.admin)
    fine = person(personas.ent_xinzheng, "41022219900101014", admin=personas.admin)  # 48 h there
    Employee.objects.filter(pk__in=[late.pk, fine.pk]).update(
        last_negative_test_at=timezone.now() - timedelta(hours=30)
    )
    overdue_sweep()  # the pages read the clock: so does this sweep
    client = client_for(personas.henan_hq)
    overdue_page = client.get("/employees/overdue/")
    warnings = client.get("/api/warnings", {"kind": WarningKind.OVERDUE_TEST, "limit": 100}).json()
    assert overdue_page.status_code == 200 and late.name in overdue_page.content.decode()
    assert overdue_page.context["page"].paginator.count == warnings["count"] == 1
