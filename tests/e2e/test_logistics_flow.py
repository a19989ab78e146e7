"""Issue 13 in a browser: a transport company applies for a pass, 通许县's logistics task force approves it, the
printable pass shows the QR code, and a checkpoint officer checks it on a 390 px phone page — green channel — then
a second driver with an old test is refused with the reason (LG-1, LG-2)."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from conftest import Personas
from sibao.logistics.models import VehiclePass
from sibao.logistics.tests.factories import build_world
from sibao.logistics.tokens import sign_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_apply_approve_print_and_check_at_phone_width(
    live_server: Any, open_as: Any, personas: Personas, tmp_path: Any
) -> None:
    world = build_world(personas)
    stale, _ = world.driver_with(tested=timezone.now() - timedelta(hours=60))
    today = timezone.localdate()

    page = open_as(world.company_user)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/logistics/passes/new/")
    form = page.locator("[data-testid=pass-form]")
    form.locator("#id_vehicle").select_option(str(world.vehicle.pk))
    form.locator(f"input[name=drivers][value='{world.driver.pk}']").check()
    form.locator(f"input[name=drivers][value='{stale.pk}']").check()
    form.locator("#id_served").select_option([str(personas.ent_a.pk)])
    form.locator("#id_arrangement").select_option("fixed_outsourced")
    form.locator("#id_route").fill("通许县—开封市区")
    form.locator("#id_valid_from").fill(today.isoformat())
    form.locator("#id_valid_until").fill((today + timedelta(days=7)).isoformat())
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/logistics/passes/*/")
    vehicle_pass = VehiclePass.objects.get(vehicle=world.vehicle)

    page = open_as(world.group)
    page.goto(f"{live_server.url}/logistics/passes/{vehicle_pass.pk}/")
    page.locator("[data-testid=decision] [data-action=approve]").click()
    page.locator("[data-testid=print-link]").click()
    printable = page.locator("[data-testid=printable-pass]")
    assert printable.locator("[data-testid=qr] svg").count() == 1
    assert world.vehicle.plate_display in printable.locator("[data-testid=plate]").inner_text()
    page.screenshot(path=str(tmp_path / "pass-print.png"))

    # The officer's phone: the code the QR holds is typed (a camera scan opens the same page with it).
    page = open_as(world.officer)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/logistics/check/")
    page.fill("#lookup-token", sign_code(vehicle_pass.code))
    page.locator("[data-testid=lookup] button[type=submit]").click()
    page.locator(f"input[name=driver][value='{world.driver.pk}']").check()
    page.locator("[data-testid=check-submit]").click()
    answer = page.locator("[data-testid=check-answer]")
    assert answer.get_attribute("data-green") == "1", page.locator("[data-testid=conditions]").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(tmp_path / "check-green.png"))

    page.locator("[data-testid=next]").click()
    page.fill("#lookup-token", sign_code(vehicle_pass.code))
    page.locator("[data-testid=lookup] button[type=submit]").click()
    page.locator(f"input[name=driver][value='{stale.pk}']").check()
    page.locator("[data-testid=check-submit]").click()
    assert page.locator("[data-testid=check-answer]").get_attribute("data-green") == "0"
    failed = page.locator("[data-testid=conditions] li[data-passed='0']")
    assert failed.count() == 1 and failed.get_attribute("data-condition") == "test"
    assert "48" in failed.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
