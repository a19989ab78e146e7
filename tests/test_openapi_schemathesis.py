"""schemathesis against /api/openapi.json: no input makes the API answer with a server error."""

import json
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


def test_oversized_integers_are_refused_not_crashed(reference_data: None) -> None:
    """Each integer the API accepts (path, query, JSON body), one at a time, gets 2**70 while the others are 1:
    a 4xx, never a server error.

    Found by the generated run above: SQLite cannot bind such a number, and foreign-key lookups do not
    get Django's out-of-range guard, so only a bounded input type keeps this a 422."""
    officer = make_user("big_int_officer", Role.HQ_OFFICE, region=Region.objects.get(code="410222"))
    _token, raw = api_token_create(actor=None, user=officer, name="big")
    document = Client().get("/api/openapi.json").json()
    client = Client(raise_request_exception=False, headers={"Authorization": f"Bearer {raw}"})
    failures = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            inputs = _integer_inputs(document, operation)
            for oversized in inputs:
                values = {key: 2**70 if key == oversized else 1 for key in inputs}
                url = path
                for (place, name), value in values.items():
                    if place == "path":
                        url = url.replace("{" + name + "}", str(value))
                query = "&".join(f"{name}={value}" for (place, name), value in values.items() if place == "query")
                body = {name: value for (place, name), value in values.items() if place == "body"}
                response = client.generic(
                    method.upper(), f"{url}?{query}", json.dumps(body), content_type="application/json"
                )
                if response.status_code >= 500:
                    failures.append(f"{method.upper()} {path} {oversized}: {response.status_code}")
    assert failures == []


def _integer_inputs(document: dict[str, Any], operation: dict[str, Any]) -> list[tuple[str, str]]:
    """(place, name) of every integer path/query parameter and JSON body field of an operation."""
    inputs = [
        (parameter["in"], parameter["name"])
        for parameter in operation.get("parameters", [])
        if parameter["in"] in {"path", "query"} and _is_integer(parameter.get("schema", {}))
    ]
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if content and "$ref" in content["schema"]:
        schema = document["components"]["schemas"][content["schema"]["$ref"].rsplit("/", 1)[-1]]
        inputs += [("body", name) for name, prop in schema.get("properties", {}).items() if _is_integer(prop)]
    return inputs


def _is_integer(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "integer" or any(option.get("type") == "integer" for option in schema.get("anyOf", []))
