"""The whitelist API (X-5): the WL-2…WL-9 flow end to end, and its refusals (scope 404, role 403, state 409)."""

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import Personas, client_for, make_user, region
from sibao.accounts.services import api_token_create
from sibao.core.models import TransitionLog
from sibao.core.roles import Role
from sibao.core.sectors import Sector
from sibao.enterprises.tests.factories import EnterpriseFactory
from sibao.whitelist.models import Application, ApplicationState, Attachment, Batch, Listing

pytestmark = pytest.mark.django_db

API = "/api/whitelist"
RULE = {
    "label": "测试标准",
    "all": [
        {"field": "operating_status", "op": "eq", "value": "operating", "label": "生产经营状态正常"},
        {"field": "safety_compliant", "op": "is_true", "label": "达到安全生产标准"},
    ],
}
APPLICATION = {
    "contact_name": "张三",
    "contact_phone": "13800000000",
    "statement": "保障县内粮食加工机械供应",
    "measures": "闭环管理、每日两次测温",
}


def post(client: Client, url: str, data: Any = None) -> Any:
    return client.post(url, data=json.dumps(data if data is not None else {}), content_type="application/json")


def pdf(name: str = "a.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 x", content_type="application/pdf")


def publish_criteria(personas: Personas) -> dict[str, Any]:
    department = client_for(personas.tongxu_industry)
    created = post(
        department,
        f"{API}/criteria",
        {"region_code": "410222", "sector": "industry", "title": "通许县工业企业白名单标准", "rule": RULE},
    )
    assert created.status_code == 201, created.json()
    assert created.json()["status"] == "draft"
    published = post(department, f"{API}/criteria/{created.json()['id']}/publish")
    assert published.status_code == 200, published.json()
    return published.json()


def submitted_application(personas: Personas) -> int:
    """ent_a applies with both required attachments and submits; returns the application id."""
    enterprise = client_for(personas.ent_a_user)
    started = post(enterprise, f"{API}/applications", APPLICATION)
    assert started.status_code == 201, started.json()
    application_id = started.json()["id"]
    for kind, name in (("application_form", "申请表.pdf"), ("commitment", "承诺书.pdf")):
        uploaded = enterprise.post(
            f"{API}/applications/{application_id}/attachments", {"kind": kind, "file": pdf(name)}
        )
        assert uploaded.status_code == 201, uploaded.json()
    submitted = post(enterprise, f"{API}/applications/{application_id}/submit")
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["state"] == "submitted"
    return int(application_id)


def test_full_flow_from_criteria_to_listing_and_coverage(personas: Personas) -> None:
    criteria = publish_criteria(personas)
    public = client_for(personas.ent_a_user).get(f"{API}/criteria?region_code=410222").json()["items"]
    assert [row["id"] for row in public] == [criteria["id"]]

    enterprise = client_for(personas.ent_a_user)
    application_id = submitted_application(personas)
    detail = enterprise.get(f"{API}/applications/{application_id}").json()
    assert detail["criteria"]["id"] == criteria["id"]
    assert detail["precheck_passed"] is True and detail["precheck"]["group"] == "all"
    assert {(row["kind"], row["original_name"]) for row in detail["attachments"]} == {
        ("application_form", "申请表.pdf"),
        ("commitment", "承诺书.pdf"),
    }
    assert [row["action"] for row in detail["history"]] == ["submit"]
    assert [row["action"] for row in detail["actions"]] == ["withdraw"]

    department = client_for(personas.tongxu_industry)
    queue = department.get(f"{API}/applications?state=submitted").json()
    assert [row["id"] for row in queue["items"]] == [application_id]
    assert {row["action"] for row in department.get(f"{API}/applications/{application_id}").json()["actions"]} == {
        "approve",
        "reject",
        "return",
    }
    approved = post(department, f"{API}/applications/{application_id}/actions/approve")
    assert approved.status_code == 200, approved.json()
    assert approved.json()["state"] == "approved"
    assert approved.json()["history"][-1]["actor"] == personas.tongxu_industry.username

    hq = client_for(personas.tongxu_hq)
    batch = post(hq, f"{API}/batches", {"application_ids": [application_id], "note": "第一批"})
    assert batch.status_code == 201, batch.json()
    assert batch.json()["number"] == 1 and batch.json()["listing_count"] == 1
    assert batch.json()["region"]["code"] == "410222"

    status = enterprise.get(f"{API}/enterprises/{personas.ent_a.pk}/status").json()
    assert status["listed"] is True and status["level"] == "county"
    assert status["since"] and status["batch"]["number"] == 1
    assert client_for(personas.ent_b_user).get(f"{API}/enterprises/{personas.ent_a.pk}/status").status_code == 404
    not_listed = hq.get(f"{API}/enterprises/{personas.ent_b.pk}/status").json()
    assert not_listed == {
        "enterprise_id": personas.ent_b.pk,
        "listed": False,
        "since": None,
        "level": None,
        "batch": None,
        "benefits": [],  # WL-9: nothing is promised off the whitelist
    }

    listings = hq.get(f"{API}/listings").json()
    assert [row["enterprise"]["id"] for row in listings["items"]] == [personas.ent_a.pk]

    coverage = hq.get(f"{API}/coverage?region_code=410222&sector=industry").json()
    industry = coverage["sectors"][0]
    assert coverage["region"]["code"] == "410222" and industry["sector"] == "industry"
    assert industry["listed_count"] == 1 and industry["enterprise_count"] == 1
    assert industry["listed"] == industry["total"] == "1000.00" and industry["percent"] == "100.00"
    assert industry["meets_target"] is True and industry["gap"] == []


