"""EP-6 command-screen counts and list filters: open warnings per kind, per status, unattended, per child
region; scoped to the user."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import Personas, client_for
from sibao.sentinel.models import SentinelWarning, WarningKind
from sibao.sentinel.selectors import WarningFilters, warning_counts, warning_list
from sibao.sentinel.services import warning_close, warning_take
from sibao.sentinel.tests.helpers import raised

pytestmark = pytest.mark.django_db


@pytest.fixture
def warnings(personas: Personas) -> dict[str, SentinelWarning]:
    old = raised(personas.ent_a, "test:1", at=timezone.now() - timedelta(hours=5))
    fresh = raised(personas.ent_a, "drug:1:2022-05-10", kind=WarningKind.DRUG_PURCHASE)
    taken = warning_take(actor=personas.tongxu_epidemic, warning=raised(personas.ent_b, "test:2"))
    done = warning_close(actor=personas.tongxu_epidemic, warning=raised(personas.ent_b, "test:3"), note="已处置")
    elsewhere = raised(personas.ent_xinzheng, "test:4", at=timezone.now() - timedelta(hours=5))
    return {"old": old, "fresh": fresh, "taken": taken, "done": done, "elsewhere": elsewhere}


def test_counts_per_kind_status_unattended_and_child_region(personas: Personas, warnings: dict) -> None:  # type: ignore[type-arg]
    counts = warning_counts(user=personas.tongxu_epidemic)
    assert counts["total"] == 3
    assert counts["by_status"] == {"open": 2, "handling": 1}
    assert counts["by_kind"][WarningKind.OVERDUE_TEST] == 2 and counts["by_kind"][WarningKind.DRUG_PURCHASE] == 1
    assert counts["unattended"] == 1  # open, nobody took it, older than the threshold
    rows = {row["code"]: row for row in counts["by_region"]}
    assert counts["region"]["code"] == "410222"
    assert rows[personas.ent_a.region.code]["open"] == 2 and rows[personas.ent_a.region.code]["unattended"] == 1
    assert rows[personas.ent_b.region.code]["open"] == 1
    # The city sees both counties as children; the province everything.
    city = {row["code"]: row["open"] for row in warning_counts(user=personas.kaifeng_hq)["by_region"]}
    assert city["410222"] == 3
    assert warning_counts(user=personas.henan_hq)["total"] == 4
    # Enterprise users count their own only.
    assert warning_counts(user=personas.ent_a_user)["total"] == 2
    # A region outside the user's scope counts nothing.
    assert warning_counts(user=personas.tongxu_epidemic, region=personas.ent_xinzheng.region)["total"] == 0


def test_list_filters(personas: Personas, warnings: dict) -> None:  # type: ignore[type-arg]
    user = personas.tongxu_epidemic

    def ids(**kw: object) -> set[int]:
        return set(warning_list(user=user, filters=WarningFilters(**kw)).values_list("pk", flat=True))  # type: ignore[arg-type]

    assert ids() == {warnings[k].pk for k in ("old", "fresh", "taken", "done")}
    assert ids(kind=WarningKind.DRUG_PURCHASE) == {warnings["fresh"].pk}
    assert ids(status="active") == {warnings[k].pk for k in ("old", "fresh", "taken")}
    assert ids(status="closed") == {warnings["done"].pk}
    assert ids(unattended=True) == {warnings["old"].pk}
    assert ids(enterprise_id=personas.ent_b.pk) == {warnings["taken"].pk, warnings["done"].pk}
    assert ids(mine=True) == {warnings["taken"].pk, warnings["done"].pk}


def test_pages_and_api_show_counts(personas: Personas, warnings: dict) -> None:  # type: ignore[type-arg]
    client = client_for(personas.tongxu_epidemic)
    page = client.get(reverse("sentinel:index"), {"unattended": "on"}).content.decode()
    assert 'data-testid="count-unattended">1<' in page and 'data-testid="unattended"' in page
    api = client.get("/api/warnings/counts").json()
    assert api["total"] == 3 and api["by_status"]["handling"] == 1
    assert client.get("/api/warnings/counts", {"region": "410184"}).status_code == 404  # outside the area
    assert client.get("/api/warnings", {"kind": "drug_purchase"}).json()["count"] == 1
    # Roles without EPIDEMIC_VIEW-less access: every official role has it; anonymous is refused.
    from django.test import Client

    assert Client().get(reverse("sentinel:index")).status_code == 302
