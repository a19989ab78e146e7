"""RQ-8: the weekly report counts exactly the week's requests, is idempotent, scheduled on Friday at 17:00
(preliminary) and again after the week closes (final)."""

import io
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from openpyxl import load_workbook

from conftest import Personas, client_for, region
from sibao.core.errors import ServiceError
from sibao.tickets.models import Outcome, TicketState, WeeklyReport
from sibao.tickets.reports import weekly_report_build
from sibao.tickets.tasks import build_weekly_reports, closed_week_end, due_week_end, schedule_weekly_reports
from sibao.tickets.tests.test_metrics import FRIDAY, local, log, make_ticket, make_unit

UTC = ZoneInfo("UTC")
AFTER_THE_WEEK = local(13, 9)  # the Monday after


def _answered(personas: Personas, at: datetime, **fields: Any) -> Any:
    ticket = make_ticket(
        personas.ent_a,
        personas.ent_a_user,
        unit=make_unit(),
        assigned_at=local(2),
        response_due=local(2, 18),
        responded_at=local(2, 12),
        due_at=local(20),
        answered_at=at,
        outcome=Outcome.RESOLVED,
        state=TicketState.ANSWERED,
        **fields,
    )
    log(ticket, "answer", at)
    return ticket


@pytest.mark.django_db
class TestBuild:
    def test_friday_night_local_is_in_the_week_saturday_midnight_is_not(self, personas: Personas) -> None:
        # Both moments fall on Friday 10 May in UTC; only Beijing time decides the week.
        late_friday = local(10, 23, 30)  # 15:30 UTC
        saturday = local(11, 0, 30)  # 16:30 UTC, still Friday in UTC
        assert late_friday.astimezone(UTC).date() == saturday.astimezone(UTC).date() == FRIDAY
        _answered(personas, late_friday)
        _answered(personas, saturday)
        _answered(personas, local(3, 23, 59))  # the previous Friday night: the previous week
        _answered(personas, local(4, 0, 0))  # Saturday 00:00: the first moment of this week
        report = weekly_report_build(region("410222"), FRIDAY, now=AFTER_THE_WEEK)
        totals = report.figures["totals"]
        assert totals["on_time"] == {"numerator": 2, "denominator": 2, "rate": 1.0}
        assert totals["reopen"] == {"numerator": 0, "denominator": 2, "rate": 0.0}
        assert report.figures["complete"] is True

    def test_only_the_regions_requests_count(self, personas: Personas) -> None:
        make_ticket(personas.ent_xinzheng, personas.ent_a_user, filed_at=local(6))
        make_ticket(personas.ent_a, personas.ent_a_user, filed_at=local(6))
        make_ticket(personas.ent_a, personas.ent_a_user, filed_at=local(3))  # the week before
        assert weekly_report_build(region("410222"), FRIDAY, now=AFTER_THE_WEEK).figures["filed"] == 1
        assert weekly_report_build(region("410000"), FRIDAY, now=AFTER_THE_WEEK).figures["filed"] == 2

    @pytest.mark.parametrize("day", [date(2024, 5, 9), date(2024, 5, 11), date(2024, 5, 6)])
    def test_a_week_must_end_on_a_friday(self, personas: Personas, day: date) -> None:
        with pytest.raises(ServiceError) as refused:
            weekly_report_build(region("410222"), day, now=AFTER_THE_WEEK)
        assert refused.value.code == "tickets.weekly_report.not_friday"
        assert refused.value.field == "week_end"
        assert not WeeklyReport.objects.exists()

    def test_a_future_week_is_refused(self, personas: Personas) -> None:
        with pytest.raises(ServiceError) as refused:
            weekly_report_build(region("410222"), date(2024, 5, 24), now=AFTER_THE_WEEK)
        assert refused.value.code == "tickets.weekly_report.future"

    def test_rebuilding_updates_the_same_row(self, personas: Personas) -> None:
        first = weekly_report_build(region("410222"), FRIDAY, now=local(10, 17, 30))
        assert first.figures["complete"] is False and first.figures["totals"]["on_time"]["denominator"] == 0
        _answered(personas, local(10, 20))
        second = weekly_report_build(region("410222"), FRIDAY, now=AFTER_THE_WEEK)
        assert second.pk == first.pk and WeeklyReport.objects.count() == 1
        second.refresh_from_db()
        assert second.figures["totals"]["on_time"]["denominator"] == 1
        assert second.generated_at == AFTER_THE_WEEK

    def test_the_three_lists(self, personas: Personas) -> None:
        p = personas
        unit = make_unit()
        late = make_ticket(p.ent_a, p.ent_a_user, unit=unit, assigned_at=local(6), due_at=local(8), title="逾期")
        make_ticket(p.ent_a, p.ent_a_user, unit=unit, assigned_at=local(6), due_at=local(12))  # due after the week
        make_ticket(  # answered late but before the week's end: not overdue at the end of the week
            p.ent_a, p.ent_a_user, unit=unit, assigned_at=local(6), due_at=local(8), answered_at=local(9)
        )
        make_ticket(  # paused (waiting for the enterprise) since before the deadline passed
            p.ent_a,
            p.ent_a_user,
            unit=unit,
            assigned_at=local(6),
            due_at=local(8),
            paused_at=local(7),
            state=TicketState.WAITING,
        )
        escalated = make_ticket(p.ent_b, p.ent_a_user, filed_at=local(6))
        log(escalated, "escalate", local(7), from_region="410222", to_region="410200", reason="超出权限")
        log(escalated, "escalate", local(2), from_region="410222", to_region="410200")  # the week before
        reopened = make_ticket(p.ent_b, p.ent_a_user, unit=unit, filed_at=local(6))
        log(reopened, "reopen", local(9), reason="没有解决")

        figures = weekly_report_build(region("410222"), FRIDAY, now=AFTER_THE_WEEK).figures
        assert [row["number"] for row in figures["overdue"]] == [late.number]
        assert figures["overdue"][0]["days_overdue"] == 2.6  # 8 May 10:00 → 11 May 00:00
        assert [row["number"] for row in figures["escalated"]] == [escalated.number]
        assert figures["escalated"][0]["to_region"] == "开封市"
        assert figures["escalated"][0]["reason"] == "超出权限"
        assert [(row["number"], row["reason"]) for row in figures["reopened"]] == [(reopened.number, "没有解决")]


