"""schemathesis against /api/openapi.json: no input makes the API answer with a server error."""

from typing import Any

import pytest
import requests
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, given, settings

from conftest import make_user
from sibao.accounts.services import api_token_create
from sibao.core.roles import Role
from sibao.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_schema(reference_data: None) -> Any:
    document = Client().get("/api/openapi.json").json()
    return schemathesis.openapi.from_dict(document)


def test_openapi_document_is_served_and_lists_the_enterprise_endpoints(reference_data: None) -> None:
    document = Client().get("/api/openapi.json").json()
    paths = document["paths"]
    assert "/api/enterprises" in paths and "/api/enterprises/{enterprise_id}" in paths
    assert "/api/enterprises/import" in paths


def test_no_server_error_for_any_generated_request(api_schema: Any, reference_data: None) -> None:
    officer = make_user("fuzz_officer", Role.HQ_OFFICE, region=Region.objects.get(code="410222"))
    _token, raw = api_token_create(actor=None, user=officer, name="fuzz")
    failures: list[str] = []
    for operation in api_schema.get_all_operations():
        op = operation.ok()

        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(case=op.as_strategy())
        def check(case: Any) -> None:
            response = send(case, {"Authorization": f"Bearer {raw}"})
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.path}: {response.status_code} {case.as_curl_command()}")

        check()
    assert failures == []


def send(case: Any, headers: dict[str, str]) -> Any:
    """Send a generated case through Django's test client, inside the test's transaction."""
    kwargs = case.as_transport_kwargs(base_url="http://testserver", headers=headers)
    prepared = requests.Request(
        method=kwargs["method"],
        url=kwargs["url"],
        headers=kwargs.get("headers"),
        params=kwargs.get("params"),
        json=kwargs.get("json"),
        data=kwargs.get("data"),
        files=kwargs.get("files"),
    ).prepare()
    body = prepared.body or b""
    return Client().generic(
        prepared.method or "GET",
        prepared.path_url,
        data=body.encode() if isinstance(body, str) else body,
        content_type=prepared.headers.get("Content-Type", ""),
        headers={k: v for k, v in prepared.headers.items() if k.lower() not in {"content-type", "content-length"}},
    )
