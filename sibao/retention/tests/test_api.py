"""Issue 15 #2 endpoints: preview then purge of the HQ office's region; other roles 403, nothing deleted."""

import pytest

from conftest import Personas, client_for
from sibao.retention.tests.test_services import KINDS
from sibao.retention.tests.world import build, counts

pytestmark = pytest.mark.django_db


def test_preview_then_purge_through_the_api(personas: Personas) -> None:
    build(personas)
    client = client_for(personas.tongxu_hq)
    preview = client.get("/api/retention/preview").json()
    assert preview["region"] == "410222" and preview["total"] == 16
    assert {row["kind"]: row["count"] for row in preview["rows"]} == dict.fromkeys(KINDS, 2)

    unconfirmed = client.post(
        "/api/retention/purges", {"before": preview["before"], "confirm": False}, content_type="application/json"
    )
    assert unconfirmed.status_code == 422 and counts("410222") == dict.fromkeys(KINDS, 2)

    answer = client.post(
        "/api/retention/purges", {"before": preview["before"], "confirm": True}, content_type="application/json"
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["total"] == 16 and answer.json()["region"] == "410222"
    assert counts("410222") == dict.fromkeys(KINDS, 0) and counts("410184") == dict.fromkeys(KINDS, 2)


@pytest.mark.parametrize("who", ["ent_a_user", "admin"])
def test_other_roles_are_refused(personas: Personas, who: str) -> None:
    build(personas)
    client = client_for(getattr(personas, who))
    assert client.get("/api/retention/preview").status_code == 403
    answer = client.post(
        "/api/retention/purges",
        {"before": "2020-01-01T00:00:00+08:00", "confirm": True},
        content_type="application/json",
    )
    assert answer.status_code == 403
    assert counts() == dict.fromkeys(KINDS, 4)
