"""Issue 10: the readiness summary (one row per enterprise, computed in SQL) agrees with the live checklist
(``selectors.readiness_report``) on a hand-made data set, right after a write, and the region lists page
through it without losing or repeating a row."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import Personas, client_for, region
from sibao.core import summaries
from sibao.parameters.registry import EPIDEMIC_OBSERVATION_ROOM_STAFF, EPIDEMIC_RESERVE_MASKS
from sibao.parameters.services import parameter_set
from sibao.readiness.models import Drill, ReadinessSummary
from sibao.readiness.selectors import readiness_report
from sibao.readiness.services import drill_record, readiness_save, stock_report
from sibao.readiness.summaries import NAME

pytestmark = pytest.mark.django_db

COLUMN = {"observation_rooms": "rooms"}  # checklist key → summary column where they differ


def assert_summary_matches_checklist(personas: Personas) -> None:
    rows = {row.enterprise_id: row for row in ReadinessSummary.objects.all()}
    for enterprise in (personas.ent_a, personas.ent_b, personas.ent_xinzheng):
        enterprise.refresh_from_db()
        report = readiness_report(enterprise)
        row = rows[enterprise.pk]
        assert row.staff == report.headcount.count, enterprise.name
        assert row.gaps == len(report.gaps), (enterprise.name, [item.key for item in report.gaps])
        assert row.short_items == len(report.supplies.short_lines), enterprise.name
        for item in report.items:
            assert getattr(row, COLUMN.get(item.key, item.key)) == item.passed, (enterprise.name, item.key)


@pytest.fixture
def varied(personas: Personas) -> Personas:
    """Three enterprises in different states: staffed, with stock, rooms, a drill; an override of two
    parameters in 通许县 so that the summary must use each row's own region's values."""
    for enterprise, staff, beds, seats in ((personas.ent_a, 150, 200, 50), (personas.ent_b, 40, 10, 0)):
        enterprise.employee_count = staff
        enterprise.dormitory_capacity = beds
        enterprise.canteen_capacity = seats
        enterprise.save(update_fields=["employee_count", "dormitory_capacity", "canteen_capacity"])
    personas.ent_xinzheng.employee_count = 80
    personas.ent_xinzheng.save(update_fields=["employee_count"])
    parameter_set(actor=personas.admin, key=EPIDEMIC_RESERVE_MASKS.key, region=region("410222"), value="2")
    parameter_set(actor=personas.admin, key=EPIDEMIC_OBSERVATION_ROOM_STAFF.key, region=region("410222"), value="100")
    readiness_save(
        actor=personas.ent_a_user,
        enterprise=personas.ent_a,
        data={"leader_name": "张伟", "leader_post": "总经理", "members": "李娜", "observation_rooms": 2},
    )
    # 300 masks: enough at 通许县's 2 per employee (150 × 2), short at the default elsewhere.
    stock_report(actor=personas.ent_a_user, enterprise=personas.ent_a, quantities={"masks": 300, "gloves": 1})
    Drill.objects.create(enterprise=personas.ent_b, held_on=timezone.localdate() - timedelta(days=400))
    return personas


def test_full_rebuild_equals_the_live_checklist(varied: Personas) -> None:
    summaries.refresh(NAME)
    assert ReadinessSummary.objects.count() >= 3
    assert_summary_matches_checklist(varied)


def test_a_write_shows_at_once_without_a_rebuild(varied: Personas) -> None:
    summaries.refresh(NAME)
    before = ReadinessSummary.objects.get(enterprise=varied.ent_b)
    drill_record(actor=varied.ent_b_user, enterprise=varied.ent_b, held_on=timezone.localdate())
    stock_report(actor=varied.ent_b_user, enterprise=varied.ent_b, quantities={"masks": 10_000})
    after = ReadinessSummary.objects.get(enterprise=varied.ent_b)
    assert not before.drill and after.drill
    assert after.gaps == before.gaps - 1
    assert after.short_items == before.short_items - 1
    assert_summary_matches_checklist(varied)


def test_region_page_states_its_freshness_and_pages_every_enterprise_once(varied: Personas) -> None:
    client = client_for(varied.tongxu_epidemic)
    html = client.get("/readiness/?all=on").content.decode()
    assert 'data-testid="freshness"' in html
    listed = client.get("/api/readiness/ranking", {"include_not_whitelisted": "true", "limit": 1}).json()
    seen = [row["enterprise"]["id"] for row in listed["items"]]
    for offset in range(1, listed["count"]):
        page = client.get(
            "/api/readiness/ranking", {"include_not_whitelisted": "true", "limit": 1, "offset": offset}
        ).json()
        seen += [row["enterprise"]["id"] for row in page["items"]]
    assert sorted(seen) == sorted({varied.ent_a.pk, varied.ent_b.pk})  # 新郑市 is another county
    ranked = client.get("/api/readiness/ranking?include_not_whitelisted=true").json()["items"]
    gaps = [row["gap_count"] for row in ranked]
    assert gaps == sorted(gaps, reverse=True)
