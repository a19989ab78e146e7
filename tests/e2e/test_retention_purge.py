"""Issue 15 #2 in the browser: the HQ office previews its region's personal data, confirms and deletes it."""

import os
from typing import Any

import pytest

from conftest import Personas
from sibao.retention.tests.test_services import KINDS
from sibao.retention.tests.world import build, counts

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SIBAO_SCREENSHOTS", "")


def test_hq_office_declares_the_emergency_over(live_server: Any, open_as: Any, personas: Personas) -> None:
    build(personas)
    page = open_as(personas.tongxu_hq)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/retention/")
    page.click("[data-testid=preview]")
    page.wait_for_selector("[data-testid=preview-counts]")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/retention-1366.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/retention-390.png", full_page=True)
    page.check("#id_confirm")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button.btn-danger")
    page.wait_for_selector("text=已删除 16 条个人疫情数据")
    assert counts("410222") == dict.fromkeys(KINDS, 0)
    assert counts("410184") == dict.fromkeys(KINDS, 2)
