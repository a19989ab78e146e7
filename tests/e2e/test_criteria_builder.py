"""Issue 9 #9 in a browser: a 科工局 official builds the selection criteria from lists — no JSON — sees the
readable tree and who meets it, saves the draft, and finds it again in the builder; the page fits a phone."""

from typing import Any

import pytest

from conftest import Personas
from sibao.whitelist.models import Criteria

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _last(page: Any, selector: str) -> Any:
    return page.locator(selector).last


def _wait_preview(page: Any, text: str) -> None:
    page.wait_for_function(
        "text => document.querySelector('[data-testid=criteria-preview]').innerText.includes(text)", arg=text
    )


def test_an_official_builds_a_rule_with_lists_and_saves_it(live_server: Any, open_as: Any, personas: Personas) -> None:
    personas.ent_a.above_designated_size = True
    personas.ent_a.save()
    page = open_as(personas.tongxu_industry)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/whitelist/criteria/new/")
    assert page.locator("#id_rule").is_hidden()  # officials do not see JSON
    builder = page.locator("[data-testid=rule-builder]")
    assert builder.locator("[data-testid=rule-group]").count() == 1
    page.fill("#id_title", "通许县工业企业遴选标准（试行）")

    # 1. 生产经营状态正常: a choice field, "equals", a value from the list.
    builder.locator("[data-action=add-condition]").last.click()
    condition = _last(builder, "[data-testid=rule-condition]")
    condition.locator("[data-role=field]").select_option("operating_status")
    condition.locator("[data-role=op]").select_option("eq")
    condition.locator("[data-role=value]").select_option("operating")
    condition.locator("[data-role=label]").fill("生产经营状态正常")

    # 2. 规上工业企业: a yes/no field.
    builder.locator("[data-action=add-condition]").last.click()
    condition = _last(builder, "[data-testid=rule-condition]")
    condition.locator("[data-role=field]").select_option("above_designated_size")
    condition.locator("[data-role=op]").select_option("is_true")

    # 3. A nested "none" group: no major safety accident in the last three years.
    builder.locator("[data-action=add-group]").first.click()
    group = _last(builder, "[data-testid=rule-group]")
    group.locator("[data-role=group-kind]").select_option("none")
    group.locator("[data-role=group-label]").fill("不得有下列情况")
    condition = group.locator("[data-testid=rule-condition]").first
    condition.locator("[data-role=field]").select_option("records")
    condition.locator("[data-role=op]").select_option("any_within_years")
    condition.locator("[data-role=years]").fill("3")
    condition.locator("[data-role=kinds] input[value=safety_accident]").check()
    condition.locator("[data-role=severities] input[value=major]").check()
    condition.locator("[data-role=label]").fill("近三年发生重大安全事故")

    # The live preview reads the rule in words and counts who meets it.
    _wait_preview(page, "近三年发生重大安全事故")
    tree = page.locator("[data-testid=rule-tree]").inner_text()
    assert "生产经营状态正常" in tree and "不得有下列情况" in tree
    assert page.locator("[data-testid=match-count]").is_visible()

    page.click("button[name=action][value=save]")
    page.wait_for_url("**/whitelist/criteria/*/")
    criteria = Criteria.objects.get()
    assert criteria.rule == {
        "all": [
            {"field": "operating_status", "op": "eq", "value": "operating", "label": "生产经营状态正常"},
            {"field": "above_designated_size", "op": "is_true"},
            {
                "label": "不得有下列情况",
                "none": [
                    {
                        "field": "records",
                        "op": "any_within_years",
                        "value": {"years": 3, "kinds": ["safety_accident"], "severities": ["major"]},
                        "label": "近三年发生重大安全事故",
                    }
                ],
            },
        ]
    }
    # The saved rule comes back into the builder as it was built.
    builder = page.locator("[data-testid=rule-builder]")
    assert builder.locator("[data-testid=rule-condition]").count() == 3
    assert builder.locator("[data-role=group-kind]").nth(1).input_value() == "none"

    # Reorder and remove with the buttons: the JSON follows.
    builder.locator("[data-testid=rule-condition]").nth(1).locator("[data-action=up]").click()
    builder.locator("[data-testid=rule-condition]").nth(1).locator("[data-action=remove]").click()
    with page.expect_navigation():
        page.click("button[name=action][value=save]")
    criteria.refresh_from_db()
    assert [node.get("field") for node in criteria.rule["all"][:1]] == ["above_designated_size"]
    assert len(criteria.rule["all"]) == 2


def test_the_builder_fits_a_phone_and_administrators_keep_the_json(
    live_server: Any, open_as: Any, personas: Personas
) -> None:
    page = open_as(personas.tongxu_industry)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/whitelist/criteria/new/")
    page.click("button[name=action][value=template]")  # the 003 template: eleven conditions, nested groups
    page.wait_for_selector("[data-testid=rule-condition]")
    assert page.locator("[data-testid=rule-condition]").count() >= 10
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    field = page.locator("[data-testid=rule-condition] [data-role=field]").first
    box = field.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390

    admin = open_as(personas.admin)
    admin.goto(f"{live_server.url}/whitelist/criteria/new/")
    admin.locator("details summary").click()
    assert admin.locator("#id_rule").is_visible()
    admin.locator("[data-action=add-condition]").first.click()
    assert '"field"' in admin.locator("#id_rule").input_value()  # the builder writes the JSON administrators see
