"""Every role × every page and endpoint (SPEC §1). Object scope is covered per model in test_scope."""

import json

import pytest

from conftest import Personas, client_for
from sibao.enterprises.models import Enterprise
from sibao.enterprises.tests.factories import valid_uscc

pytestmark = pytest.mark.django_db

ROLES = [
    "ent_a_user",
    "tongxu_township",
    "tongxu_industry",
    "tongxu_hq",
    "tongxu_epidemic",
    "tongxu_supervision",
    "tongxu_leader",
    "admin",
]
OFFICIALS_READ = {
    "tongxu_township",
    "tongxu_industry",
    "tongxu_hq",
    "tongxu_epidemic",
    "tongxu_supervision",
    "tongxu_leader",
    "admin",
}
REGISTRY_WRITERS = {"tongxu_industry", "tongxu_hq", "admin"}
# EN-3: the township, the sector department and the HQ office file and import reports for firms of their area.
OPERATIONS_ENTRY = {"tongxu_township", "tongxu_industry", "tongxu_hq", "admin"}

# (method, url, roles allowed) — everyone else gets 403 (a logged-in role without the right).
PAGES = [
    ("get", "/", set(ROLES)),  # the HQ office's and the leader's home is the command screen, others' the workbench
    ("get", "/workbench/", set(ROLES)),
    ("get", "/screen/", {"tongxu_hq", "tongxu_epidemic", "tongxu_supervision", "tongxu_leader", "admin"}),
    ("get", "/api/requests/metrics", {"tongxu_hq", "tongxu_supervision", "tongxu_leader", "admin"}),
    ("get", "/api/requests/weekly-reports", {"tongxu_hq", "tongxu_supervision", "tongxu_leader", "admin"}),
    ("get", "/api/screen", {"tongxu_hq", "tongxu_epidemic", "tongxu_supervision", "tongxu_leader", "admin"}),
    ("get", "/enterprises/", OFFICIALS_READ | {"ent_a_user"}),
    ("get", "/enterprises/new/", REGISTRY_WRITERS),
    ("get", "/enterprises/import/", REGISTRY_WRITERS),
    ("get", "/enterprises/import/template.xlsx", REGISTRY_WRITERS),
    ("get", "/enterprises/export.xlsx", OFFICIALS_READ),
    ("get", "/enterprises/export.csv", OFFICIALS_READ),
    ("get", "/organisation/", OFFICIALS_READ),
    ("get", "/api/organisation/regions", OFFICIALS_READ),
    ("get", "/api/parameters", OFFICIALS_READ),
    ("get", "/parameters/", OFFICIALS_READ),
    # EM-4: every official role reads the emergency pages (the sector department and the township propose)
    ("get", "/emergency/halts/", OFFICIALS_READ),
    ("get", "/api/emergency/halts", OFFICIALS_READ),
    ("get", "/parameters/epidemic.test_interval_hours/", {"admin"}),
    ("get", "/api/organisation/task-forces-without-expert", OFFICIALS_READ),
    ("get", "/core/audit/", {"admin"}),
    ("get", "/api/audit", {"admin"}),
    ("get", "/api/enterprises", OFFICIALS_READ | {"ent_a_user"}),
    ("get", "/api/enterprises/export.xlsx", OFFICIALS_READ),
    ("get", "/api/enterprises/export.csv", OFFICIALS_READ),
    # Whitelist (WL-2…WL-8, OR-5). The enterprise's own list page redirects to its application.
    ("get", "/whitelist/batches/", {"tongxu_hq", "admin"}),
    ("get", "/whitelist/coverage/", OFFICIALS_READ),
    ("get", "/whitelist/listings/", OFFICIALS_READ),
    ("get", "/whitelist/removals/", OFFICIALS_READ),
    ("get", "/whitelist/liaison/", OFFICIALS_READ),
    ("get", "/whitelist/criteria/", {"tongxu_industry", "admin"}),
    ("get", "/whitelist/criteria/new/", {"tongxu_industry", "admin"}),
    ("get", "/public/whitelist/", set(ROLES)),
    ("get", "/public/whitelist.xlsx", set(ROLES)),
    ("get", "/public/criteria/", set(ROLES)),
    ("get", "/api/whitelist/public/listings", set(ROLES)),
    ("get", "/api/whitelist/public/criteria", set(ROLES)),
    ("get", "/inbox/", set(ROLES)),
    ("get", "/api/notifications", set(ROLES)),
    ("get", "/api/whitelist/applications", set(ROLES)),
    ("get", "/api/whitelist/coverage", OFFICIALS_READ),
    ("get", "/api/whitelist/listings", OFFICIALS_READ),
    ("get", "/api/whitelist/batches", OFFICIALS_READ),
    ("get", "/api/whitelist/liaison-gaps", OFFICIALS_READ),
    # Requests (RQ-1…RQ-8)
    ("get", "/requests/", set(ROLES)),
    ("get", "/requests/new/", {"ent_a_user", "tongxu_township", "tongxu_industry", "tongxu_hq", "admin"}),
    ("get", "/requests/triage/", {"tongxu_hq", "admin"}),
    ("get", "/requests/common/", OFFICIALS_READ),
    ("get", "/requests/metrics/", {"tongxu_hq", "tongxu_supervision", "tongxu_leader", "admin"}),
    ("get", "/requests/weekly/", {"tongxu_hq", "tongxu_supervision", "tongxu_leader", "admin"}),
    ("get", "/api/requests", set(ROLES)),
    ("get", "/api/requests/triage", {"tongxu_hq", "admin"}),
    ("get", "/api/requests/common-issues", OFFICIALS_READ),
    # Daily operating reports (EN-3): everyone reads in scope; officials enter for firms; the figures are officials'.
    ("get", "/operations/", set(ROLES)),
    ("get", "/operations/missing/", set(ROLES)),
    ("get", "/operations/warnings/", set(ROLES)),
    ("get", "/operations/new/", {"ent_a_user"}),  # officials name the firm (?enterprise=): 404 without it
    ("get", "/operations/import/", OPERATIONS_ENTRY),
    ("get", "/operations/import/template.xlsx", OPERATIONS_ENTRY),
    ("get", "/api/operations/reports", set(ROLES)),
    ("get", "/api/operations/reports/missing", set(ROLES)),
    ("get", "/api/operations/summary", OFFICIALS_READ),
    ("get", "/api/operations/warnings", set(ROLES)),
    # Logistics (LG-1…LG-4): every role here reads passes in its scope; only the checkpoint roles check
    # (the logistics task force and checkpoint officer: sibao/logistics/tests/test_passes.py).
    ("get", "/logistics/passes/", set(ROLES)),
    ("get", "/logistics/check/", {"admin"}),
    ("get", "/api/logistics/passes", set(ROLES)),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "url", "allowed"), PAGES, ids=[f"{m} {u}" for m, u, _ in PAGES])
