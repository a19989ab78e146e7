"""The API answers what its OpenAPI document says (issue 8 #10, issue 9 #6): one refusal shape everywhere, every
refusal status declared, inputs refused when the document refuses them. Each test is a case the schemathesis
run (``test_openapi_schemathesis.py``) found, kept as a plain example."""

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import Personas, client_for
from sibao.core.api_errors import REFUSALS
from sibao.enterprises.tests.factories import valid_uscc
from sibao.venues.models import Venue
from sibao.venues.tests.factories import VenueFactory

pytestmark = pytest.mark.django_db

ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}


@pytest.fixture
def document(reference_data: None) -> dict[str, Any]:
    return Client().get("/api/openapi.json").json()  # type: ignore[no-any-return]


def send(client: Client, method: str, url: str, body: Any) -> Any:
    return client.generic(method, url, json.dumps(body), content_type="application/json")


def test_every_operation_declares_every_refusal_with_the_one_error_schema(document: dict[str, Any]) -> None:
    missing = [
        f"{method.upper()} {path} {status}"
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        for status in REFUSALS
        if operation["responses"].get(str(status), {}).get("content", {}).get("application/json", {}).get("schema")
        != ERROR_REF
    ]
    assert missing == []


def test_no_two_schemas_share_a_name(reference_data: None) -> None:
    """ninja names a component after its class: two ``CoverageOut`` classes became one component, and the
    whitelist's coverage answers were checked against the venues' shape (issue 8 #10)."""
    from ninja import Schema

    import sibao.api  # noqa: F401  (every router and schema imported)

    def subclasses(cls: type) -> list[type]:
        return [sub for direct in cls.__subclasses__() for sub in (direct, *subclasses(direct))]

    by_name: dict[str, set[str]] = {}
    for schema in subclasses(Schema):
        if schema.__module__.startswith("sibao.") and "." not in schema.__qualname__:  # not ninja's Paginator.Input
            by_name.setdefault(schema.__name__, set()).add(schema.__module__)
    # Choices used as field types become components too: two ``WarningStatus`` enums (sentinel's, operations')
    # became one, and the sentinel's "handling" answers failed the operations enum.
    from django.db.models import TextChoices

    for choices in subclasses(TextChoices):
        if choices.__module__.startswith("sibao."):
            by_name.setdefault(choices.__name__, set()).add(choices.__module__)
    assert {name: modules for name, modules in by_name.items() if len(modules) > 1} == {}


def test_a_path_that_names_no_endpoint_answers_json(personas: Personas) -> None:
    client = client_for(personas.tongxu_hq)
    for url in ("/api/employees/abc/reveal", "/api/employees/%0A1/reveal", "/api/no-such-thing"):
        response = client.post(url)
        assert response.status_code == 404 and response["Content-Type"] == "application/json"
        assert response.json()["code"] == "not_found"


def test_a_body_that_is_not_an_object_is_refused_and_changes_nothing(personas: Personas) -> None:
    venue = VenueFactory(enterprise=personas.ent_a, name="南门")
    client = client_for(personas.tongxu_epidemic)
    for body in ([None, None], None, 5, "x"):
        response = send(client, "PATCH", f"/api/venues/venues/{venue.pk}", body)
        assert response.status_code == 422, body
    assert Venue.objects.get(pk=venue.pk).name == "南门"


def test_null_is_not_a_value_in_a_patch(personas: Personas) -> None:
    client = client_for(personas.tongxu_hq)
    response = send(client, "PATCH", f"/api/enterprises/{personas.ent_a.pk}", {"dormitory_capacity": None})
    assert response.status_code == 422 and response.json()["field"] == "dormitory_capacity"


def test_a_field_the_document_does_not_name_is_refused(personas: Personas) -> None:
    client = client_for(personas.tongxu_epidemic)
    body = {"enterprise_id": personas.ent_a.pk, "kind": "entrance", "name": "东门", "colour": "red"}
    response = send(client, "POST", "/api/venues/venues", body)
    assert response.status_code == 422 and response.json()["field"] == "colour"
    assert not Venue.objects.exists()


@pytest.mark.parametrize("day", ["0", "20260101", "2026-01-01T00:00:00"])
def test_a_date_is_a_date(personas: Personas, day: str) -> None:
    """Pydantic alone read ``?day=0`` as 1 January 1970."""
    response = client_for(personas.tongxu_epidemic).get("/api/health/reports", {"day": day})
    assert response.status_code == 422 and response.json()["field"] == "day"


