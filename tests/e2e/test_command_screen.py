"""Issue 11 #2 in a browser at 1920×1080: the province HQ lands on the command screen, the map draws from the
platform's own files (no other host, no console error, no CSP refusal), and clicks on the map drill from the
province into a city and a county, then the township table and the enterprise card."""

from typing import Any

import pytest

from conftest import TEST_PASSWORD, Personas
from sibao.core.summaries import refresh
from sibao.dashboard.figures import SUMMARY
from sibao.sentinel.tests.helpers import whitelist
from tests.e2e.conftest import watch_csp

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

KAIFENG = (114.35, 34.79)  # a point inside 开封市 (longitude, latitude)
TONGXU = (114.47, 34.47)  # … inside 通许县


def click_map_at(page: Any, point: tuple[float, float]) -> None:
    """Click the canvas where the map draws this point (as a user's mouse would)."""
    x, y = page.evaluate(
        "([lng, lat]) => echarts.getInstanceByDom(document.getElementById('screen-map'))"
        ".convertToPixel({seriesIndex: 0}, [lng, lat])",
        list(point),
    )
    box = page.locator("#screen-map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)


def test_the_screen_draws_the_map_and_drills_into_a_county(
    browser: Any, live_server: Any, personas: Personas, csp_violations: list[str]
) -> None:
    whitelist(personas.ent_a, personas.tongxu_hq)
    refresh(SUMMARY)
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN", timezone_id="Asia/Shanghai")
    watch_csp(context, csp_violations)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    foreign: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # The site-wide favicon is the shell's (issue 11 #5), not this page's.
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and "favicon" not in str(message.location.get("url", ""))
            else None
        ),
    )
    page.on(
        "request",
        lambda request: None if request.url.startswith((live_server.url, "data:")) else foreign.append(request.url),
    )

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", personas.henan_hq.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/screen/")  # the HQ office's home page
    page.wait_for_selector("#screen-map[data-drawn='18'] canvas")

    click_map_at(page, KAIFENG)
    page.wait_for_url("**/screen/r/410200/")
    page.wait_for_selector("#screen-map[data-drawn] canvas")
    assert int(page.get_attribute("#screen-map", "data-drawn")) >= 9

    click_map_at(page, TONGXU)
    page.wait_for_url("**/screen/r/410222/")
    page.wait_for_selector("#screen-map[data-drawn='1'] canvas")
    assert page.locator("[data-testid=breadcrumb] li").all_inner_texts() == ["河南省", "开封市", "通许县"]

    page.click("[data-testid=children] >> text=咸平街道")
    page.click(f"text={personas.ent_a.name}")
    page.wait_for_selector("[data-testid=enterprise-card]")
    assert "已列入白名单" in page.inner_text("[data-testid=enterprise-card]")
    page.click("[data-testid=breadcrumb] >> text=开封市")
    page.wait_for_url("**/screen/r/410200/")

    assert not errors, errors
    assert not foreign, foreign
    context.close()