def test_bearer_token_reads_the_same_scope(personas: Personas) -> None:
    application_id = submitted_application(personas)
    _token, raw = api_token_create(actor=None, user=personas.tongxu_industry, name="provincial platform")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert client.get(f"{API}/applications/{application_id}").json()["state"] == "submitted"
    approved = post(client, f"{API}/applications/{application_id}/actions/approve")
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    assert Client().get(f"{API}/applications/{application_id}").status_code == 401


def test_approving_twice_is_refused_and_changes_nothing(personas: Personas) -> None:
    application_id = submitted_application(personas)
    department = client_for(personas.tongxu_industry)
    assert post(department, f"{API}/applications/{application_id}/actions/approve").status_code == 200
    before = Application.objects.get(pk=application_id)
    logs = TransitionLog.objects.count()

    again = post(department, f"{API}/applications/{application_id}/actions/approve")

    assert again.status_code == 409
    assert again.json()["code"] == "whitelist.application.approve.state"
    after = Application.objects.get(pk=application_id)
    assert (after.state, after.decided_at, after.decided_by_id) == (
        before.state,
        before.decided_at,
        before.decided_by_id,
    )
    assert TransitionLog.objects.count() == logs


def test_another_county_cannot_see_or_act_on_the_application(personas: Personas) -> None:
    application_id = submitted_application(personas)
    xinzheng_industry = make_user(
        "p_xinzheng_industry", Role.SECTOR_DEPARTMENT, region=region("410184"), sector="industry"
    )
    for user in (personas.xinzheng_hq, xinzheng_industry):
        client = client_for(user)
        assert client.get(f"{API}/applications/{application_id}").status_code == 404
        assert client.get(f"{API}/applications").json()["count"] == 0
        assert post(client, f"{API}/applications/{application_id}/actions/approve").status_code == 404
        assert post(client, f"{API}/batches", {"application_ids": [application_id]}).status_code in (403, 404)
    assert Application.objects.get(pk=application_id).state == ApplicationState.SUBMITTED
    assert not Batch.objects.exists()


def test_enterprise_user_cannot_approve_its_own_application(personas: Personas) -> None:
    application_id = submitted_application(personas)
    response = post(client_for(personas.ent_a_user), f"{API}/applications/{application_id}/actions/approve")
    assert response.status_code == 403
    assert Application.objects.get(pk=application_id).state == ApplicationState.SUBMITTED


