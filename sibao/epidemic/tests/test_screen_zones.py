"""DB-3 / EP-8 on the command screen: people at work per zone, each figure the row count of the employee list it
links to (same zone, region and sector); a county sees its own people only."""

import pytest

from conftest import Personas, client_for
from sibao.core.summaries import refresh, registered_summaries
from sibao.epidemic.services import employee_move_zone
from sibao.sentinel.tests.helpers import person

pytestmark = pytest.mark.django_db


def _zones(client: object, url: str = "/screen/") -> dict[str, tuple[int, str]]:
    response = client.get(url)  # type: ignore[attr-defined]
    assert response.status_code == 200
    panels = dict(response.context["screen"].panels)
    zones = next(figures for panel, figures in panels.items() if panel.key == "epidemic.zones")
    return {str(figure.label): (int(figure.value), figure.url) for figure in zones}


def test_people_per_zone_link_to_the_list_of_those_people(personas: Personas) -> None:
    red = person(personas.ent_a, "41022219900101001", admin=personas.admin, name="赵一")
    person(personas.ent_a, "41022219900101002", admin=personas.admin, name="钱二")
    elsewhere = person(personas.ent_xinzheng, "41022219900101003", admin=personas.admin, name="孙三")
    employee_move_zone(actor=personas.admin, employee=red, zone="red", reason="初筛阳性")
    employee_move_zone(actor=personas.admin, employee=elsewhere, zone="red", reason="初筛阳性")
    for name in registered_summaries():
        refresh(name)

    hq = client_for(personas.tongxu_hq)
    zones = _zones(hq)
    count, url = zones["红区（核酸异常、感染）"]
    assert count == 1 and "zone=red" in url and "region=410222" in url
    listed = hq.get(url)
    assert listed.context["page"].paginator.count == 1 and "赵一" in listed.content.decode()
    assert 'data-zone="red"' in listed.content.decode()  # the list says the zone of those not in green
    assert zones["绿区（正常生产）"][0] == 1
    industry = _zones(hq, "/screen/?sector=industry")
    assert industry["红区（核酸异常、感染）"][0] == 1 and "sector=industry" in industry["红区（核酸异常、感染）"][1]
    assert _zones(hq, "/screen/?sector=commerce")["红区（核酸异常、感染）"][0] == 0
