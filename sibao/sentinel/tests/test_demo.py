"""The EP-6 demo loader is idempotent and does nothing without demo employees."""

import pytest

from conftest import Personas
from sibao.sentinel.demo import load_demo_sentinel
from sibao.sentinel.models import SentinelWarning

pytestmark = pytest.mark.django_db


def test_without_employees_it_skips(personas: Personas) -> None:
    assert load_demo_sentinel() == {"raised": 0, "lifted": 0, "purchases": 0, "drug_warnings": 0, "closed": 0}


def test_demo_runs_twice_without_adding(personas: Personas) -> None:
    from sibao.sentinel.tests.helpers import person, whitelist

    personas.tongxu_epidemic.username = "tongxu_epidemic"
    personas.tongxu_epidemic.save()
    whitelist(personas.ent_a, personas.tongxu_hq)
    person(personas.ent_a, "41022219850203001", admin=personas.admin)
    person(personas.ent_a, "41022219850203002", admin=personas.admin)
    first = load_demo_sentinel()
    assert first["raised"] == 2 and first["purchases"] == 3 and first["drug_warnings"] == 2 and first["closed"] == 1
    count = SentinelWarning.objects.count()
    second = load_demo_sentinel()
    assert second == {"raised": 0, "lifted": 0, "purchases": 0, "drug_warnings": 0, "closed": 0}
    assert SentinelWarning.objects.count() == count
