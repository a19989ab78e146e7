"""RQ-7 metric definitions on a hand-made week: tickets and their history written with explicit timestamps."""

import itertools
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType

from conftest import Personas, client_for, region
from sibao.core.models import TransitionLog
from sibao.enterprises.models import Enterprise
from sibao.organisation.models import Unit, UnitKind
from sibao.tickets.metrics import Period, metrics_by_child_region, metrics_by_unit, ticket_metrics, week_end_of
from sibao.tickets.models import Outcome, Satisfaction, Ticket, TicketNote, TicketState

CST = ZoneInfo("Asia/Shanghai")
FRIDAY = date(2024, 5, 10)
WEEK = Period.week_ending(FRIDAY)  # Sat 2024-05-04 00:00 → Sat 2024-05-11 00:00, Beijing time
_numbers = itertools.count(1)


def local(day: int, hour: int = 10, minute: int = 0, month: int = 5) -> datetime:
    """A moment in May 2024, Beijing time."""
    return datetime(2024, month, day, hour, minute, tzinfo=CST)


def make_unit(county_code: str = "410222", name: str = "工信局") -> Unit:
    unit, _created = Unit.objects.get_or_create(region=region(county_code), name=name, kind=UnitKind.DEPARTMENT)
    return unit


def make_ticket(enterprise: Enterprise, filer: Any, *, unit: Unit | None = None, **fields: Any) -> Ticket:
    """A request with whatever timestamps the test gives; nothing goes through the workflow."""
    fields.setdefault("filed_at", local(1))
    fields.setdefault("state", TicketState.IN_PROGRESS if unit else TicketState.SUBMITTED)
    fields.setdefault("title", "原料采购困难")
    return Ticket.objects.create(
        number=f"T{next(_numbers):08d}",
        enterprise=enterprise,
        category="other",
        text="原料供应中断。",
        filed_by=filer,
        holder_region=region("410222"),
        unit=unit,
        **fields,
    )


def log(ticket: Ticket, action: str, at: datetime, **data: Any) -> TransitionLog:
    return TransitionLog.objects.create(
        content_type=ContentType.objects.get_for_model(Ticket),
        object_id=ticket.pk,
        workflow="tickets.ticket",
        action=action,
        from_state="",
        to_state="",
        at=at,
        reason=str(data.pop("reason", "")),
        data=data,
    )


@pytest.fixture
def week(personas: Personas) -> dict[str, Any]:
    """Units A and B of 通许县; ent_a (咸平街道) and ent_b (another township)."""
    p = personas
    unit_a, unit_b = make_unit(name="工信局"), make_unit(name="商务局")
    filer = p.ent_a_user
    t1 = make_ticket(  # responded on time, answered on time as resolved, satisfied, closed 48 h after filing
        p.ent_a,
        filer,
        unit=unit_a,
        filed_at=local(6, 9),
        assigned_at=local(6, 10),
        response_due=local(6, 18),
        responded_at=local(6, 12),
        due_at=local(8, 18),
        answered_at=local(7, 15),
        outcome=Outcome.RESOLVED,
        rated_at=local(7, 20),
        satisfaction=Satisfaction.SATISFIED,
        closed_at=local(8, 9),
        state=TicketState.CLOSED,
    )
    t2 = make_ticket(  # responded late, answered late, partly resolved, basically satisfied
        p.ent_a,
        filer,
        unit=unit_b,
        assigned_at=local(6, 10),
        response_due=local(6, 18),
        responded_at=local(7, 9),
        due_at=local(7, 18),
        answered_at=local(9, 10),
        outcome=Outcome.PARTLY,
        rated_at=local(9, 20),
        satisfaction=Satisfaction.BASIC,
        state=TicketState.RATED,
    )
    t3 = make_ticket(  # assigned, never responded
        p.ent_b, filer, unit=unit_a, assigned_at=local(8), response_due=local(8, 18), due_at=local(20)
    )
    t4 = make_ticket(  # assigned the week before; answered on time as resolved; rated unsatisfied
        p.ent_b,
        filer,
        unit=unit_b,
        assigned_at=local(2),
        response_due=local(2, 18),
        responded_at=local(2, 12),
        due_at=local(9, 18),
        answered_at=local(9, 9),
        outcome=Outcome.RESOLVED,
        rated_at=local(10, 9),
        satisfaction=Satisfaction.UNSATISFIED,
        state=TicketState.ANSWERED,
    )
    t5 = make_ticket(  # the whole life in the previous week: counts nowhere
        p.ent_a,
        filer,
        unit=unit_a,
        filed_at=local(1),
        assigned_at=local(1, 11),
        response_due=local(1, 18),
        responded_at=local(1, 12),
        due_at=local(2, 18),
        answered_at=local(2, 9),
        outcome=Outcome.RESOLVED,
        rated_at=local(3, 9),
        satisfaction=Satisfaction.SATISFIED,
        closed_at=local(3, 10),
        state=TicketState.CLOSED,
    )
    for ticket in (t1, t2, t4):
        log(ticket, "answer", ticket.answered_at)  # type: ignore[arg-type]
    log(t4, "answer", local(8, 9))  # t4: answered, reopened, answered again — all this week
    log(t4, "reopen", local(8, 12), reason="没解决")
    log(t5, "answer", local(2, 9))
    log(t5, "reopen", local(3, 8))  # previous week
    return {"unit_a": unit_a, "unit_b": unit_b, "tickets": [t1, t2, t3, t4, t5]}


