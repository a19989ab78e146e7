"""schemathesis against /api/openapi.json (issue 8 #10): the API does what its document says.

Every operation gets derandomized positive and negative cases (the same cases every run: no flakes), each sent
by an HQ officer and by an enterprise user, over a small world with one object of each kind; half of the
positive cases aim their path ids at those objects, so real answers are checked, not only 404s. Each answer
must pass schemathesis' checks: no server error, a documented status code and content type, a body that
matches the documented schema, valid input accepted and invalid input refused.
"""

import json
import os
import re
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import hypothesis
import pytest
import requests
import schemathesis
from django.db.models import Model
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, Phase
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.core.transport import Response
from schemathesis.generation.hypothesis.builder import HypothesisTestConfig, HypothesisTestMode, create_test
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from conftest import Personas, make_user
from sibao.accounts.models import User
from sibao.accounts.services import api_token_create
from sibao.core.roles import Role
from sibao.regions.models import Region

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    positive_data_acceptance,
    negative_data_rejection,
]
# Generated cases per operation (positive and negative drawn together). Derandomized, so every run sends the
# same cases; ~1 min per database on two idle cores for both users.
MAX_EXAMPLES = int(os.environ.get("SIBAO_FUZZ_EXAMPLES", "12"))


@dataclass
class Run:
    cases: int = 0
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: dict[tuple[str, str, str, int], str] = field(default_factory=dict)

    def report(self) -> str:
        lines = [f"{len(self.failures)} distinct failures; {self.cases} cases, {self.requests} requests"]
        for (operation, who, code, status), text in sorted(self.failures.items()):
            lines.append(f"{operation} {who} {code} [{status}] {text}")
        return "\n".join(lines)


def fuzz(document: dict[str, Any], tokens: dict[str, str], objects: dict[str, list[int]]) -> Run:
    """Every operation of ``document``, each case sent with each of ``tokens``; every failure collected."""
    schema = schemathesis.openapi.from_dict(document)
    run = Run()
    settings = hypothesis.settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    only = re.compile(os.environ.get("SIBAO_FUZZ_ONLY", ""))
    for result in schema.get_all_operations():
        operation = result.ok()
        if not only.search(operation.label):
            continue

        def check(case: Any) -> None:
            run.cases += 1
            if case.meta.generation.mode.is_positive and run.cases % 2 and aim_at_objects(case, objects):
                pass  # half the positive cases name existing objects (in and out of the caller's scope)
            for who, token in tokens.items():
                response = send(case, {"Authorization": f"Bearer {token}"})
                run.requests += 1
                run.statuses[response.status_code] += 1
                try:
                    case.validate_response(response, checks=CHECKS)
                except FailureGroup as group:
                    for failure in group.exceptions:
                        remember(run, who, case, response, failure)
                except Failure as failure:
                    remember(run, who, case, response, failure)

        test = create_test(
            operation=operation,
            test_func=check,
            config=HypothesisTestConfig(project=schema.config, modes=[HypothesisTestMode.FUZZING], settings=settings),
        )
        test()
    return run


def aim_at_objects(case: Any, objects: dict[str, list[int]]) -> bool:
    """Point the case's id path parameters at objects that exist (chosen from the body: deterministic)."""
    aimed = False
    for name in list(case.path_parameters or {}):
        ids = objects.get(name)
        if ids:
            case.path_parameters[name] = ids[zlib.crc32(repr(case.body).encode()) % len(ids)]
            aimed = True
    return aimed


def remember(run: Run, who: str, case: Any, response: Response, failure: Failure) -> None:
    key = (case.operation.label, who, failure.code, response.status_code)
    if key not in run.failures:
        body = response.content[:300].decode(errors="replace")
        lines = [line.strip() for line in failure.message.strip().splitlines() if line.strip()]
        run.failures[key] = f"{failure.title}: {' / '.join(lines[:3])}\n    {case.as_curl_command()}\n    -> {body}"


