"""EM-2 in a browser: the 通许县 HQ office opens the switch from the region's state page, reads the preview,
confirms once with a reason; the enterprise sees the banner and confirms readiness; the office switches back."""

import os
from typing import Any

import pytest
from django.test import Client

from conftest import Personas
from sibao.emergency.tests.factories import whitelist
from sibao.enterprises.models import Enterprise

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SIBAO_SCREENSHOTS", "")  # a directory: save the pages for a look at 1366 and 390 px


def shot(page: Any, name: str) -> None:
    if SHOTS:
        for width, height in ((1366, 768), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
            scroll = page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
            assert not scroll or width > 390, f"{name}: horizontal scroll at {width} px"


def test_switch_with_preview_confirmation_notice_and_back(live_server: Any, open_as: Any, personas: Personas) -> None:
    firms = whitelist(personas)
    # The live server runs in this process: load the URLs and templates here, not inside the browser's timeout.
    Client().get("/accounts/login/")
    hq = open_as(personas.tongxu_hq)
    hq.on("dialog", lambda dialog: dialog.accept())  # the one confirmation (data-confirm)
    hq.goto(f"{live_server.url}/emergency/regions/410222/")
    assert hq.locator("[data-testid=region-state]").get_attribute("data-state") == "normal"
    hq.click("[data-testid=open-switch]")
    hq.wait_for_selector("[data-testid=preview]")
    assert hq.locator("[data-testid=preview-enterprises]").inner_text() == "3"
    assert hq.locator("[data-testid=preview-full]").inner_text() == "1"
    assert hq.locator("[data-testid=preview-two-point]").inner_text() == "1"
    assert hq.locator("[data-testid=preview-already]").inner_text() == "1"
    shot(hq, "emergency-switch")
    hq.fill("#id_switch-reason", "县城发现本土阳性病例，全县进入应急状态")
    hq.fill("#id_switch-document_number", "通防指〔2022〕3号")
    hq.click("[data-testid=confirm-switch]")
    hq.wait_for_selector("[data-testid=region-state][data-state=emergency]")
    assert "3" in hq.locator("[data-testid=switched]").inner_text()

    ent = open_as(personas.ent_a_user)
    ent.goto(f"{live_server.url}/emergency/notice/")
    assert ent.locator("[data-testid=emergency-banner]").count() == 1
    ent.fill("[data-testid=confirm-form] input[name$=staff_inside]", "35")
    ent.click("[data-testid=confirm-readiness]")
    ent.wait_for_selector("[data-testid=confirmed]")
    shot(ent, "emergency-notice")

    hq.reload()
    hq.fill("#id_back-reason", "疫情得到控制")
    hq.fill("#id_back-document_number", "通防指〔2022〕9号")
    hq.click("[data-testid=switch-back]")
    hq.wait_for_selector("[data-testid=region-state][data-state=normal]")
    assert Enterprise.objects.get(pk=firms["a"].pk).closed_loop_mode == "two_point"
