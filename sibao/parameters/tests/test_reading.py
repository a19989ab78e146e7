"""Reading parameters for many regions at once (issue 9 #3, #4): each row is judged by the value in force for
its own region, and a request reads each parameter's overrides once, whatever the number of rows."""

from typing import Any

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from conftest import region, township_of
from sibao.enterprises.models import Enterprise
from sibao.enterprises.tests.factories import EnterpriseFactory
from sibao.parameters.models import ParameterOverride
from sibao.parameters.registry import EPIDEMIC_TEST_INTERVAL_HOURS, TICKET_DUE_SOON_HOURS
from sibao.parameters.selectors import parameter_q, parameter_value, parameters_cached
from sibao.parameters.services import parameter_set
from sibao.regions.models import Region

pytestmark = pytest.mark.django_db
KEY = EPIDEMIC_TEST_INTERVAL_HOURS


def at_least(values: tuple[Any, ...]) -> Q:
    return Q(employee_count__gte=values[0])


def test_each_row_is_judged_by_its_own_regions_value(reference_data: None) -> None:
    """Province 30, 开封市 inherits it, 通许县 24, one township of 通许县 36."""
    ParameterOverride.objects.create(key=KEY.key, region=region("410000"), value=30)
    ParameterOverride.objects.create(key=KEY.key, region=region("410222"), value=24)
    xianping = township_of("410222", "咸平街道")
    ParameterOverride.objects.create(key=KEY.key, region=xianping, value=36)
    other_township = Region.objects.filter(parent__code="410222", level="township").exclude(pk=xianping.pk)[0]
    rows = {
        "xianping": EnterpriseFactory(region=xianping, employee_count=36),
        "xianping_short": EnterpriseFactory(region=xianping, employee_count=35),
        "tongxu": EnterpriseFactory(region=other_township, employee_count=24),
        "tongxu_short": EnterpriseFactory(region=other_township, employee_count=23),
        "lankao": EnterpriseFactory(region=township_of("410225"), employee_count=30),
        "lankao_short": EnterpriseFactory(region=township_of("410225"), employee_count=29),
    }
    passed = set(Enterprise.objects.filter(parameter_q([KEY], "region", at_least)).values_list("pk", flat=True))
    assert passed == {rows[name].pk for name in ("xianping", "tongxu", "lankao")}
    # The same resolution as one region's value.
    assert [parameter_value(KEY, r) for r in (xianping, other_township, region("410225"))] == [36, 24, 30]


def test_without_overrides_the_condition_adds_no_join(reference_data: None) -> None:
    sql = str(Enterprise.objects.filter(parameter_q([KEY], "region", at_least)).query)
    assert "regions_region" not in sql and ">= 48" in sql


def test_a_request_reads_each_parameter_once(reference_data: None) -> None:
    regions = [region(code) for code in ("410222", "410225", "410184", "410200", "410000")]
    ParameterOverride.objects.create(key=KEY.key, region=regions[0], value=24)
    with parameters_cached(), CaptureQueriesContext(connection) as queries:
        values = [parameter_value(key, r) for r in regions for key in (KEY, TICKET_DUE_SOON_HOURS)]
    # One per key, not one per region, and once the regions in emergency (the test cadence has an emergency value).
    assert len(queries) == 3
    assert values[0] == 24 and values[2] == 48


def test_a_value_written_inside_the_block_is_read_back(personas: Any) -> None:
    tongxu = region("410222")
    with parameters_cached():
        assert parameter_value(KEY, tongxu) == 48
        parameter_set(actor=personas.admin, key=KEY.key, region=tongxu, value=24)
        assert parameter_value(KEY, tongxu) == 24