def test_reject_needs_a_reason(personas: Personas) -> None:
    application_id = submitted_application(personas)
    department = client_for(personas.tongxu_industry)

    response = post(department, f"{API}/applications/{application_id}/actions/reject", {"reason": "  "})

    assert response.status_code == 422
    assert response.json()["field"] == "reason"
    assert Application.objects.get(pk=application_id).state == ApplicationState.SUBMITTED
    rejected = post(department, f"{API}/applications/{application_id}/actions/reject", {"reason": "不符合条件"})
    assert rejected.status_code == 200 and rejected.json()["decision_reason"] == "不符合条件"


def test_wrong_attachment_type_is_refused_naming_the_field(personas: Personas) -> None:
    enterprise = client_for(personas.ent_a_user)
    application_id = post(enterprise, f"{API}/applications", APPLICATION).json()["id"]
    url = f"{API}/applications/{application_id}/attachments"

    wrong_type = enterprise.post(url, {"kind": "commitment", "file": SimpleUploadedFile("a.exe", b"MZ\x90\x00")})
    fake_pdf = enterprise.post(url, {"kind": "commitment", "file": SimpleUploadedFile("b.pdf", b"MZ\x90\x00")})

    assert wrong_type.status_code == 400 and wrong_type.json()["field"] == "file"
    assert wrong_type.json()["code"] == "whitelist.attachment.type"
    assert fake_pdf.status_code == 400 and fake_pdf.json()["code"] == "whitelist.attachment.content"
    assert not Attachment.objects.exists()
    missing = post(enterprise, f"{API}/applications/{application_id}/submit")
    assert missing.status_code == 400 and missing.json()["field"] == "attachments"


def test_only_draft_or_returned_applications_change(personas: Personas) -> None:
    enterprise = client_for(personas.ent_a_user)
    application_id = post(enterprise, f"{API}/applications", APPLICATION).json()["id"]
    url = f"{API}/applications/{application_id}"

    changed = enterprise.patch(url, data=json.dumps({"measures": "错峰上下班"}), content_type="application/json")
    emptied = enterprise.patch(url, data=json.dumps({"statement": ""}), content_type="application/json")
    officer = client_for(personas.tongxu_industry).patch(
        url, data=json.dumps({"measures": "篡改"}), content_type="application/json"
    )

    assert changed.status_code == 200 and changed.json()["measures"] == "错峰上下班"
    assert changed.json()["statement"] == APPLICATION["statement"]
    assert emptied.status_code == 422 and emptied.json()["field"] == "statement"
    assert officer.status_code == 403
    assert Application.objects.get(pk=application_id).measures == "错峰上下班"


def test_region_codes_outside_the_callers_subtree_are_404(personas: Personas) -> None:
    hq = client_for(personas.tongxu_hq)
    for path in ("coverage", "warnings", "liaison-gaps", "listings", "applications", "batches"):
        assert hq.get(f"{API}/{path}?region_code=410184").status_code == 404, path
        assert hq.get(f"{API}/{path}?region_code=999999").status_code == 404, path
        assert hq.get(f"{API}/{path}?region_code=410222").status_code == 200, path
    assert client_for(personas.tongxu_industry).get(f"{API}/coverage?sector=commerce").status_code == 404
    assert client_for(personas.ent_a_user).get(f"{API}/coverage").status_code == 403


def test_removal_proposed_by_the_department_and_confirmed_by_hq(personas: Personas) -> None:
    publish_criteria(personas)
    application_id = submitted_application(personas)
    post(client_for(personas.tongxu_industry), f"{API}/applications/{application_id}/actions/approve")
    post(client_for(personas.tongxu_hq), f"{API}/batches", {"application_ids": [application_id]})
    listing = Listing.objects.get(application_id=application_id)
    department = client_for(personas.tongxu_industry)

    check = post(
        department,
        f"{API}/listings/{listing.pk}/spot-checks",
        {
            "checked_on": "2022-05-10",
            "inspectors": "县工信局、县指挥部办公室",
            "result": "failed",
            "findings": "未落实测温",
        },
    )
    assert check.status_code == 201, check.json()
    proposal = post(
        department,
        f"{API}/listings/{listing.pk}/removals",
        {"reason": "epidemic_measures", "details": "未落实测温", "spot_check_id": check.json()["id"]},
    )
    assert proposal.status_code == 201, proposal.json()
    removal_id = proposal.json()["id"]
    assert post(department, f"{API}/removals/{removal_id}/actions/confirm").status_code == 403
    assert post(client_for(personas.xinzheng_hq), f"{API}/removals/{removal_id}/actions/confirm").status_code == 404

    confirmed = post(client_for(personas.tongxu_hq), f"{API}/removals/{removal_id}/actions/confirm")

    assert confirmed.status_code == 200 and confirmed.json()["state"] == "confirmed"
    status = client_for(personas.ent_a_user).get(f"{API}/enterprises/{personas.ent_a.pk}/status").json()
    assert status["listed"] is False
    removed = client_for(personas.tongxu_hq).get(f"{API}/listings?current=false").json()["items"]
    assert [row["removal_reason"] for row in removed] == ["epidemic_measures"]


