"""Issue 9 #8: the audit-log page reads as Chinese — model and field names, choice labels, related rows by
name, yes/no — not auditlog's raw dumps ("state: None", "sentinel.PharmacyPurchase.None")."""

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import TEST_PASSWORD, Personas, client_for, region
from sibao.core.audit import as_actor
from sibao.epidemic.services import employee_create

pytestmark = pytest.mark.django_db

NUMBER = "410222199001011235"


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def audit_page(personas: Personas, query: str = "") -> str:
    response = client_for(personas.admin).get(f"/core/audit/{query}")
    assert response.status_code == 200
    return text(response.content.decode())


def test_changes_show_chinese_names_labels_and_related_rows(personas: Personas) -> None:
    client_for(personas.tongxu_hq).patch(
        f"/api/enterprises/{personas.ent_a.pk}",
        data=json.dumps({"credit_status": "dishonest", "above_designated_size": True}),
        content_type="application/json",
    )
    with as_actor(personas.tongxu_hq):
        personas.ent_a.refresh_from_db()
        personas.ent_a.region = region("410222")
        personas.ent_a.save()
    page = audit_page(personas, "?model=enterprises.Enterprise")
    assert "企业" in page and "信用状况" in page and "良好 → 严重失信" in page
    assert "规上企业" in page and "否 → 是" in page
    assert "行政区划" in page and "咸平街道 → 通许县" in page
    assert "credit_status" not in page and "dishonest" not in page and "False" not in page


def test_a_new_record_lists_what_it_was_created_with_and_no_reverse_relations(personas: Personas) -> None:
    employee_create(
        actor=personas.ent_a_user,
        enterprise=personas.ent_a,
        data={"name": "王建军", "id_number": NUMBER, "phone": "13812345678"},
    )
    page = audit_page(personas, "?model=epidemic.Employee")
    assert "王建军" in page and "138****5678" in page and "13812345678" not in page and NUMBER not in page
    assert ".None" not in page and ": None" not in page and "None" not in page


def test_security_events_are_described_in_words(personas: Personas) -> None:
    Client().post("/accounts/login/", {"username": personas.tongxu_hq.username, "password": "wrong"})
    client = Client()
    client.post("/accounts/login/", {"username": personas.xinzheng_hq.username, "password": TEST_PASSWORD})
    client.patch(f"/api/enterprises/{personas.ent_a.pk}", data="{}", content_type="application/json")
    page = audit_page(personas, "?kind=events")
    assert "登录失败" in page and f"用户名：{personas.tongxu_hq.username}" in page
    assert "操作被拒绝" in page and f"PATCH /api/enterprises/{personas.ent_a.pk} → 404" in page
    assert "登录" in page and "login_failed" not in page


def test_the_page_reads_a_fixed_number_of_queries_whatever_the_entries(personas: Personas) -> None:
    def queries() -> int:
        client = client_for(personas.admin)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/core/audit/").status_code == 200
        return len(captured)

    with as_actor(personas.tongxu_hq):
        personas.ent_a.park = "一"
        personas.ent_a.save()
    few = queries()
    with as_actor(personas.tongxu_hq):
        for enterprise in (personas.ent_a, personas.ent_b, personas.ent_xinzheng) * 5:
            enterprise.region = region("410222") if enterprise.region.code != "410222" else region("410184")
            enterprise.park = f"园区{enterprise.pk}"
            enterprise.save()
    assert queries() <= few + 2  # a related model more to name, not a query per entry


def test_filters_by_record_type_and_actor(personas: Personas) -> None:
    with as_actor(personas.tongxu_hq):
        personas.ent_a.park = "甲园区"
        personas.ent_a.save()
    with as_actor(personas.xinzheng_hq):
        personas.ent_xinzheng.park = "乙园区"
        personas.ent_xinzheng.save()
    page = audit_page(personas, f"?actor={personas.xinzheng_hq.username}")
    assert "乙园区" in page and "甲园区" not in page
    legacy = audit_page(personas, "?model=enterprise")  # links written before the filter became a list
    assert "甲园区" in legacy and "乙园区" in legacy
