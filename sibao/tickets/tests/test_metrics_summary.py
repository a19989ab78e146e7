"""Issue 10: the per-day metrics summary (``tickets.summary``) gives exactly the live RQ-7 figures, at every
region level, for every period made of whole days, once refreshed — and the page says when that was."""

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from conftest import Personas, client_for, region, township_of
from sibao.core import summaries
from sibao.tickets.metrics import Period
from sibao.tickets.models import Outcome, TicketDayFigures, TicketState
from sibao.tickets.services import ticket_assign
from sibao.tickets.summary import NAME, PageFigures, answers_scope, live_figures, metrics_for, whole_days
from sibao.tickets.tests.test_metrics import CST, WEEK, local, log, make_ticket, make_unit, week  # noqa: F401

pytestmark = pytest.mark.django_db


def _shown(figures: PageFigures) -> Any:
    rows = lambda groups: [(row.key, row.name, row.metrics, row.rank) for row in groups]  # noqa: E731
    return figures.totals, rows(figures.by_unit), rows(figures.by_region)


@pytest.fixture
def wider(personas: Personas, week: dict[str, Any]) -> dict[str, Any]:  # noqa: F811
    """The week's requests plus one of 新郑市 (another city) answered and closed in it, one answered just before
    local midnight (the day boundary) and a reopen of one of 新郑市."""
    p = personas
    unit = make_unit("410184", "新郑市工信局")
    other = make_ticket(
        p.ent_xinzheng,
        p.ent_a_user,
        unit=unit,
        assigned_at=local(5, 8),
        response_due=local(5, 12),
        responded_at=local(5, 11),
        due_at=local(6),
        answered_at=local(7, 23, 59),
        outcome=Outcome.RESOLVED,
        closed_at=local(10, 23, 59),
        state=TicketState.CLOSED,
    )
    log(other, "answer", local(7, 23, 59))
    log(other, "reopen", local(11, 0, 1))  # the next week, by one minute past midnight
    make_ticket(p.ent_b, p.ent_a_user, unit=week["unit_a"], answered_at=local(10, 23, 59), due_at=local(11, 0, 30))
    summaries.refresh(NAME)
    return week


class TestSummaryEqualsLive:
    @pytest.mark.parametrize(
        "period",
        [
            WEEK,
            Period.week_ending(date(2024, 5, 17)),
            Period.week_ending(date(2024, 5, 3)),
            Period.days(date(2024, 5, 1), date(2024, 5, 31)),
            Period.days(date(2024, 5, 7), date(2024, 5, 7)),
        ],
        ids=["week", "next week", "week before", "month", "one day"],
    )
    def test_every_level(self, personas: Personas, wider: dict[str, Any], period: Period) -> None:
        p = personas
        readers = [
            (p.henan_hq, region("410000")),  # province: cities
            (p.kaifeng_hq, region("410200")),  # city: counties
            (p.tongxu_hq, region("410222")),  # county: townships
            (p.tongxu_supervision, township_of("410222", "咸平街道")),  # a township
            (p.admin, region("410100")),  # another city
        ]
        for user, place in readers:
            assert answers_scope(user)
            assert _shown(metrics_for(user, place, period)) == _shown(live_figures(user, place, period)), place.name
        province = metrics_for(p.henan_hq, region("410000"), WEEK)
        assert province.freshness is not None and province.freshness.at is not None
        assert TicketDayFigures.objects.exists()

    def test_the_figures_are_not_trivially_empty(self, personas: Personas, wider: dict[str, Any]) -> None:
        figures = metrics_for(personas.henan_hq, region("410000"), WEEK)
        assert figures.totals.on_time.denominator == 5  # t1, t2, t4, the one before midnight, and 新郑市's
        assert figures.totals.reopen.numerator == 1 and figures.totals.reopen.denominator == 5
        assert {row.key: row.metrics.on_time.denominator for row in figures.by_region}["410100"] == 1


class TestFreshness:
    def test_a_write_shows_after_the_refresh_the_page_names(self, personas: Personas) -> None:
        p = personas
        unit = make_unit()
        ticket = make_ticket(p.ent_a, p.ent_a_user, filed_at=timezone.now() - timedelta(hours=1))
        client = client_for(p.tongxu_hq)
        before = client.get("/requests/metrics/")  # builds the summary on first read
        assert before.context["totals"].response.denominator == 0
        assert "数据更新于" in before.content.decode() or "Data as of" in before.content.decode()

        ticket_assign(actor=p.tongxu_hq, ticket=ticket, unit=unit, due_at=timezone.now() + timedelta(days=2))
        stale = client.get("/requests/metrics/")
        assert stale.context["totals"].response.denominator == 0  # until the next pass, as the page says

        summaries.refresh(NAME)
        after = client.get("/requests/metrics/")
        assert after.context["totals"].response.denominator == 1
        today = timezone.localdate()
        period = Period.week_ending(today + timedelta(days=(4 - today.weekday()) % 7))
        assert _shown(metrics_for(p.tongxu_hq, region("410222"), period)) == _shown(
            live_figures(p.tongxu_hq, region("410222"), period)
        )

    def test_what_the_summary_cannot_answer_is_computed_live(self, personas: Personas, wider: dict[str, Any]) -> None:
        assert not answers_scope(personas.tongxu_industry)  # a department: its units' requests
        part_of_a_day = Period(datetime(2024, 5, 7, 9, tzinfo=CST), datetime(2024, 5, 7, 17, tzinfo=CST))
        assert whole_days(WEEK) and not whole_days(part_of_a_day)
        figures = metrics_for(personas.tongxu_hq, region("410222"), part_of_a_day)
        assert figures.freshness is None
        assert _shown(figures) == _shown(live_figures(personas.tongxu_hq, region("410222"), part_of_a_day))
