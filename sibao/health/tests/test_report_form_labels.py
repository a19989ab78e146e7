"""Issue 9 #8: the daily report's list of people is labelled as people, not as a count."""

import re

import pytest

from conftest import Personas, client_for
from sibao.health.tests.factories import employee

pytestmark = pytest.mark.django_db


def test_the_multi_select_of_people_is_labelled_as_people(personas: Personas) -> None:
    employee(personas.ent_a, "李员工")
    page = client_for(personas.ent_a_user).get("/health/reports/new/").content.decode()
    label = re.search(r'<label[^>]*for="id_symptomatic"[^>]*>(.*?)</label>', page, re.S)
    assert label is not None
    assert "有症状人员" in label.group(1) and "人数" not in label.group(1)
    assert '<select name="symptomatic"' in page and "multiple" in page
