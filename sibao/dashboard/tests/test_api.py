"""X-5 / DB-1…DB-4: the command screen through the API gives the figures the page shows (the same panels, values
and links, from the same summary), the regions below with their indicators, the sector filter; another
county's region is 404 and a role without the screen 403."""

import pytest

from conftest import Personas, client_for
from sibao.dashboard.tests.test_screen import build, figures_of

pytestmark = pytest.mark.django_db


def test_the_api_gives_the_figures_of_the_page(personas: Personas) -> None:
    build(personas)
    client = client_for(personas.henan_hq)
    page = client.get("/screen/r/410200/", {"sector": "industry"})
    answer = client.get("/api/screen", {"region": "410200", "sector": "industry"})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["region_name"], body["level"], body["sector"]) == ("开封市", "city", "industry")
    from_api = [(f["label"], f["value"], f["url"]) for panel in body["panels"] for f in panel["figures"]]
    from_page = [(str(f.label), f.value, f.url) for f in figures_of(page)]
    assert [(label, url) for label, _value, url in from_api] == [(label, url) for label, _value, url in from_page]
    for (label, api_value, _url), (_same, page_value, _u) in zip(from_api, from_page, strict=True):
        assert (api_value is None) == (page_value is None), label
        if page_value is not None:
            assert float(api_value) == float(page_value), label
    assert sum(float(value or 0) for _label, value, _url in from_api) > 0
    tongxu = next(child for child in body["children"] if child["code"] == "410222")
    assert tongxu["name"] == "通许县" and set(tongxu["values"]) == {item["key"] for item in body["indicators"]}
    assert body["xlsx_url"] == "/screen/r/410200/figures.xlsx"


def test_a_county_reads_its_own_screen_only(personas: Personas) -> None:
    build(personas)
    tongxu = client_for(personas.tongxu_hq)
    assert tongxu.get("/api/screen").json()["region_code"] == "410222"
    assert tongxu.get("/api/screen", {"region": "410184"}).status_code == 404
    assert tongxu.get("/api/screen", {"region": "410200"}).status_code == 404  # above its own: not its screen
    assert client_for(personas.ent_a_user).get("/api/screen").status_code == 403
    assert client_for(personas.tongxu_industry).get("/api/screen").status_code == 403
