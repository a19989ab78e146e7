"""The rule numbers' page and its write: every official reads each rule's default, the region's values in normal
state and in emergency with where each comes from, and the one in force; the administrator alone sets a region's
own values (both checked before either is saved, audit-logged); another county's region is 404."""

from decimal import Decimal
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from conftest import Personas, client_for, region
from sibao.emergency.models import Emergency
from sibao.parameters.models import ParameterOverride
from sibao.parameters.selectors import parameter_value
from sibao.parameters.services import parameter_set

pytestmark = pytest.mark.django_db

HOURS = "logistics.negative_test_hours"  # 48 h (001#annex2-三.5), no emergency value of its own
INTERVAL = "epidemic.test_interval_hours"  # 48 h, 24 h in an emergency (001#annex2-二.1)


def _row(body: str, key: str) -> str:
    start = body.index(f'data-key="{key}"')
    return body[start : body.index("</tr>", start)]


def in_emergency(personas: Personas, code: str) -> None:
    """The region ``code`` in an emergency in force now (written directly: the switch's own rules are not the point)."""
    now = timezone.now()
    Emergency.objects.create(
        region=region(code),
        status="active",
        document_number="通疫指〔2022〕1号",
        declared_at=now,
        reason="测试",
        effective_at=now,
        readiness_due_at=now,
        declared_by=personas.tongxu_hq,
    )


def test_an_official_reads_each_rule_with_where_its_value_comes_from(personas: Personas) -> None:
    parameter_set(actor=personas.admin, key=HOURS, region=region("410200"), value=24)
    body = client_for(personas.tongxu_hq).get("/parameters/").content.decode()
    assert "通许县" in body and "常态" in body and 'data-testid="region-state"' in body
    hours = _row(body, HOURS)
    assert "48 小时内" in hours  # the seeds' default
    assert "24 小时内" in hours and "沿用开封市" in hours  # the city's value, inherited
    interval = _row(body, INTERVAL)
    assert "应急状态 24 小时" in interval and "应急默认值" in interval
    assert f"/parameters/{HOURS}/" not in body  # no "set" link: not theirs to change


def test_in_an_emergency_the_value_in_force_is_the_emergency_one(personas: Personas) -> None:
    in_emergency(personas, "410222")
    body = client_for(personas.tongxu_hq).get("/parameters/").content.decode()
    assert "应急状态" in body
    in_force = _row(body, INTERVAL).split('data-testid="in-force"')[1]
    assert "24 小时" in in_force.split("</td>")[0]


def test_the_administrator_sets_a_regions_values_audit_logged(personas: Personas) -> None:
    client = client_for(personas.admin)
    form = client.get(f"/parameters/{INTERVAL}/", {"region": "410222"})
    assert form.status_code == 200 and "沿用上级" in form.content.decode()
    answer = client.post(
        f"/parameters/{INTERVAL}/?region=410222",
        {"normal": "36", "emergency": "12", "note": "通疫指〔2022〕5号"},
        follow=True,
    )
    assert answer.status_code == 200 and "已保存" in answer.content.decode()
    tongxu, xinzheng = region("410222"), region("410184")
    assert parameter_value(INTERVAL, tongxu) == 36 and parameter_value(INTERVAL, xinzheng) == 48
    in_emergency(personas, "410222")
    assert parameter_value(INTERVAL, tongxu) == 12
    assert "本级设置" in _row(client.get("/parameters/", {"region": "410222"}).content.decode(), INTERVAL)
    entries = LogEntry.objects.get_for_model(ParameterOverride)
    assert entries.count() == 2 and {entry.actor_id for entry in entries} == {personas.admin.pk}

    # Blank follows the region above again: the own values are gone, the defaults back.
    client.post(f"/parameters/{INTERVAL}/?region=410222", {"normal": "", "emergency": "", "note": ""})
    assert not ParameterOverride.objects.exists()
    assert parameter_value(INTERVAL, tongxu) == 24  # still in emergency: the registry's emergency value


def test_a_wrong_value_is_named_and_nothing_is_saved(personas: Personas) -> None:
    client = client_for(personas.admin)
    answer = client.post(f"/parameters/{HOURS}/?region=410222", {"normal": "36", "emergency": "四十八"})
    body = answer.content.decode()
    assert answer.status_code == 200 and 'data-field="emergency"' in body and "请填写数字" in body
    assert not ParameterOverride.objects.exists()  # the good normal value was not saved either
    answer = client.post("/parameters/whitelist.township_first_check/?region=410222", {"normal": "maybe"})
    assert 'data-field="normal"' in answer.content.decode()


def test_only_the_administrator_sets_and_only_in_its_area(personas: Personas) -> None:
    assert client_for(personas.tongxu_hq).get(f"/parameters/{HOURS}/").status_code == 403
    assert client_for(personas.tongxu_hq).post(f"/parameters/{HOURS}/", {"normal": "1"}).status_code == 403
    assert client_for(personas.ent_a_user).get("/parameters/").status_code == 403
    assert client_for(personas.xinzheng_hq).get("/parameters/", {"region": "410222"}).status_code == 404
    assert client_for(personas.admin).get("/parameters/nothing.such/").status_code == 404
    assert not ParameterOverride.objects.exists()


def _put(client: Any, key: str, **payload: Any) -> Any:
    return client.put(f"/api/parameters/{key}", payload, content_type="application/json")


def test_the_api_sets_what_the_page_sets(personas: Personas) -> None:
    client = client_for(personas.admin)
    answer = _put(client, "whitelist.coverage_percent", region="410200", normal="75.5", note="汴政〔2022〕1号")
    assert answer.status_code == 200, answer.content
    row = answer.json()
    assert (row["normal"], row["normal_region_code"], row["in_force"]) == ("75.5", "410200", "75.5")
    assert parameter_value("whitelist.coverage_percent", region("410222")) == Decimal("75.5")
    assert _put(client, "whitelist.township_first_check", region="410222", normal=True).json()["in_force"] is True

    refused = _put(client, HOURS, region="410222", normal=0)
    assert refused.status_code == 400 and refused.json()["field"] == "normal" and "小时" not in refused.json()["field"]
    assert _put(client, "nothing.such", normal=1).status_code == 404
    assert _put(client_for(personas.tongxu_hq), HOURS, normal=24).status_code == 403
    listed = client_for(personas.tongxu_hq).get("/api/parameters").json()["parameters"]
    coverage = next(row for row in listed if row["key"] == "whitelist.coverage_percent")
    assert coverage["normal_region_code"] == "410200" and coverage["set_below"] == 0