@pytest.mark.django_db
class TestTaskAndScheduler:
    def test_the_task_builds_every_level_with_requests(self, personas: Personas) -> None:
        make_ticket(personas.ent_a, personas.ent_a_user, filed_at=local(6))
        result = build_weekly_reports.enqueue(FRIDAY.isoformat())  # immediate backend in tests
        assert result.return_value == 3
        codes = set(WeeklyReport.objects.values_list("region__code", flat=True))
        assert codes == {"410000", "410200", "410222"}  # no township, no region without requests

    def test_due_week(self) -> None:
        assert due_week_end(local(10, 16, 59)) == date(2024, 5, 3)
        assert due_week_end(local(10, 17, 0)) == FRIDAY
        assert due_week_end(local(16, 12)) == FRIDAY  # Thursday after
        assert due_week_end(local(11, 0, 5)) == FRIDAY

    def test_closed_week(self) -> None:
        assert closed_week_end(local(10, 23, 59)) == date(2024, 5, 3)  # Friday evening: the week is still open
        assert closed_week_end(local(11, 0, 0)) == FRIDAY  # Saturday 00:00: closed
        assert closed_week_end(local(16, 12)) == FRIDAY

    @override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})
    def test_the_scheduler_enqueues_a_preliminary_and_a_final_edition(
        self, django_capture_on_commit_callbacks: Any
    ) -> None:
        backend = build_weekly_reports.get_backend()
        backend.clear()  # type: ignore[attr-defined]
        runs = [
            local(10, 17, 5),  # Friday after 17:00: this week's preliminary (and last week's final, never built)
            local(10, 17, 10),
            local(10, 23),
            local(11, 0, 5),  # Saturday 00:05: the week has closed, its final edition
            local(11, 9),
            local(16, 9),
            local(17, 16, 59),  # next Friday before 17:00: nothing new
            local(17, 17, 1),  # next Friday: due
            local(17, 18),
        ]
        enqueued = []
        for now in runs:
            with django_capture_on_commit_callbacks(execute=True):
                enqueued.append(schedule_weekly_reports(now))
        assert [runs for runs in enqueued if runs] == [
            "2024-05-03 final, 2024-05-10 preliminary",
            "2024-05-10 final",
            "2024-05-17 preliminary",
        ]
        assert [result.args for result in backend.results] == [  # type: ignore[attr-defined]
            ["2024-05-03", "final"],
            ["2024-05-10", "preliminary"],
            ["2024-05-10", "final"],
            ["2024-05-17", "preliminary"],
        ]

    @override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})
    def test_a_request_filed_friday_evening_is_in_the_report(
        self, personas: Personas, django_capture_on_commit_callbacks: Any
    ) -> None:
        """Issue 9 #2: the week ends Friday 24:00; the 17:00 edition cannot count Friday evening, the final can."""
        backend = build_weekly_reports.get_backend()
        backend.clear()  # type: ignore[attr-defined]

        def scheduler_pass(now: datetime) -> None:
            done = len(backend.results)  # type: ignore[attr-defined]
            with django_capture_on_commit_callbacks(execute=True):
                schedule_weekly_reports(now)
            for result in backend.results[done:]:  # type: ignore[attr-defined]
                build_weekly_reports.call(*result.args)  # what the worker does

        make_ticket(personas.ent_a, personas.ent_a_user, filed_at=local(8))
        scheduler_pass(local(10, 17, 5))
        assert WeeklyReport.objects.get(region__code="410222", week_end=FRIDAY).figures["filed"] == 1
        make_ticket(personas.ent_a, personas.ent_a_user, filed_at=local(10, 20))  # Friday 20:00
        scheduler_pass(local(10, 22))
        scheduler_pass(local(11, 0, 5))
        assert WeeklyReport.objects.get(region__code="410222", week_end=FRIDAY).figures["filed"] == 2

    @override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
    def test_the_database_backend_remembers_what_was_enqueued(self, django_capture_on_commit_callbacks: Any) -> None:
        from django_tasks_db.models import DBTaskResult

        for now in (local(10, 17, 5), local(10, 18), local(11, 1), local(12, 8)):
            with django_capture_on_commit_callbacks(execute=True):
                schedule_weekly_reports(now)
        assert sorted(row.args_kwargs["args"] for row in DBTaskResult.objects.all()) == [
            ["2024-05-03", "final"],
            ["2024-05-10", "final"],
            ["2024-05-10", "preliminary"],
        ]


