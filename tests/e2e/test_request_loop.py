"""RQ-1→RQ-5 in a browser: an enterprise files a request, the county HQ office assigns it, the unit responds and
answers, the enterprise rates it, supervision verifies and the HQ office closes it. The enterprise sees the
state and who holds it at each step."""

from typing import Any

import pytest

from conftest import Personas, make_user, region
from sibao.core.roles import Role
from sibao.organisation.models import Unit
from sibao.tickets.models import Ticket

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def state_of(page: Any) -> str:
    return str(page.locator("[data-testid=ticket-state]").get_attribute("data-state"))


def do(page: Any, action: str, fields: dict[str, str] | None = None) -> None:
    form = page.locator(f"[data-testid=action-{action}]")
    for name, value in (fields or {}).items():
        control = form.locator(f"[name='{action}-{name}']")
        if control.evaluate("el => el.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    form.locator(f"button[data-action={action}]").click()
    page.wait_for_selector(".alert-success")


def test_request_closed_loop(live_server: Any, open_as: Any, personas: Personas) -> None:
    unit = Unit.objects.create(region=region("410222"), kind="department", function="industry_it", name="通许县工信局")
    unit_user = make_user("p_unit_gx", Role.SECTOR_DEPARTMENT, region=region("410222"), unit=unit)

    # 1. The enterprise files.
    ent = open_as(personas.ent_a_user)
    ent.goto(f"{live_server.url}/requests/new/")
    ent.select_option("#id_category", "raw_materials")
    ent.fill("#id_title", "钢材原料采购困难")
    ent.fill("#id_text", "主要供应商停产，需协调替代货源。")
    ent.click("[data-testid=file-ticket]")
    ent.wait_for_url("**/requests/*/")
    assert state_of(ent) == "submitted"
    ticket = Ticket.objects.get()
    detail = f"{live_server.url}/requests/{ticket.pk}/"

    # 2. The HQ office sees it in its queue and assigns it to the suggested unit.
    hq = open_as(personas.tongxu_hq)
    hq.goto(f"{live_server.url}/requests/triage/")
    assert "通许县工信局" in hq.locator("[data-testid=suggestion]").inner_text()
    hq.goto(detail)
    assert hq.locator("[name='assign-unit']").input_value() == str(unit.pk)
    do(hq, "assign")
    assert state_of(hq) == "assigned"
    ent.goto(detail)
    assert state_of(ent) == "assigned"
    assert "通许县工信局" in ent.locator("[data-testid=holder]").inner_text()

    # 3. The unit responds, then answers.
    handler = open_as(unit_user)
    handler.goto(detail)
    do(handler, "respond", {"text": "已受理，正在联系供应商"})
    assert state_of(handler) == "in_progress"
    ent.goto(detail)
    assert state_of(ent) == "in_progress" and "已受理" in ent.locator("[data-testid=notes]").inner_text()
    do(handler, "answer", {"outcome": "resolved", "reply": "已协调郑州供应商供货"})
    ent.goto(detail)
    assert state_of(ent) == "answered"
    assert "已协调郑州供应商供货" in ent.locator("[data-testid=reply]").inner_text()
    # Issue 9 #8: once answered, the next move is the enterprise's, not the department's.
    assert ent.locator("[data-testid=next-party]").get_attribute("data-party") == "enterprise"

    # 4. The enterprise rates it satisfied.
    do(ent, "rate", {"satisfaction": "satisfied", "score": "5"})
    assert state_of(ent) == "rated"

    # 5. Supervision verifies; 6. the HQ office closes.
    supervision = open_as(personas.tongxu_supervision)
    supervision.goto(detail)
    do(supervision, "verify", {"verification": "电话回访，企业确认已供货"})
    assert state_of(supervision) == "verified"
    ent.goto(detail)
    assert state_of(ent) == "verified"
    hq.goto(detail)
    do(hq, "close")
    ent.goto(detail)
    assert state_of(ent) == "closed"
    assert ent.locator("[data-testid=history] tbody tr").count() == 7
    ent.goto(f"{live_server.url}/requests/")
    assert (
        ent.locator(f"[data-ticket='{ticket.pk}'] [data-testid=ticket-state]").get_attribute("data-state") == "closed"
    )