def _all() -> Any:
    return Ticket.objects.all()


@pytest.mark.django_db
class TestDefinitions:
    def test_week_is_saturday_to_friday_local(self) -> None:
        assert WEEK.start == datetime(2024, 5, 4, tzinfo=CST)
        assert WEEK.end == datetime(2024, 5, 11, tzinfo=CST)
        assert (WEEK.first_day, WEEK.last_day) == (date(2024, 5, 4), FRIDAY)
        assert week_end_of(date(2024, 5, 4)) == FRIDAY and week_end_of(FRIDAY) == FRIDAY
        assert week_end_of(date(2024, 5, 11)) == date(2024, 5, 17)

    def test_each_rate_counts_only_events_of_the_period(self, week: dict[str, Any]) -> None:
        metrics = ticket_metrics(_all(), WEEK)
        assert (metrics.response.numerator, metrics.response.denominator) == (1, 3)  # t1 of t1, t2, t3
        assert (metrics.on_time.numerator, metrics.on_time.denominator) == (2, 3)  # t1, t4 of t1, t2, t4
        assert (metrics.resolution.numerator, metrics.resolution.denominator) == (2, 3)
        assert (metrics.satisfaction.numerator, metrics.satisfaction.denominator) == (2, 3)  # sat + basic
        assert (metrics.reopen.numerator, metrics.reopen.denominator) == (1, 4)  # 4 answers: t1, t2, t4 twice
        assert metrics.response.rate == pytest.approx(1 / 3)
        assert metrics.on_time.percent == 66.7
        assert metrics.closed == 1 and metrics.avg_close_hours == 48.0  # t1 filed 6th 09:00, closed 8th 09:00

    def test_nothing_counted_gives_none_not_zero(self, week: dict[str, Any]) -> None:
        quiet = Period.week_ending(date(2024, 6, 7))
        for metrics in (ticket_metrics(_all(), quiet), ticket_metrics(Ticket.objects.none(), WEEK)):
            assert all(ratio.rate is None and ratio.denominator == 0 for _name, ratio in metrics.ratios())
            assert metrics.closed == 0 and metrics.avg_close_hours is None
        assert ticket_metrics(Ticket.objects.none(), WEEK).as_dict()["on_time"] == {
            "numerator": 0,
            "denominator": 0,
            "rate": None,
        }

    def test_a_scope_joining_several_rows_per_request_counts_each_once(
        self, personas: Personas, week: dict[str, Any]
    ) -> None:
        """Issue 10: the scope is counted over directly, unless it could repeat a request (notes here)."""
        plain = ticket_metrics(_all(), WEEK)
        for ticket in _all():
            for text in ("一", "二"):
                TicketNote.objects.create(ticket=ticket, author=personas.admin, text=f"备注{text}")
        joined = ticket_metrics(_all().filter(notes__text__startswith="备注"), WEEK)
        assert joined == plain

    def test_the_previous_week_has_its_own_figures(self, week: dict[str, Any]) -> None:
        before = ticket_metrics(_all(), Period.week_ending(date(2024, 5, 3)))
        assert (before.response.numerator, before.response.denominator) == (2, 2)  # t5 and t4
        assert (before.reopen.numerator, before.reopen.denominator) == (1, 1)
        assert before.closed == 1

    def test_per_unit_and_ranking(self, week: dict[str, Any]) -> None:
        rows = metrics_by_unit(_all(), WEEK)
        by_key = {row.key: row for row in rows}
        a, b = by_key[str(week["unit_a"].pk)], by_key[str(week["unit_b"].pk)]
        assert (a.metrics.on_time.numerator, a.metrics.on_time.denominator) == (1, 1)
        assert (a.metrics.response.numerator, a.metrics.response.denominator) == (1, 2)
        assert (b.metrics.on_time.numerator, b.metrics.on_time.denominator) == (1, 2)
        assert (b.metrics.reopen.numerator, b.metrics.reopen.denominator) == (1, 3)
        assert [row.key for row in rows] == [a.key, b.key] and (a.rank, b.rank) == (1, 2)

    def test_per_child_region(self, personas: Personas, week: dict[str, Any]) -> None:
        rows = metrics_by_child_region(_all(), region("410222"), WEEK)
        assert len(rows) == region("410222").children.count()  # every township has a row
        by_code = {row.key: row for row in rows}
        xianping = by_code[personas.ent_a.region.code]
        other = by_code[personas.ent_b.region.code]
        assert (xianping.metrics.on_time.numerator, xianping.metrics.on_time.denominator) == (1, 2)
        assert (other.metrics.on_time.numerator, other.metrics.on_time.denominator) == (1, 1)
        assert rows[0].key == other.key and other.rank == 1 and xianping.rank == 2
        assert all(row.rank is None for row in rows[2:])  # nothing answered: unranked, listed last

    def test_a_tie_on_time_is_broken_by_satisfaction(self, personas: Personas) -> None:
        p = personas
        unit_a, unit_b = make_unit(name="甲局"), make_unit(name="乙局")
        for unit, satisfaction in ((unit_a, Satisfaction.UNSATISFIED), (unit_b, Satisfaction.SATISFIED)):
            make_ticket(
                p.ent_a,
                p.ent_a_user,
                unit=unit,
                due_at=local(9),
                answered_at=local(8),
                rated_at=local(8, 12),
                satisfaction=satisfaction,
            )
        rows = metrics_by_unit(_all(), WEEK)
        assert [row.key for row in rows] == [str(unit_b.pk), str(unit_a.pk)]