@pytest.mark.django_db
class TestPages:
    def test_build_from_the_page_then_read_print_and_download(self, personas: Personas) -> None:
        _answered(personas, local(8))
        client = client_for(personas.tongxu_supervision)
        response = client.post("/requests/weekly/", {"region": "410222", "week_end": "2024-05-10"})
        assert response.status_code == 302
        assert response["Location"] == "/requests/weekly/410222/2024-05-10/"
        assert WeeklyReport.objects.filter(region__code="410222", week_end=FRIDAY).exists()

        listing = client.get("/requests/weekly/", {"region": "410222"})
        assert "2024-05-10" in listing.content.decode()

        page = client.get("/requests/weekly/410222/2024-05-10/")
        html = page.content.decode()
        assert page.status_code == 200 and "weekly-report-print" in html and "d-print-none" in html  # print CSS

        download = client.get("/requests/weekly/410222/2024-05-10.xlsx")
        assert download.status_code == 200
        workbook = load_workbook(io.BytesIO(download.content))
        assert len(workbook.sheetnames) == 6  # figures, by unit, by region, overdue, escalated, reopened
        figures = {row[0]: row[1:] for row in workbook.worksheets[0].iter_rows(min_row=2, values_only=True)}
        on_time = next(values for label, values in figures.items() if label in ("On-time rate", "按时办结率"))
        assert on_time == (1, 1, 100.0)

    def test_a_non_friday_is_refused_on_the_page(self, personas: Personas) -> None:
        client = client_for(personas.tongxu_hq)
        response = client.post("/requests/weekly/", {"region": "410222", "week_end": "2024-05-09"})
        assert response.status_code == 200
        assert response.context["form"].errors["week_end"]
        assert not WeeklyReport.objects.exists()

    def test_scope_and_roles(self, personas: Personas) -> None:
        weekly_report_build(region("410184"), FRIDAY, now=AFTER_THE_WEEK)
        assert client_for(personas.tongxu_hq).get("/requests/weekly/410184/2024-05-10/").status_code == 404
        assert client_for(personas.xinzheng_hq).get("/requests/weekly/410184/2024-05-10/").status_code == 200
        assert client_for(personas.xinzheng_hq).get("/requests/weekly/410184/2024-05-03/").status_code == 404
        assert client_for(personas.ent_a_user).get("/requests/weekly/").status_code == 403
        leader = client_for(personas.tongxu_leader)
        assert leader.get("/requests/weekly/").status_code == 200
        assert leader.post("/requests/weekly/", {"week_end": "2024-05-10"}).status_code == 403