def send(case: Any, headers: dict[str, str]) -> Response:
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
    answer = Client(raise_request_exception=False).generic(
        prepared.method or "GET",
        prepared.path_url,
        data=body.encode() if isinstance(body, str) else body,
        content_type=prepared.headers.get("Content-Type", ""),
        headers={k: v for k, v in prepared.headers.items() if k.lower() not in {"content-type", "content-length"}},
    )
    content = b"".join(answer.streaming_content) if answer.streaming else answer.content
    return Response(
        status_code=answer.status_code,
        headers={name.lower(): [value] for name, value in answer.items()},
        content=content,
        request=prepared,
        elapsed=0.0,
        verify=True,
        message=answer.reason_phrase,
        encoding=answer.charset,
    )


def build_world(p: Personas) -> dict[str, list[int]]:
    """One object of each kind the API serves, in 通许县 (the officer's county, ent_a's), through the services;
    returns the ids by the path parameter that names them."""
    from sibao.health import services as health
    from sibao.health.tests.factories import employee, whitelist_ent_a
    from sibao.incidents.tests.factories import reported
    from sibao.readiness import services as readiness
    from sibao.sentinel.models import WarningKind
    from sibao.sentinel.services import warning_raise
    from sibao.tickets import services as tickets
    from sibao.venues.tests.factories import VenueFactory
    from sibao.whitelist import services as whitelist

    today = timezone.localdate()
    listing = whitelist_ent_a(p)
    spot_check = whitelist.spot_check_record(
        actor=p.tongxu_industry, listing=listing, checked_on=today, inspectors="李明", result="passed"
    )
    removal = whitelist.removal_propose(
        actor=p.tongxu_industry, listing=listing, reason="law", details="违法生产", spot_check=spot_check
    )
    worker = employee(p.ent_a, actor=p.ent_a_user)
    incident = reported(p, worker)
    venue = VenueFactory(enterprise=p.ent_a)
    ticket = tickets.ticket_file(
        actor=p.ent_a_user, enterprise=p.ent_a, data={"category": "labour", "title": "缺工", "text": "缺少普工20人"}
    )
    report = health.daily_report_file(actor=p.ent_a_user, enterprise=p.ent_a, day=today, people_on_site=12)
    area = health.risk_area_create(
        actor=p.tongxu_epidemic,
        data={"county": Region.objects.get(code="410184"), "level": "medium", "valid_from": today},
    )
    warning = warning_raise(kind=WarningKind.SYMPTOMS, enterprise=p.ent_a, subject_key="fuzz", detail="发热")
    readiness.drill_record(actor=p.ent_a_user, enterprise=p.ent_a, held_on=today - timedelta(days=1))

    def ids(model: type[Model]) -> list[int]:
        return list(model.objects.order_by("pk").values_list("pk", flat=True)[:5])

    from sibao.enterprises.models import Enterprise
    from sibao.epidemic.models import Employee
    from sibao.whitelist.models import Application, Criteria

    return {
        "enterprise_id": ids(Enterprise),
        "employee_id": ids(Employee),
        "incident_id": [incident.pk],
        "venue_id": [venue.pk],
        "ticket_id": [ticket.pk],
        "report_id": [report.pk],
        "area_id": [area.pk],
        "warning_id": [warning.pk] if warning else [],
        "listing_id": [listing.pk],
        "removal_id": [removal.pk],
        "application_id": ids(Application),
        "criteria_id": ids(Criteria),
    }


def test_openapi_document_is_served_and_lists_the_enterprise_endpoints(reference_data: None) -> None:
    document = Client().get("/api/openapi.json").json()
    paths = document["paths"]
    assert "/api/enterprises" in paths and "/api/enterprises/{enterprise_id}" in paths
    assert "/api/enterprises/import" in paths


def test_every_generated_request_gets_an_answer_that_conforms_to_the_document(personas: Personas) -> None:
    objects = build_world(personas)
    users: dict[str, User] = {"hq": personas.tongxu_hq, "enterprise": personas.ent_a_user}
    tokens = {who: api_token_create(actor=None, user=user, name="fuzz")[1] for who, user in users.items()}
    run = fuzz(Client().get("/api/openapi.json").json(), tokens, objects)
    summary = f"{run.report()}\nstatuses: {dict(sorted(run.statuses.items()))}"
    if path := os.environ.get("SIBAO_FUZZ_REPORT"):
        with open(path, "w") as handle:
            handle.write(summary)
    assert run.failures == {}, summary


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
