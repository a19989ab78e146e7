"""Issue 11 #1 and #5 in a browser: the shell fits (a header of one line at 1366×768 and no sideways scrolling at
390 px on every page a county HQ user reaches from the menu; the enterprise's request list fits a 390 px phone)
and the enterprise files today's operating report (EN-3) at phone width."""

from typing import Any

import pytest

from conftest import Personas, client_for
from sibao.operations.models import OperatingReport
from sibao.tickets.services import ticket_file

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


def header_height(page: Any) -> float:
    return float(page.locator("[data-testid=header]").evaluate("el => el.getBoundingClientRect().height"))


def horizontal_overflow(page: Any) -> int:
    return int(page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth"))


def test_every_page_of_the_county_hq_has_a_one_line_header_and_fits_a_phone(
    live_server: Any, open_as: Any, personas: Personas
) -> None:
    # The first request of a fresh process imports every app's views and compiles the base template: done
    # here, so the browser's first page does not race its 15 s timeout on a busy machine.
    client_for(personas.tongxu_hq).get("/")
    page = open_as(personas.tongxu_hq)
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/")
    links = page.locator("[data-testid=sidebar] a[data-nav]").evaluate_all("els => els.map(el => el.href)")
    assert len(links) >= 10  # the county HQ office's menu: enterprises, whitelist, requests, epidemic …
    too_high = {}
    for url in [f"{live_server.url}/", *links]:
        page.goto(url)
        height = header_height(page)
        if height > 64:
            too_high[url] = height
    assert not too_high
    # At 390 px no page scrolls sideways: a list becomes cards (``table-cards``), a matrix scrolls in its box.
    page.set_viewport_size(PHONE)
    too_wide = {}
    for url in [f"{live_server.url}/", *links]:
        page.goto(url)
        if (overflow := horizontal_overflow(page)) > 0:
            too_wide[url] = overflow
    assert not too_wide


def test_the_enterprise_request_list_fits_a_phone(live_server: Any, open_as: Any, personas: Personas) -> None:
    ticket_file(
        actor=personas.ent_a_user,
        enterprise=personas.ent_a,
        data={
            "category": "raw_materials",
            "title": "钢材原料采购困难，主要供应商停产，需协调替代货源并保障运输通行",
            "text": "主要供应商停产，需协调替代货源。",
        },
    )
    page = open_as(personas.ent_a_user)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/requests/")
    assert "钢材原料采购困难" in page.locator("main").inner_text()
    assert horizontal_overflow(page) <= 0


def test_the_enterprise_files_today_s_report_from_a_phone(live_server: Any, open_as: Any, personas: Personas) -> None:
    page = open_as(personas.ent_a_user)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/operations/new/")
    assert horizontal_overflow(page) <= 0
    page.locator("label[for=status-reduced]").click()
    page.fill("#id_staff_on_site", "60")
    page.fill("#id_staff_total", "100")
    page.fill("#id_capacity_percent", "130")
    page.fill("#id_raw_material_days", "4.5")
    page.fill("#id_finished_goods_days", "2")
    page.fill("#id_output_month", "320")
    page.click("[data-testid=save-report]")
    # The bad value is refused next to its field, the rest kept.
    assert "130" in page.locator("[data-field-error=capacity_percent]").inner_text()
    assert page.locator("#id_staff_on_site").input_value() == "60"
    page.fill("#id_capacity_percent", "70")
    page.click("[data-testid=save-report]")
    page.wait_for_url("**/operations/*/")
    page.wait_for_selector(".alert-success")
    assert horizontal_overflow(page) <= 0
    report = OperatingReport.objects.get(enterprise=personas.ent_a)
    assert (report.status, report.staff_on_site, report.capacity_percent) == ("reduced", 60, 70)
