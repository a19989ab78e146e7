"""X-3 / X-5: the audit log through the API — the page's rows and filters, in words people read, for the
administrator only; a filter value the log does not know is refused naming the field."""

import pytest
from django.test import Client

from conftest import Personas, client_for
from sibao.core.audit import as_actor

pytestmark = pytest.mark.django_db


def test_the_administrator_reads_changes_in_words_filtered_by_actor_and_type(personas: Personas) -> None:
    with as_actor(personas.tongxu_hq):
        personas.ent_a.park = "甲园区"
        personas.ent_a.save()
    with as_actor(personas.xinzheng_hq):
        personas.ent_xinzheng.park = "乙园区"
        personas.ent_xinzheng.save()
    client = client_for(personas.admin)
    answer = client.get("/api/audit", {"actor": personas.xinzheng_hq.username, "model": "enterprises.Enterprise"})
    assert answer.status_code == 200
    items = answer.json()["items"]
    assert items and all(item["object_pk"] == str(personas.ent_xinzheng.pk) for item in items)
    change = next(change for item in items for change in item["changes"] if change["after"] == "乙园区")
    assert change["label"] == "所在园区" and items[0]["subject"] == "企业" and items[0]["action"] == "修改"


def test_security_events_are_listed_as_events(personas: Personas) -> None:
    Client().post("/accounts/login/", {"username": personas.tongxu_hq.username, "password": "wrong"})
    items = client_for(personas.admin).get("/api/audit", {"kind": "events"}).json()["items"]
    assert items and all(item["is_event"] for item in items)
    assert any(item["action"] == "登录失败" for item in items)


def test_only_the_administrator_reads_it_and_unknown_filters_are_refused(personas: Personas) -> None:
    assert client_for(personas.tongxu_hq).get("/api/audit").status_code == 403
    refused = client_for(personas.admin).get("/api/audit", {"model": "auth.Permission"})
    assert refused.status_code == 422 and refused.json()["field"] == "model"
    assert client_for(personas.admin).get("/api/audit", {"kind": "nonsense"}).status_code == 422
