"""Issue 10: officials' warning counts come from the ``sentinel.counts`` summary. On a hand-made data set every
figure equals the list it links to (computed directly), for each kind of official, and again after writes that
change them once the refresh the page dates has run; until then the page shows the figures of the last pass."""

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import Personas, client_for
from sibao.core.summaries import refresh
from sibao.sentinel.models import WarningKind
from sibao.sentinel.selectors import WarningFilters, warning_counts, warning_list
from sibao.sentinel.services import warning_close, warning_take
from sibao.sentinel.summaries import NAME
from sibao.sentinel.tests.helpers import raised

pytestmark = pytest.mark.django_db


def listed(user: Any, **filters: Any) -> int:
    return warning_list(user=user, filters=WarningFilters(**filters)).count()


def assert_counts_are_their_lists(user: Any, region: Any = None) -> dict[str, Any]:
    """Each figure is the row count of the list it links to (the links of ``sentinel/list.html``)."""
    counts = warning_counts(user=user, region=region)
    code = region.code if region is not None else ""
    assert counts["total"] == listed(user, status="active", region_code=code)
    for kind in WarningKind.values:
        assert counts["by_kind"][kind] == listed(user, kind=kind, status="active", region_code=code), kind
    for status, n in counts["by_status"].items():
        assert n == listed(user, status=status, region_code=code), status
    assert counts["unattended"] == listed(user, unattended=True, status="open", region_code=code)
    for row in counts["by_region"]:
        assert row["open"] == listed(user, status="active", region_code=row["code"]), row
        assert row["unattended"] == listed(user, unattended=True, status="open", region_code=row["code"]), row
    return counts


@pytest.fixture
def world(personas: Personas) -> Personas:
    five_hours_ago = timezone.now() - timedelta(hours=5)
    raised(personas.ent_a, "test:1", at=five_hours_ago)
    raised(personas.ent_a, "drug:1", kind=WarningKind.DRUG_PURCHASE)
    warning_take(actor=personas.tongxu_epidemic, warning=raised(personas.ent_b, "test:2", at=five_hours_ago))
    warning_close(actor=personas.tongxu_epidemic, warning=raised(personas.ent_b, "test:3"), note="已处置")
    raised(personas.ent_xinzheng, "test:4", at=five_hours_ago)
    return personas


def test_every_figure_is_its_list_for_each_official(world: Personas) -> None:
    p = world
    county = assert_counts_are_their_lists(p.tongxu_epidemic)
    assert (county["total"], county["unattended"], county["by_status"]) == (3, 1, {"open": 2, "handling": 1})
    assert assert_counts_are_their_lists(p.kaifeng_hq)["total"] == 3
    assert assert_counts_are_their_lists(p.henan_hq)["total"] == 4
    # A sectoral department counts its sector only (ent_a is industry, ent_b commerce).
    assert assert_counts_are_their_lists(p.tongxu_industry)["total"] == 2
    assert assert_counts_are_their_lists(p.henan_hq, p.ent_a.region)["total"] == 2
    # Another county's warnings are outside the county's figures; a region outside the scope counts nothing.
    assert warning_counts(user=p.tongxu_epidemic, region=p.ent_xinzheng.region)["total"] == 0
    assert warning_counts(user=p.tongxu_epidemic)["refreshed_at"] is not None
    # An enterprise user's own warnings are counted live, not from the summary.
    own = warning_counts(user=p.ent_a_user)
    assert own["total"] == 2 and own["refreshed_at"] is None


def test_writes_show_after_the_refresh_the_page_dates(world: Personas) -> None:
    p = world
    client = client_for(p.tongxu_epidemic)
    page = client.get(reverse("sentinel:index")).content.decode()
    assert 'data-testid="freshness"' in page and 'data-testid="count-total">3<' in page
    warning_close(
        actor=p.tongxu_epidemic,
        warning=warning_list(user=p.tongxu_epidemic, filters=WarningFilters(kind=WarningKind.DRUG_PURCHASE)).get(),
        note="已核实",
    )
    raised(p.ent_b, "test:5")
    raised(p.ent_b, "test:6", kind=WarningKind.UNREGISTERED_ARRIVAL)
    # Until the next pass the figures are the last pass's, and the page says when that was.
    assert client.get("/api/warnings/counts").json()["total"] == 3
    refresh(NAME)
    counts = assert_counts_are_their_lists(p.tongxu_epidemic)
    assert counts["total"] == 4 and counts["by_kind"][WarningKind.UNREGISTERED_ARRIVAL] == 1
    assert counts["by_kind"][WarningKind.DRUG_PURCHASE] == 0
    api = client.get("/api/warnings/counts").json()
    assert api["total"] == 4 and api["refreshed_at"]
    assert 'data-testid="count-total">4<' in client.get(reverse("sentinel:index")).content.decode()
