"""Issue 8 #9: a criteria rule of 5,000 conditions was saved, then its page failed on SQLite. Rules are
limited in size when saved, with a Chinese message; a rule at the limit saves and its pages render."""

import json
from typing import Any

import pytest

from conftest import Personas, client_for, region
from sibao.core.errors import ServiceError
from sibao.core.rules import MAX_CONDITIONS, MAX_LIST_VALUES, validate_rule
from sibao.core.sectors import Sector
from sibao.enterprises.rule_fields import FIELDS
from sibao.whitelist.models import Criteria
from sibao.whitelist.services import criteria_publish, criteria_save

LEAF = {"field": "above_designated_size", "op": "is_true", "label": "规上工业企业"}


def flat(conditions: int) -> dict[str, Any]:
    return {"any": [dict(LEAF) for _ in range(conditions)]}


def test_a_rule_of_thousands_of_conditions_is_refused_with_one_clear_message() -> None:
    errors = validate_rule(flat(5000), FIELDS)
    assert len(errors) == 1 and "规则过大" in errors[0] and str(MAX_CONDITIONS) in errors[0]


def test_nested_groups_count_towards_the_limit() -> None:
    nested = {"all": [{"any": [dict(LEAF) for _ in range(40)]} for _ in range(10)]}  # 10 groups of 40
    assert "规则过大" in validate_rule(nested, FIELDS)[0]


def test_long_value_lists_are_refused() -> None:
    values = [str(n) for n in range(MAX_LIST_VALUES + 1)]
    rule = {"all": [{"field": "park", "op": "in", "value": values, "label": "园区"}]}
    assert "规则过大" in validate_rule(rule, FIELDS)[0]


def test_a_rule_at_the_limit_is_valid() -> None:
    assert validate_rule(flat(MAX_CONDITIONS - 1), FIELDS) == []


@pytest.mark.django_db
def test_the_oversized_rule_is_not_saved_and_one_at_the_limit_renders(personas: Personas) -> None:
    actor = personas.tongxu_industry
    tongxu = region("410222")
    with pytest.raises(ServiceError) as refused:
        criteria_save(actor=actor, region=tongxu, sector=Sector.INDUSTRY, title="过大", rule=flat(5000))
    assert refused.value.field == "rule" and "规则过大" in refused.value.message
    assert not Criteria.objects.exists()
    api = client_for(actor).post(
        "/api/whitelist/criteria",
        data=json.dumps({"region_code": "410222", "sector": Sector.INDUSTRY, "title": "过大", "rule": flat(5000)}),
        content_type="application/json",
    )
    assert api.status_code == 400 and "规则过大" in api.json()["message"] and api.json()["field"] == "rule"
    # The page (whose text box holds 50,000 characters) refuses one of 300 conditions the same way.
    page = client_for(actor).post(
        "/whitelist/criteria/new/",
        {"title": "过大", "sector": Sector.INDUSTRY, "rule": json.dumps(flat(300)), "action": "save"},
    )
    assert page.status_code in (200, 400) and "规则过大" in page.content.decode()
    assert not Criteria.objects.exists()

    largest = criteria_publish(
        actor=actor,
        criteria=criteria_save(
            actor=actor, region=tongxu, sector=Sector.INDUSTRY, title="最大", rule=flat(MAX_CONDITIONS - 1)
        ),
    )
    client = client_for(actor)
    assert client.get(f"/whitelist/criteria/{largest.pk}/").status_code == 200
    assert client.get("/public/criteria/", {"region": "410222"}).status_code == 200
    matches = client.get(f"/api/whitelist/criteria/{largest.pk}/matches")  # to_q: 199 conditions in one query
    assert matches.status_code == 200
