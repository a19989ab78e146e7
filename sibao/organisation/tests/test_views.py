"""The organisation page shows the HQ of the user's own region; another county's HQ is 404."""

import pytest
from django.core.management import call_command

from conftest import Personas, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation(reference_data: None) -> None:
    call_command("load_organisation", verbosity=0)


def test_county_officer_sees_its_hq_roster(personas: Personas, organisation: None) -> None:
    page = client_for(personas.tongxu_hq).get("/organisation/").content.decode()
    assert "憨振强" in page and "县委副书记、县长" in page
    assert "工业生产工作专班" in page and "督办督查工作专班" in page


def test_another_countys_hq_is_not_found(personas: Personas, organisation: None) -> None:
    client = client_for(personas.xinzheng_hq)
    assert client.get("/organisation/?region=410222").status_code == 404
    assert "憨振强" not in client.get("/organisation/").content.decode()


def test_city_officer_can_open_its_counties(personas: Personas, organisation: None) -> None:
    page = client_for(personas.kaifeng_hq).get("/organisation/?region=410222").content.decode()
    assert "憨振强" in page
