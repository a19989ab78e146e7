"""The organisation page shows the HQ of the user's own region; another county's HQ is 404; a task force without
an epidemic expert is shown as missing one (OR-5)."""

import pytest

from conftest import Personas, client_for
from sibao.organisation.models import Membership, MembershipRole, Unit, UnitKind

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


def test_a_task_force_that_lost_its_epidemic_expert_is_listed_as_missing_one(
    personas: Personas, loaded: dict[str, int]
) -> None:
    """OR-5: every task force has an epidemic expert; the loader enforces it, and a roster edited afterwards
    shows the gap on the liaison-coverage page and on the organisation page — for its own county only."""
    gaps_of = "/whitelist/liaison/?region=410222"
    page = client_for(personas.tongxu_hq).get(gaps_of).content.decode()
    assert "无防疫专家" not in page  # the shipped roster is complete
    industry = Unit.objects.get(region__code="410222", kind=UnitKind.TASK_FORCE, name="通许县工业生产工作专班")
    Membership.objects.filter(unit=industry, role=MembershipRole.EPIDEMIC_EXPERT).delete()

    page = client_for(personas.tongxu_hq).get(gaps_of).content.decode()
    assert page.count("无防疫专家") == 1 and "工业生产工作专班" in page
    organisation = client_for(personas.tongxu_hq).get("/organisation/").content.decode()
    assert organisation.count('data-testid="no-epidemic-expert"') == 1
    assert "无防疫专家" not in client_for(personas.xinzheng_hq).get("/whitelist/liaison/").content.decode()