def test_liaison_assignment_fills_the_gap(personas: Personas) -> None:
    from sibao.organisation.models import Person, Unit, UnitKind

    application_id = submitted_application(personas)
    post(client_for(personas.tongxu_industry), f"{API}/applications/{application_id}/actions/approve")
    hq = client_for(personas.tongxu_hq)
    post(hq, f"{API}/batches", {"application_ids": [application_id]})
    assert [row["enterprise"]["id"] for row in hq.get(f"{API}/liaison-gaps").json()["items"]] == [personas.ent_a.pk]
    cadre, officer = Person.objects.create(name="李四"), Person.objects.create(name="王五")
    hospital = Unit.objects.create(region=region("410222"), kind=UnitKind.MEDICAL, name="通许县人民医院")
    url = f"{API}/enterprises/{personas.ent_a.pk}/liaison"

    not_medical = hq.put(
        url, data=json.dumps({"medical_institution_id": cadre.pk + 10_000}), content_type="application/json"
    )
    assigned = hq.put(
        url,
        data=json.dumps(
            {"liaison_cadre_id": cadre.pk, "epidemic_officer_id": officer.pk, "medical_institution_id": hospital.pk}
        ),
        content_type="application/json",
    )

    assert not_medical.status_code == 404 and not_medical.json()["field"] == "medical_institution_id"
    assert assigned.status_code == 200, assigned.json()
    assert assigned.json()["medical_institution"]["name"] == "通许县人民医院"
    assert hq.get(f"{API}/liaison-gaps").json()["count"] == 0
    assert client_for(personas.xinzheng_hq).put(url, data="{}", content_type="application/json").status_code == 404


def test_criteria_matches_counts_only_enterprises_in_scope(personas: Personas) -> None:
    criteria = publish_criteria(personas)
    EnterpriseFactory(region=region("410222"), sector=Sector.INDUSTRY, safety_compliant=False)
    matches = client_for(personas.tongxu_hq).get(f"{API}/criteria/{criteria['id']}/matches?limit=5").json()
    assert matches["count"] == 1 and [row["id"] for row in matches["sample"]] == [personas.ent_a.pk]
    assert client_for(personas.xinzheng_hq).post(f"{API}/criteria/{criteria['id']}/publish").status_code == 404
    invalid = post(
        client_for(personas.tongxu_industry),
        f"{API}/criteria",
        {"region_code": "410222", "sector": "industry", "title": "x", "rule": {"all": [{"field": "nope"}]}},
    )
    assert invalid.status_code == 400 and invalid.json()["field"] == "rule"


def test_application_list_query_count_does_not_grow(personas: Personas) -> None:
    client = client_for(personas.tongxu_hq)
    client.get(f"{API}/applications")  # warm: the session's idle clock is written on the first request only

    def apply_and_count(count: int) -> int:
        for _ in range(count):
            enterprise = EnterpriseFactory(region=personas.ent_a.region, sector=Sector.INDUSTRY)
            user = make_user(f"p_applicant_{enterprise.pk}", Role.ENTERPRISE, enterprise=enterprise)
            assert post(client_for(user), f"{API}/applications", APPLICATION).status_code == 201
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{API}/applications?limit=50").status_code == 200
        return len(queries)

    assert apply_and_count(1) == apply_and_count(5)