@pytest.mark.django_db
class TestMetricsPage:
    def test_hq_office_sees_its_region(self, personas: Personas, week: dict[str, Any]) -> None:
        response = client_for(personas.tongxu_hq).get(
            "/requests/metrics/", {"period": "custom", "start": "2024-05-04", "end": "2024-05-10"}
        )
        assert response.status_code == 200
        assert response.context["totals"].on_time.numerator == 2
        assert len(response.context["by_unit"]) == 2  # one page of the ranking
        assert 'data-testid="unit-table"' in response.content.decode()

    @pytest.mark.parametrize("period", ["this_week", "last_week", "month", "custom"])
    def test_every_period_choice_renders(self, personas: Personas, period: str) -> None:
        response = client_for(personas.tongxu_supervision).get("/requests/metrics/", {"period": period})
        assert response.status_code == 200

    def test_roles_without_metrics_are_refused(self, personas: Personas) -> None:
        for user in (personas.ent_a_user, personas.tongxu_industry, personas.tongxu_township):
            assert client_for(user).get("/requests/metrics/").status_code == 403
        assert client_for(personas.tongxu_leader).get("/requests/metrics/").status_code == 200
        assert client_for(personas.admin).get("/requests/metrics/").status_code == 200

    def test_a_region_outside_the_subtree_is_not_found(self, personas: Personas) -> None:
        response = client_for(personas.tongxu_hq).get("/requests/metrics/", {"region": "410184"})
        assert response.status_code == 404

    def test_a_city_sees_its_counties_but_not_another_citys_tickets(self, personas: Personas) -> None:
        make_ticket(personas.ent_xinzheng, personas.ent_a_user, unit=make_unit("410184"), answered_at=local(8))
        make_ticket(personas.ent_a, personas.ent_a_user, unit=make_unit(), answered_at=local(8))
        response = client_for(personas.kaifeng_hq).get(
            "/requests/metrics/", {"period": "custom", "start": "2024-05-04", "end": "2024-05-10"}
        )
        assert response.context["totals"].on_time.denominator == 1
        tongxu = next(row for row in response.context["by_region"] if row.key == "410222")
        assert tongxu.metrics.on_time.denominator == 1


def test_custom_period_is_whole_local_days() -> None:
    period = Period.days(date(2024, 5, 4), date(2024, 5, 4))
    assert period.end - period.start == timedelta(days=1)
    assert period.start.astimezone(ZoneInfo("UTC")).hour == 16  # 00:00 Beijing = 16:00 UTC the day before
