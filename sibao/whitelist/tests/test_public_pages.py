"""DB-5: the public whitelist (WL-5), its removals (WL-8), its Excel download and the criteria (WL-2), logged out."""

import io
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from conftest import Personas, client_for, region
from sibao.core.sectors import Sector
from sibao.whitelist import services
from sibao.whitelist.default_criteria import criteria_for_region
from sibao.whitelist.models import Criteria, Listing, RemovalReason
from sibao.whitelist.tests.flows import (
    listed_through_services,
    publish_default_criteria,
)
from sibao.whitelist.views.public import XLSX_HEADERS

pytestmark = pytest.mark.django_db

FORM = {"contact_name": "王经理", "contact_phone": "13800000000", "statement": "保供", "measures": "闭环管理"}


@pytest.fixture
def criteria(personas: Personas) -> Criteria:
    return publish_default_criteria(personas.tongxu_industry)


@pytest.fixture
def listed(personas: Personas, criteria: Criteria) -> Listing:
    """ent_a applied, was approved by 通许's industry department and published by 通许's HQ office."""
    return listed_through_services(personas.ent_a_user, personas.tongxu_industry, personas.tongxu_hq, FORM)


def test_public_whitelist_works_logged_out(listed: Listing, personas: Personas) -> None:
    response = Client().get("/public/whitelist/")
    assert response.status_code == 200
    page = response.content.decode()
    assert personas.ent_a.name in page and personas.ent_a.uscc in page
    assert str(listed.batch) in page and "通许县" in page and str(Sector.INDUSTRY.label) in page
    assert personas.ent_b.name not in page  # never applied


def test_public_whitelist_filters_by_region(listed: Listing, personas: Personas) -> None:
    assert personas.ent_a.name in Client().get("/public/whitelist/?region=410222").content.decode()
    assert personas.ent_a.name in Client().get("/public/whitelist/?region=410200").content.decode()
    assert personas.ent_a.name not in Client().get("/public/whitelist/?region=410184").content.decode()
    assert Client().get("/public/whitelist/?region=nonsense").status_code == 200
    assert Client().get("/public/whitelist/?region=999999").status_code == 200


def test_a_confirmed_removal_is_published_with_its_reason(listed: Listing, personas: Personas) -> None:
    removal = services.removal_propose(
        actor=personas.tongxu_industry, listing=listed, reason=RemovalReason.EPIDEMIC_MEASURES, details="未落实闭环管理"
    )
    page = Client().get("/public/whitelist/").content.decode()
    removals = page[page.index('data-testid="removals"') :]
    assert personas.ent_a.name not in removals  # proposed only: not yet public

    services.removal_decide(actor=personas.tongxu_hq, removal=removal, action="confirm")
    page = Client().get("/public/whitelist/").content.decode()
    removals = page[page.index('data-testid="removals"') :]
    assert personas.ent_a.name in removals and personas.ent_a.uscc in removals
    assert str(RemovalReason.EPIDEMIC_MEASURES.label) in removals
    assert "未落实闭环管理" not in page  # the reason is public, the case file is not


