"""WL-3→WL-6 in a browser: an enterprise applies, the county's industry department approves, the HQ office
publishes a batch, the public page shows the enterprise and the sector's coverage rises."""

from pathlib import Path
from typing import Any

import pytest

from conftest import Personas, region
from sibao.core.sectors import Sector
from sibao.whitelist import selectors
from sibao.whitelist.models import Application, ApplicationState, Batch
from sibao.whitelist.tests.flows import publish_default_criteria

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def industry_coverage() -> Any:
    return selectors.coverage(region("410222"), sectors=[Sector.INDUSTRY], gap_limit=0)[0]


def test_apply_approve_publish_and_see_it_public(
    live_server: Any, open_as: Any, personas: Personas, tmp_path: Path
) -> None:
    publish_default_criteria(personas.tongxu_industry)
    ent_a = personas.ent_a
    ent_a.above_designated_size = True  # 规上工业企业: meets the "one of" group of 003#二
    ent_a.save()
    before = industry_coverage()

    # 1. The enterprise fills the form, attaches both required files, sees the pre-check and submits.
    page = open_as(personas.ent_a_user)
    page.goto(f"{live_server.url}/whitelist/apply/")
    assert page.locator("[data-testid=precheck-banner]").get_attribute("data-result") == "passed"
    page.fill("#id_contact_name", "王经理")
    page.fill("#id_contact_phone", "13800000000")
    page.fill("#id_statement", "保障县内农机配件供应")
    page.fill("#id_measures", "闭环生产，每日核酸检测")
    page.click("button[name=save]")
    page.wait_for_selector("[data-testid=attachment-form]")
    for kind, name in (("application_form", "申请表.pdf"), ("commitment", "承诺书.pdf")):
        path = tmp_path / name
        path.write_bytes(PDF)
        page.select_option("#id_kind", kind)
        page.set_input_files("#id_file", str(path))
        page.click("button[name=upload]")
        page.wait_for_selector(f"[data-testid=attachments] >> text={name}")
    assert page.locator("[data-testid=required-attachments] .bi-check-circle-fill").count() == 2
    nodes = page.locator("[data-testid=precheck-node]")
    assert nodes.count() > 10
    assert "在县内注册" in page.locator("[data-testid=precheck]").inner_text()
    page.click("[data-testid=submit-application]")
    page.wait_for_url("**/whitelist/applications/*/")
    assert page.locator("[data-testid=application-state]").get_attribute("data-state") == "submitted"
    application = Application.objects.get(enterprise=ent_a)
    assert application.state == ApplicationState.SUBMITTED and application.precheck_passed is True

    # 2. 通许县's industry department approves.
    reviewer = open_as(personas.tongxu_industry)
    reviewer.goto(f"{live_server.url}/whitelist/?state=to_review")
    reviewer.click(f"[data-application='{application.pk}'] a")
    reviewer.wait_for_url(f"**/whitelist/applications/{application.pk}/")
    assert reviewer.locator("[data-testid=attachments] a").count() == 2
    reviewer.click("button[data-action=approve]")
    reviewer.wait_for_selector("[data-testid=application-state][data-state=approved]")
    assert "p_tongxu_industry" in reviewer.locator("[data-testid=history]").inner_text()

    # 3. 通许县's HQ office publishes it as batch 1.
    office = open_as(personas.tongxu_hq)
    office.goto(f"{live_server.url}/whitelist/batches/")
    office.check(f"input[name=applications][value='{application.pk}']")
    office.fill("#id_note", "第一批")
    office.click("[data-testid=publish-batch]")
    office.wait_for_selector("[data-testid=batch]")
    assert ent_a.name in office.locator("[data-testid=batch]").first.inner_text()
    assert Batch.objects.get(region__code="410222").number == 1

    # 4. Anyone sees it on the public page, logged out.
    public = open_as(None)
    public.goto(f"{live_server.url}/public/whitelist/")
    batch = public.locator("[data-testid=batch]").first.inner_text()
    assert ent_a.name in batch and ent_a.uscc in batch
    assert "/accounts/login/" not in public.url

    # 5. The industry sector's coverage in 通许县 rose by ent_a's output value.
    after = industry_coverage()
    assert after.listed_count == before.listed_count + 1
    assert after.listed == before.listed + ent_a.output_value
    assert after.percent > before.percent
