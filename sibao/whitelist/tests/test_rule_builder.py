"""Issue 9 #9, the server side of the condition builder: it offers exactly the engine's fields and operators,
in the reader's language, the page carries it without inline script, officials get the builder and
administrators the JSON too, and a rule built from the lists previews and saves like any other."""

import json
import re
from typing import Any

import pytest
from django.utils import translation

from conftest import Personas, client_for, region
from sibao.core.rules import OPS_BY_KIND, validate_rule
from sibao.enterprises.rule_fields import FIELDS
from sibao.whitelist.models import Criteria
from sibao.whitelist.rule_builder import builder_regions, builder_schema, op_labels

pytestmark = pytest.mark.django_db


def test_the_schema_offers_the_registrys_fields_and_operators(personas: Personas) -> None:
    with translation.override("zh-hans"):
        schema = builder_schema(FIELDS, builder_regions(region("410222")))
    assert [field["name"] for field in schema["fields"]] == list(FIELDS)
    for field in schema["fields"]:
        spec = FIELDS[field["name"]]
        assert field["ops"] == list(OPS_BY_KIND[spec.kind]) and field["label"] == str(spec.label)
        assert all(op in schema["ops"] for op in field["ops"])
    by_name = {field["name"]: field for field in schema["fields"]}
    assert ["operating", "正常经营"] in by_name["operating_status"]["choices"]
    assert by_name["output_value"]["decimal_places"] == 2
    assert {"safety_accident", "dishonesty"} <= {value for value, _label in by_name["records"]["kinds"]}
    assert schema["ops"]["gte"] == "不低于" and dict(schema["groups"])["none"] == "以下情形均不存在"
    codes = [code for code, _name in schema["regions"]]
    assert codes[0] == "410222" and all(code.startswith("410222") for code in codes)
    with translation.override("en"):
        assert op_labels()["gte"] == "is at least"


def _page(user: Any, url: str = "/whitelist/criteria/new/") -> str:
    response = client_for(user).get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_officials_get_the_builder_without_inline_script(personas: Personas) -> None:
    page = _page(personas.tongxu_industry)
    assert "data-rule-builder" in page and "/static/sibao/criteria-builder.js" in page
    schema = re.search(r'<script id="rule-schema" type="application/json">(.*?)</script>', page, re.S)
    assert schema is not None and json.loads(schema.group(1))["fields"]
    # The JSON field is in the form (the builder writes it) but hidden from officials.
    assert re.search(r'<div class="d-none"[^>]*>\s*<textarea name="rule"', page)
    # No inline handlers and no executable inline script in the page's content (a CSP is coming; the layout's
    # own language switch is the layout's business).
    content = page.split("<main", 1)[1]
    assert not re.search(r"\son(click|submit|change|input)=", content)
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", content)
    assert all('type="application/json"' in attributes for attributes in inline)


def test_administrators_keep_the_json(personas: Personas) -> None:
    page = _page(personas.admin)
    assert "data-rule-builder" in page and "<details" in page
    assert not re.search(r'<div class="d-none"[^>]*>\s*<textarea name="rule"', page)


def test_a_rule_built_from_the_lists_previews_and_saves(personas: Personas) -> None:
    """The JSON the builder writes for nested all/any/none groups, as the browser posts it."""
    rule = {
        "all": [
            {"field": "operating_status", "op": "eq", "value": "operating", "label": "生产经营状态正常"},
            {"field": "employee_count", "op": "gte", "value": 50},
            {"any": [{"field": "above_designated_size", "op": "is_true"}, {"field": "livelihood", "op": "is_true"}]},
            {
                "label": "不得有下列情况",
                "none": [
                    {"field": "records", "op": "any_within_years", "value": {"years": 3, "kinds": ["dishonesty"]}}
                ],
            },
        ]
    }
    assert validate_rule(rule, FIELDS) == []
    client = client_for(personas.tongxu_industry)
    preview = client.post(
        "/whitelist/criteria/new/",
        {"title": "试行", "rule": json.dumps(rule, ensure_ascii=False), "action": "preview"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert 'data-testid="rule-tree"' in preview and "不得有下列情况" in preview and "职工人数" in preview
    saved = client.post(
        "/whitelist/criteria/new/", {"title": "试行", "rule": json.dumps(rule, ensure_ascii=False), "action": "save"}
    )
    assert saved.status_code == 302
    assert Criteria.objects.get().rule == rule
    # The readable tree indents with classes, not inline styles.
    edit = _page(personas.tongxu_industry, saved["Location"])
    assert 'class="rule-depth-2"' in edit and 'style="padding-left' not in edit
