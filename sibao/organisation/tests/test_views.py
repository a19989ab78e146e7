"""The organisation page shows the HQ of the user's own region; another county's HQ is 404."""

import pytest

from conftest import Personas, client_for

pytestmark = pytest.mark.django_db


def test_county_officer_sees_its_hq_roster(personas: Personas, loaded: dict[str, int]) -> None:
    page = client_for(personas.tongxu_hq).get("/organisation/").content.decode()
    assert "憨振强" in page and "县委副书记、县长" in page
    assert "工业生产工作专班" in page and "督办督查工作专班" in page


def test_another_countys_hq_is_not_found(personas: Personas, loaded: dict[str, int]) -> None:
    client = client_for(personas.xinzheng_hq)
    assert client.get("/organisation/?region=410222").status_code == 404
    assert "憨振强" not in client.get("/organisation/").content.decode()


def test_city_officer_can_open_its_counties(personas: Personas, loaded: dict[str, int]) -> None:
    page = client_for(personas.kaifeng_hq).get("/organisation/?region=410222").content.decode()
    assert "憨振强" in page
