"""EN-1 records of accidents, violations and dishonesty (issue 9 #7): entered by the sector department or the
HQ office in scope on the enterprise's page or through the API — one service, scope-checked, audit-logged —
and read by the whitelist exclusions of 003#二."""

import json
from datetime import timedelta
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from conftest import Personas, client_for, make_user, region
from sibao.core.errors import PermissionRefused, ServiceError
from sibao.core.roles import Role
from sibao.core.rules import evaluate
from sibao.core.sectors import Sector
from sibao.enterprises.models import EnterpriseRecord, RecordKind, RecordSeverity
from sibao.enterprises.rule_fields import FIELDS
from sibao.enterprises.services import enterprise_record_add

pytestmark = pytest.mark.django_db

NO_MAJOR_ACCIDENT = {
    "none": [
        {
            "field": "records",
            "op": "any_within_years",
            "value": {"years": 3, "kinds": ["safety_accident"], "severities": ["major"]},
            "label": "近三年无重大安全事故",
        }
    ]
}


def _post_json(client: Any, method: str, url: str, body: Any) -> Any:
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def _form(**extra: Any) -> dict[str, Any]:
    data = {
        "kind": RecordKind.SAFETY_ACCIDENT,
        "severity": RecordSeverity.MAJOR,
        "occurred_on": (timezone.localdate() - timedelta(days=200)).isoformat(),
        "description": "车间起火，1人重伤",
        "source": "通许县应急管理局处罚决定书",
    }
    return {**data, **extra}


def _data(**extra: Any) -> dict[str, Any]:
    """The same record as the service takes it (a date, not text)."""
    return {**_form(occurred_on=timezone.localdate() - timedelta(days=200)), **extra}


def test_the_department_adds_a_record_on_the_page_and_the_criteria_read_it(personas: Personas) -> None:
    enterprise = personas.ent_a
    today = timezone.localdate()
    assert evaluate(NO_MAJOR_ACCIDENT, enterprise, today=today, fields=FIELDS).passed
    client = client_for(personas.tongxu_industry)
    page = client.get(f"/enterprises/{enterprise.pk}/").content.decode()
    assert 'data-testid="record-form"' in page
    response = client.post(f"/enterprises/{enterprise.pk}/records/", _form())
    assert response.status_code == 302
    record = EnterpriseRecord.objects.get(enterprise=enterprise)
    assert record.source == "通许县应急管理局处罚决定书"
    assert "车间起火" in client.get(f"/enterprises/{enterprise.pk}/").content.decode()
    enterprise.refresh_from_db()
    assert not evaluate(NO_MAJOR_ACCIDENT, enterprise, today=today, fields=FIELDS).passed
    entry = LogEntry.objects.get(content_type=ContentType.objects.get_for_model(EnterpriseRecord), object_id=record.pk)
    assert entry.actor == personas.tongxu_industry


def test_a_future_date_is_refused_naming_the_field(personas: Personas) -> None:
    client = client_for(personas.tongxu_hq)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(f"/enterprises/{personas.ent_a.pk}/records/", _form(occurred_on=tomorrow))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-field="occurred_on"' in page and "日期" in page
    api = _post_json(client, "post", f"/api/enterprises/{personas.ent_a.pk}/records", _form(occurred_on=tomorrow))
    assert api.status_code == 400 and api.json()["field"] == "occurred_on"
    assert not EnterpriseRecord.objects.exists()


def test_out_of_scope_is_404_and_other_roles_may_not_write(personas: Personas) -> None:
    xinzheng_industry = make_user(
        "xz_industry", Role.SECTOR_DEPARTMENT, region=region("410184"), sector=Sector.INDUSTRY
    )
    url = f"/enterprises/{personas.ent_a.pk}/records/"
    assert client_for(xinzheng_industry).post(url, _form()).status_code == 404
    api_url = f"/api/enterprises/{personas.ent_a.pk}/records"
    assert _post_json(client_for(xinzheng_industry), "post", api_url, _form()).status_code == 404
    # 通许县's commerce department does not see an industry enterprise.
    assert client_for(personas.tongxu_commerce).post(url, _form()).status_code == 404
    for user in (personas.ent_a_user, personas.tongxu_township, personas.tongxu_epidemic):
        assert client_for(user).post(url, _form()).status_code == 403
        assert _post_json(client_for(user), "post", api_url, _form()).status_code == 403
    assert (
        'data-testid="record-form"'
        not in client_for(personas.ent_a_user).get(f"/enterprises/{personas.ent_a.pk}/").content.decode()
    )
    with pytest.raises(PermissionRefused):
        enterprise_record_add(actor=xinzheng_industry, enterprise=personas.ent_a, data=_data())
    assert not EnterpriseRecord.objects.exists()


def test_the_api_adds_lists_corrects_and_removes(personas: Personas) -> None:
    client = client_for(personas.tongxu_industry)
    base = f"/api/enterprises/{personas.ent_a.pk}/records"
    created = _post_json(client, "post", base, _form())
    assert created.status_code == 201, created.content
    record_id = created.json()["id"]
    listed = client.get(base).json()
    assert [item["id"] for item in listed] == [record_id] and listed[0]["severity"] == "major"
    changed = _post_json(client, "patch", f"{base}/{record_id}", {"severity": "general"})
    assert changed.status_code == 200 and changed.json()["severity"] == "general"
    assert client_for(personas.ent_a_user).get(base).status_code == 200  # the enterprise reads its own records
    other = make_user("xz_hq", Role.HQ_OFFICE, region=region("410184"))
    assert client_for(other).delete(f"{base}/{record_id}").status_code == 404
    assert client.delete(f"{base}/{record_id}").status_code == 204
    assert not EnterpriseRecord.objects.exists()


def test_the_edit_page_corrects_a_record(personas: Personas) -> None:
    record = enterprise_record_add(actor=personas.tongxu_hq, enterprise=personas.ent_a, data=_data())
    client = client_for(personas.tongxu_hq)
    url = f"/enterprises/{personas.ent_a.pk}/records/{record.pk}/edit/"
    assert client.get(url).status_code == 200
    response = client.post(url, _form(kind=RecordKind.ENVIRONMENTAL_VIOLATION, severity=RecordSeverity.SERIOUS))
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.kind == RecordKind.ENVIRONMENTAL_VIOLATION
    with pytest.raises(ServiceError) as refused:
        enterprise_record_add(actor=personas.tongxu_hq, enterprise=personas.ent_a, data=_data(kind="flood"))
    assert refused.value.field == "kind"
    assert client.post(f"/enterprises/{personas.ent_a.pk}/records/{record.pk}/remove/").status_code == 302
    assert not EnterpriseRecord.objects.exists()