def test_xlsx_download_opens_and_lists_the_enterprise(listed: Listing, personas: Personas) -> None:
    response = Client().get("/public/whitelist.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    content = response.content

    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert tuple(rows[0]) == XLSX_HEADERS and "统一社会信用代码" in rows[0]
    assert [personas.ent_a.name, personas.ent_a.uscc] == rows[1][3:5]
    assert rows[1][5] == "工业生产" and rows[1][7] == "在列"

    calamine_rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert personas.ent_a.uscc in calamine_rows[1]

    filtered = load_workbook(io.BytesIO(Client().get("/public/whitelist.xlsx?region=410184").content)).active
    assert filtered is not None and filtered.max_row == 1


def test_xlsx_marks_removed_enterprises(listed: Listing, personas: Personas) -> None:
    removal = services.removal_propose(
        actor=personas.tongxu_industry, listing=listed, reason=RemovalReason.LAW, details="违法"
    )
    services.removal_decide(actor=personas.tongxu_hq, removal=removal, action="confirm")
    sheet = load_workbook(io.BytesIO(Client().get("/public/whitelist.xlsx").content)).active
    assert sheet is not None
    row = [cell.value for cell in sheet[2]]
    with translation.override("zh-hans"):
        assert row[7] == "已移出" and row[9] == str(RemovalReason.LAW.label)
    assert row[8]  # the removal date


def test_public_criteria_render_as_a_readable_list(criteria: Criteria, personas: Personas) -> None:
    services.criteria_save(
        actor=personas.tongxu_commerce,
        region=region("410222"),
        sector=Sector.COMMERCE,
        title="尚未公布的商贸标准",
        rule=criteria_for_region("410222"),
    )
    response = Client().get("/public/criteria/")
    assert response.status_code == 200
    page = response.content.decode()
    assert criteria.title in page and "通许县" in page and str(Sector.INDUSTRY.label) in page
    for label in ("在县内注册", "符合以下条件之一", "规上工业企业", "不得有下列情况之一", "近三年有严重环境违法行为"):
        assert label in page
    assert "以下条件至少满足一项" in page  # what "one of" means, from the rule engine
    assert "in_region" not in page and '"op"' not in page and "any_within_years" not in page
    assert "尚未公布的商贸标准" not in page  # drafts are not public

    assert criteria.title in Client().get("/public/criteria/?region=410222").content.decode()
    assert criteria.title not in Client().get("/public/criteria/?region=410184").content.decode()


def test_public_pages_without_anything_published(reference_data: Any) -> None:
    for url in ("/public/whitelist/", "/public/criteria/", "/public/whitelist.xlsx"):
        assert Client().get(url).status_code == 200, url


def test_public_whitelist_pages_every_listing_exactly_once(
    listed: Listing, personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 10: the page shows a page of listings grouped by batch; walking the pages shows each once."""
    from sibao.whitelist.views import public

    publish_default_criteria(personas.tongxu_commerce, sector=Sector.COMMERCE, title="通许县商贸保供白名单遴选标准")
    other = listed_through_services(personas.ent_b_user, personas.tongxu_commerce, personas.tongxu_hq, FORM)
    monkeypatch.setattr(public, "PUBLIC_PAGE_SIZE", 1)
    names = (personas.ent_a.name, personas.ent_b.name)
    first = Client().get("/public/whitelist/").content.decode()
    second = Client().get("/public/whitelist/?page=2").content.decode()
    assert [sum(name in html for name in names) for html in (first, second)] == [1, 1]
    assert personas.ent_b.name in first  # the newest batch first
    assert str(other.batch) in first and "page=2" in first


def test_public_whitelist_is_cacheable_for_anonymous_visitors_only(listed: Listing, personas: Personas) -> None:
    anonymous = Client().get("/public/whitelist/")
    assert "public" in anonymous["Cache-Control"] and "max-age=300" in anonymous["Cache-Control"]
    assert "Cookie" in anonymous["Vary"]
    logged_in = client_for(personas.tongxu_hq).get("/public/whitelist/")
    assert "private" in logged_in["Cache-Control"] and "public" not in logged_in["Cache-Control"]


# --- The same through the API, without logging in ---------------------------------------------------------


def test_public_listings_api_works_logged_out_and_filters_by_region(listed: Listing, personas: Personas) -> None:
    answer = Client().get("/api/whitelist/public/listings")
    assert answer.status_code == 200
    [row] = answer.json()["items"]
    assert (row["enterprise"], row["uscc"]) == (personas.ent_a.name, personas.ent_a.uscc)
    assert row["batch"] == str(listed.batch)
    assert row["sector_label"] == "工业生产" and not row["removed"] and row["place"].startswith("通许县")
    assert Client().get("/api/whitelist/public/listings", {"region": "410200"}).json()["count"] == 1
    assert Client().get("/api/whitelist/public/listings", {"region": "410184"}).json()["count"] == 0
    assert Client().get("/api/whitelist/public/listings", {"region": "999999"}).status_code == 404


def test_public_listings_api_shows_a_confirmed_removal_with_its_reason(listed: Listing, personas: Personas) -> None:
    removal = services.removal_propose(
        actor=personas.tongxu_industry, listing=listed, reason=RemovalReason.EPIDEMIC_MEASURES, details="未落实闭环管理"
    )
    assert not Client().get("/api/whitelist/public/listings").json()["items"][0]["removed"]
    services.removal_decide(actor=personas.tongxu_hq, removal=removal, action="confirm")
    answer = Client().get("/api/whitelist/public/listings")
    [row] = answer.json()["items"]
    assert row["removed"] and row["removal_reason"] == str(RemovalReason.EPIDEMIC_MEASURES.label)
    assert "未落实闭环管理" not in answer.content.decode()


def test_public_criteria_api_reads_each_condition_in_words(criteria: Criteria, personas: Personas) -> None:
    answer = Client().get("/api/whitelist/public/criteria", {"region": "410222"})
    assert answer.status_code == 200
    [published] = [item for item in answer.json() if item["title"] == criteria.title]
    assert published["region_code"] == criteria.region.code and published["rule"]["group"] == "all"

    def labels(node: dict[str, Any]) -> list[str]:
        return [node["label"], *(label for child in node["children"] for label in labels(child))]

    words = labels(published["rule"])
    assert len(words) > 3 and all(words)
    elsewhere = Client().get("/api/whitelist/public/criteria", {"region": "410184"}).json()
    assert criteria.title not in [item["title"] for item in elsewhere]  # 通许县's own, not 新郑市's