def test_a_time_without_an_offset_is_beijing_time(personas: Personas) -> None:
    from sibao.health.models import ArrivalSighting
    from sibao.health.tests.factories import id_number

    body = {"name": "赵强", "id_number": id_number(), "seen_at": "2026-01-01T08:00", "source": "东门"}
    response = send(client_for(personas.ent_a_user), "POST", "/api/health/sightings", body)
    assert response.status_code == 201, response.json()
    assert ArrivalSighting.objects.get().seen_at.isoformat() == "2026-01-01T00:00:00+00:00"


def test_blank_required_text_is_refused_by_the_schema(personas: Personas) -> None:
    client = client_for(personas.tongxu_epidemic)
    body = {"enterprise_id": personas.ent_a.pk, "kind": "entrance", "name": "   "}
    response = send(client, "POST", "/api/venues/venues", body)
    assert response.status_code == 422 and response.json()["field"] == "name"


def test_the_document_declares_no_nul_on_input_text_and_forms_refuse_it(personas: Personas) -> None:
    document = Client().get("/api/openapi.json").json()
    q = next(p for p in document["paths"]["/api/enterprises"]["get"]["parameters"] if p["name"] == "q")
    assert q["schema"]["pattern"] == "^[^\\x00]*$"
    client = client_for(personas.tongxu_epidemic)
    upload = SimpleUploadedFile("results.csv", b"x")
    response = client.post("/api/employees/results", {"institution": "县人民医院\x00", "file": upload})
    assert response.status_code == 400 and response.json()["field"] == "institution"


def test_an_unreadable_body_and_a_missing_csrf_token_answer_the_error_schema(personas: Personas) -> None:
    client = client_for(personas.tongxu_epidemic)
    unreadable = client.generic("POST", "/api/venues/venues", "{not json", content_type="application/json")
    assert unreadable.status_code == 400 and unreadable.json()["code"] == "invalid"

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(personas.tongxu_epidemic)
    refused = send(strict, "POST", "/api/venues/venues", {"kind": "entrance", "name": "东门"})
    assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"


def test_a_reference_out_of_reach_is_404_and_a_conflict_409(personas: Personas) -> None:
    client = client_for(personas.tongxu_epidemic)
    body = {"enterprise_id": personas.ent_a.pk, "kind": "entrance", "name": "东门"}
    assert send(client, "POST", "/api/venues/venues", body).status_code == 201
    again = send(client, "POST", "/api/venues/venues", body)
    assert again.status_code == 409 and again.json()["code"] == "venues.duplicate"

    hq = client_for(personas.tongxu_hq)
    enterprise = {"name": "新企业", "uscc": valid_uscc(), "sector": "industry", "region_code": "419999"}
    unknown_region = send(hq, "POST", "/api/enterprises", enterprise)
    assert unknown_region.status_code == 404 and unknown_region.json()["field"] == "region_code"
    taken = send(hq, "POST", "/api/enterprises", enterprise | {"uscc": personas.ent_b.uscc, "region_code": "410222"})
    assert taken.status_code == 409 and taken.json()["field"] == "uscc"


def test_each_workflow_action_has_its_own_endpoint_and_body(document: dict[str, Any]) -> None:
    paths = document["paths"]
    assert "/api/requests/{ticket_id}/actions/{action}" not in paths
    escalate = paths["/api/requests/{ticket_id}/actions/escalate"]["post"]["requestBody"]
    schema = escalate["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert set(document["components"]["schemas"][schema]["required"]) == {"reason_code", "reason"}


@pytest.mark.parametrize("amount", [5.848414867960616e307, 1e21, -1e21])
def test_an_amount_too_big_to_round_is_refused_not_crashed(personas: Personas, amount: float) -> None:
    """The fuzz run sent an investment of 5.8e307: rounding it to the cent raised inside the validator (a 500)."""
    client = client_for(personas.tongxu_hq)
    response = send(client, "PATCH", f"/api/enterprises/{personas.ent_a.pk}", {"investment": amount})
    assert response.status_code == 422 and response.json()["field"] == "investment"
    personas.ent_a.refresh_from_db()
    assert personas.ent_a.investment < 10**12
