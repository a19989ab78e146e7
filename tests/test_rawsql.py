"""Statements written once (``sibao/core/rawsql.py``, issue 13) answer as the ORM would on SQLite and PostgreSQL,
and the query log and query counts see them like any other query."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import Personas, region
from sibao.accounts.models import ApiToken
from sibao.accounts.services import api_token_create
from sibao.core.rawsql import Columns, db_datetime, fetch_all, fetch_one
from sibao.parameters.models import ParameterOverride

pytestmark = pytest.mark.django_db


def test_columns_come_back_as_the_orm_returns_them(personas: Personas) -> None:
    token, _raw = api_token_create(actor=personas.admin, user=personas.tongxu_hq, name="对接")
    override = ParameterOverride.objects.create(key="logistics.negative_test_hours", region=region("410222"), value=24)
    token_columns = Columns([ApiToken._meta.get_field(name) for name in ("created_at", "expires_at", "revoked_at")])
    row = fetch_one(
        "SELECT t.created_at, t.expires_at, t.revoked_at FROM accounts_apitoken t WHERE t.id = %s", [token.pk]
    )
    assert row is not None
    expected = ApiToken.objects.values_list("created_at", "expires_at", "revoked_at").get(pk=token.pk)
    assert tuple(token_columns.convert(row)) == expected
    assert timezone.is_aware(token_columns.convert(row)[0])

    value_columns = Columns([ParameterOverride._meta.get_field("value")])
    rows = fetch_all("SELECT o.value FROM parameters_parameteroverride o WHERE o.id = %s", [override.pk])
    assert value_columns.convert(rows[0]) == [24]


def test_parameters_go_in_as_the_orm_sends_them(personas: Personas) -> None:
    token, _raw = api_token_create(actor=personas.admin, user=personas.tongxu_hq, name="对接")
    created: Any = token.created_at
    found = fetch_all(
        "SELECT t.id FROM accounts_apitoken t WHERE t.created_at >= %s AND t.created_at < %s",
        [db_datetime(created), db_datetime(created + timedelta(microseconds=1))],
    )
    assert found == [(token.pk,)]


def test_the_query_log_sees_them_with_their_text() -> None:
    with CaptureQueriesContext(connection) as queries:
        fetch_one("SELECT COUNT(*) FROM parameters_parameteroverride WHERE key = %s", ["x.y"])
        fetch_one("SELECT COUNT(*) FROM parameters_parameteroverride WHERE key = %s", ["x.y"])
    assert len(queries.captured_queries) == 2
    assert all("parameters_parameteroverride" in (query["sql"] or "") for query in queries.captured_queries)
