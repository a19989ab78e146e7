"""EN-3 on the command screen (DB-1): every operating figure of a county view equals the rows of the list it
links to, the summary is per region and sector, and the map indicator is the share not operating normally."""

from decimal import Decimal

import pytest
from django.utils import timezone, translation

from conftest import Personas, client_for, region
from sibao.core.panels import ScreenView
from sibao.core.summaries import refresh
from sibao.operations.screen import NOT_NORMAL_SHARE, OPERATIONS
from sibao.operations.summaries import NAME
from sibao.operations.tests.factories import filed
from sibao.sentinel.tests.helpers import whitelist

pytestmark = pytest.mark.django_db


@pytest.fixture
def today(personas: Personas) -> Personas:
    for enterprise in (personas.ent_a, personas.ent_b, personas.ent_xinzheng):
        whitelist(enterprise, personas.henan_hq)
    filed(personas.ent_a_user, personas.ent_a, status="reduced")
    filed(personas.xinzheng_hq, personas.ent_xinzheng)
    refresh(NAME, timezone.now())
    return personas


def test_each_figure_equals_the_rows_of_its_list(today: Personas) -> None:
    county = region("410222")
    view = ScreenView(user=today.tongxu_hq, region=county, now=timezone.now())
    client = client_for(today.tongxu_hq)
    with translation.override("en"):
        figures = {str(figure.label): figure for figure in OPERATIONS.figures(view)}
    assert figures["Reported today"].value == 1  # ent_a; 新郑's report is another county's
    assert figures["Not yet reported"].value == 1  # ent_b
    assert figures["Not operating normally"].value == 1
    for figure in figures.values():
        response = client.get(figure.url)
        assert response.status_code == 200, figure.url
        assert response.context["page"].paginator.count == figure.value, figure.label


def test_the_sector_view_and_the_indicator(today: Personas) -> None:
    county = region("410222")
    commerce = ScreenView(user=today.tongxu_hq, region=county, sector="commerce", now=timezone.now())
    with translation.override("en"):
        counts = {str(figure.label): figure.value for figure in OPERATIONS.figures(commerce)}
    assert counts["Reported today"] == 0 and counts["Not yet reported"] == 1
    city = ScreenView(user=today.kaifeng_hq, region=region("410200"), now=timezone.now())
    shares = NOT_NORMAL_SHARE.values(city, [county, region("410221")])
    assert shares[county.pk] == Decimal("100")  # ent_a, the county's one report, is reduced
    assert shares.get(region("410221").pk) is None  # nothing reported there
