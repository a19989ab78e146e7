"""EN-3 demo data: 14 days of reports of the whitelisted firms through the services, a few missing today, the
sweep's warnings of missed past days; loading twice changes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import Personas
from sibao.operations.demo import DAYS, load_demo_operations
from sibao.operations.models import OperatingReport, OperatingWarning
from sibao.sentinel.tests.helpers import whitelist

pytestmark = pytest.mark.django_db


def test_fourteen_days_of_reports_for_the_demo_firms(personas: Personas) -> None:
    firms = [personas.ent_a, personas.ent_b, personas.ent_xinzheng]
    for enterprise in firms:
        whitelist(enterprise, personas.henan_hq)
    counts = load_demo_operations()
    today = timezone.localdate()
    days = set(OperatingReport.objects.values_list("day", flat=True))
    assert min(days) == today - timedelta(days=DAYS - 1)
    # The last three firms (by credit code) are still missing today: with three firms, nobody reported today.
    assert today not in days
    assert counts["reports"] == OperatingReport.objects.count() > 0
    assert OperatingWarning.objects.count() == counts["warnings"] > 0
    assert load_demo_operations()["reports"] == 0  # idempotent