def test_page_access(personas: Personas, role: str, method: str, url: str, allowed: set[str]) -> None:
    response = getattr(client_for(getattr(personas, role)), method)(url, follow=url == "/")
    if role in allowed:
        assert response.status_code == 200, (role, url, response.status_code)
    elif url == "/operations/new/" and role in OPERATIONS_ENTRY:
        assert response.status_code == 404, (role, url, response.status_code)  # no firm named: none in scope
    else:
        assert response.status_code == 403, (role, url, response.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_create_through_api(personas: Personas, role: str) -> None:
    payload = {"name": f"矩阵测试{role}", "uscc": valid_uscc(), "sector": "industry", "region_code": "410222"}
    response = client_for(getattr(personas, role)).post(
        "/api/enterprises", data=json.dumps(payload), content_type="application/json"
    )
    created = Enterprise.objects.filter(name=payload["name"]).exists()
    if role in REGISTRY_WRITERS:
        assert response.status_code == 201 and created
    else:
        assert response.status_code == 403 and not created


@pytest.mark.parametrize("role", ROLES)
def test_create_through_page(personas: Personas, role: str) -> None:
    data = {
        "name": f"页面矩阵{role}",
        "uscc": valid_uscc(),
        "kind": "enterprise",
        "sector": "industry",
        "region": personas.ent_a.region_id,
        "service_level": "county",
        "output_value": "10",
        "investment": "0",
        "employee_count": "5",
        "operating_status": "operating",
        "credit_status": "good",
        "environmental_compliant": "on",
        "safety_compliant": "on",
        "dormitory_capacity": "0",
        "canteen_capacity": "0",
    }
    response = client_for(getattr(personas, role)).post("/enterprises/new/", data)
    created = Enterprise.objects.filter(name=data["name"]).exists()
    if role in REGISTRY_WRITERS:
        assert response.status_code == 302 and created, response.content.decode()[-2000:]
    else:
        assert response.status_code == 403 and not created


@pytest.mark.parametrize("role", ROLES)
def test_update_in_scope(personas: Personas, role: str) -> None:
    """ent_a is in every persona's scope here except the commerce department (not in ROLES)."""
    response = client_for(getattr(personas, role)).patch(
        f"/api/enterprises/{personas.ent_a.pk}",
        data=json.dumps({"park": "通许县产业集聚区"}),
        content_type="application/json",
    )
    park = Enterprise.objects.get(pk=personas.ent_a.pk).park
    if role in REGISTRY_WRITERS:
        assert response.status_code == 200 and park == "通许县产业集聚区"
    elif role == "ent_a_user":
        assert response.status_code == 403 and park == ""  # its own record, but not a field it may change
    else:
        assert response.status_code == 403 and park == ""
