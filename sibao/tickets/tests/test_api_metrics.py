"""X-5 over RQ-7 and RQ-8: ``/api/requests/metrics`` and ``/api/requests/weekly-reports`` give what the metrics
and weekly-report pages show, for the same filters, to the same roles, over the same regions."""

import io
import json
from datetime import date
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from conftest import Personas, client_for, region, township_of
from sibao.core import summaries
from sibao.tickets.metrics import GroupMetrics, Metrics
from sibao.tickets.models import Outcome, TicketState, WeeklyReport
from sibao.tickets.reports import weekly_report_build
from sibao.tickets.summary import NAME
from sibao.tickets.tests.test_metrics import FRIDAY, local, log, make_ticket, make_unit, week  # noqa: F401

pytestmark = pytest.mark.django_db

METRICS = "/api/requests/metrics"
REPORTS = "/api/requests/weekly-reports"
THE_WEEK = {"period": "custom", "start": "2024-05-04", "end": "2024-05-10"}
AFTER_THE_WEEK = local(13, 9)


def _xinzheng_ticket(personas: Personas) -> Any:
    """A request of 新郑市 (another county and city) responded, answered, rated and closed in the week."""
    ticket = make_ticket(
        personas.ent_xinzheng,
        personas.ent_a_user,
        unit=make_unit("410184", "新郑市工信局"),
        filed_at=local(6, 8),
        assigned_at=local(6, 9),
        response_due=local(6, 18),
        responded_at=local(6, 10),
        due_at=local(9),
        answered_at=local(7),
        outcome=Outcome.RESOLVED,
        rated_at=local(7, 12),
        satisfaction="satisfied",
        closed_at=local(8),
        state=TicketState.CLOSED,
    )
    log(ticket, "answer", local(7))
    return ticket


@pytest.fixture
def figures(personas: Personas, week: dict[str, Any]) -> dict[str, Any]:  # noqa: F811
    """The week of ``test_metrics`` in 通许县 plus one request of 新郑市, in the summary the page reads."""
    _xinzheng_ticket(personas)
    summaries.refresh(NAME)
    return week


def _metrics(metrics: Metrics) -> dict[str, Any]:
    """What the page shows of ``metrics``, in the API's shape."""
    shown: dict[str, Any] = {
        name: {
            "numerator": ratio.numerator,
            "denominator": ratio.denominator,
            "rate": ratio.rate,
            "percent": ratio.percent,
        }
        for name, ratio in metrics.ratios()
    }
    return {**shown, "closed": metrics.closed, "avg_close_hours": metrics.avg_close_hours}


def _row(group: GroupMetrics) -> dict[str, Any]:
    return {"key": group.key, "name": group.name, "rank": group.rank, **_metrics(group.metrics)}


def _get(client: Client, url: str, params: dict[str, str] | None = None) -> Any:
    response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return response.json()


class TestMetricsEqualThePage:
    @pytest.mark.parametrize(
        "params",
        [
            {},
            {"period": "this_week"},
            {"period": "last_week"},
            {"period": "month"},
            THE_WEEK,
            {"period": "custom", "start": "2024-05-10", "end": "2024-05-04"},  # either order
            {"period": "custom", "start": "2024-05-01", "end": "2024-05-31"},
            {"period": "custom", "start": "2024-05-04"},  # one day missing: this week, as on the page
            {"region": "410222", **THE_WEEK},
        ],
        ids=["default", "this week", "last week", "month", "week", "reversed", "May", "half custom", "own region"],
    )
    @pytest.mark.parametrize("reader", ["tongxu_hq", "tongxu_supervision", "tongxu_leader", "kaifeng_hq", "admin"])
    def test_the_same_figures_for_the_same_filters(
        self, personas: Personas, figures: dict[str, Any], reader: str, params: dict[str, str]
    ) -> None:
        client = client_for(getattr(personas, reader))
        page = client.get("/requests/metrics/", params)
        assert page.status_code == 200
        api = _get(client, METRICS, params)
        context = page.context
        assert api["region"]["code"] == context["region"].code
        period = context["period"]
        assert (api["period"]["first_day"], api["period"]["last_day"]) == (
            period.first_day.isoformat(),
            period.last_day.isoformat(),
        )
        assert api["totals"] == _metrics(context["totals"])
        shown_units = [_row(row) for row in context["by_unit"].object_list]
        assert api["by_unit"][: len(shown_units)] == shown_units  # the page shows 50 a page, the API all
        assert len(api["by_unit"]) == context["by_unit"].paginator.count
        assert api["by_region"] == [_row(row) for row in context["by_region"]]
        assert (api["refreshed_at"] is None) == (context["freshness"] is None)

    def test_a_township_and_the_figures_of_the_week(self, personas: Personas, figures: dict[str, Any]) -> None:
        client = client_for(personas.tongxu_hq)
        api = _get(client, METRICS, THE_WEEK)
        totals = api["totals"]
        assert (totals["response"]["numerator"], totals["response"]["denominator"]) == (1, 3)
        assert totals["on_time"] == {"numerator": 2, "denominator": 3, "rate": pytest.approx(2 / 3), "percent": 66.7}
        assert (totals["reopen"]["numerator"], totals["reopen"]["denominator"]) == (1, 4)
        assert totals["closed"] == 1 and totals["avg_close_hours"] == 48.0
        assert [row["key"] for row in api["by_unit"]] == [str(figures["unit_a"].pk), str(figures["unit_b"].pk)]
        assert [row["rank"] for row in api["by_unit"]] == [1, 2]
        assert api["refreshed_at"] is not None and api["refresh_every_minutes"] == 10

        xianping = township_of("410222", "咸平街道").code
        page = client.get("/requests/metrics/", {"region": xianping, **THE_WEEK})
        township = _get(client, METRICS, {"region": xianping, **THE_WEEK})
        assert township["region"]["code"] == xianping and township["by_region"] == []
        assert township["totals"] == _metrics(page.context["totals"])
        assert township["totals"]["on_time"]["denominator"] == 2  # t1 and t2 of ent_a


class TestMetricsScope:
    def test_another_county_is_never_counted(self, personas: Personas, figures: dict[str, Any]) -> None:
        tongxu = _get(client_for(personas.tongxu_hq), METRICS, THE_WEEK)
        assert tongxu["totals"]["on_time"]["denominator"] == 3  # 新郑市's answer is not among them
        assert all(not row["name"].startswith("新郑市") for row in tongxu["by_unit"])

        xinzheng = _get(client_for(personas.xinzheng_hq), METRICS, THE_WEEK)
        assert xinzheng["totals"]["on_time"]["denominator"] == 1
        assert [row["name"] for row in xinzheng["by_unit"]] == ["新郑市工信局"]

        kaifeng = _get(client_for(personas.kaifeng_hq), METRICS, THE_WEEK)  # 开封市: 通许县, not 新郑市 (郑州市)
        assert kaifeng["totals"]["on_time"]["denominator"] == 3
        by_code = {row["key"]: row for row in kaifeng["by_region"]}
        assert by_code["410222"]["on_time"]["denominator"] == 3 and "410184" not in by_code

        province = _get(client_for(personas.henan_hq), METRICS, THE_WEEK)
        assert province["totals"]["on_time"]["denominator"] == 4

    @pytest.mark.parametrize("code", ["410184", "410100", "410000", "419999", "410184001"])
    def test_a_region_outside_the_subtree_or_unknown_is_not_found(self, personas: Personas, code: str) -> None:
        client = client_for(personas.tongxu_hq)
        response = client.get(METRICS, {"region": code})
        assert response.status_code == 404 and response.json()["code"] == "not_found"
        assert client.get("/requests/metrics/", {"region": code}).status_code == 404

    def test_roles_without_metrics_are_refused(self, personas: Personas) -> None:
        for user in (personas.ent_a_user, personas.tongxu_industry, personas.tongxu_township, personas.tongxu_epidemic):
            response = client_for(user).get(METRICS)
            assert response.status_code == 403 and response.json()["code"] == "permission_denied"
        for user in (personas.tongxu_hq, personas.tongxu_supervision, personas.tongxu_leader, personas.admin):
            assert client_for(user).get(METRICS).status_code == 200
        assert Client().get(METRICS).status_code == 401


class TestMetricsInput:
    @pytest.mark.parametrize("params", [{"period": "fortnight"}, {"region": "4102"}, {"start": "2024-5-4"}])
    def test_values_outside_the_document_are_422(self, personas: Personas, params: dict[str, str]) -> None:
        assert client_for(personas.tongxu_hq).get(METRICS, params).status_code == 422

    @pytest.mark.parametrize(
        ("start", "end", "field"),
        [
            ("1999-12-31", "2024-05-10", "start"),
            ("2024-05-04", "9999-12-31", "end"),
            ("0001-01-01", "0001-01-02", "start"),
        ],
    )
    def test_days_outside_the_platforms_range_are_refused_naming_the_field(
        self, personas: Personas, start: str, end: str, field: str
    ) -> None:
        client = client_for(personas.tongxu_hq)
        response = client.get(METRICS, {"period": "custom", "start": start, "end": end})
        assert response.status_code == 400
        assert (response.json()["code"], response.json()["field"]) == ("tickets.period.day", field)
        page = client.get("/requests/metrics/", {"period": "custom", "start": start, "end": end})
        assert page.status_code == 200  # the page says so and shows this week
        assert page.context["period"] == client.get("/requests/metrics/").context["period"]
        assert "2000-01-01" in page.content.decode()


# --- RQ-8: weekly reports ------------------------------------------------------------------------------------


def _answered(personas: Personas) -> Any:
    ticket = make_ticket(
        personas.ent_a,
        personas.ent_a_user,
        unit=make_unit(),
        assigned_at=local(2),
        response_due=local(2, 18),
        responded_at=local(2, 12),
        due_at=local(20),
        answered_at=local(8),
        outcome=Outcome.RESOLVED,
        state=TicketState.ANSWERED,
    )
    log(ticket, "answer", local(8))
    log(ticket, "reopen", local(9), reason="没有解决")
    make_ticket(personas.ent_a, personas.ent_a_user, unit=make_unit(), assigned_at=local(6), due_at=local(8))
    return ticket


def _without_percent(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_percent(item) for key, item in value.items() if key != "percent"}
    if isinstance(value, list):
        return [_without_percent(item) for item in value]
    return value


def _cells(workbook_bytes: bytes) -> list[list[tuple[Any, ...]]]:
    workbook = load_workbook(io.BytesIO(workbook_bytes))
    return [[tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook.worksheets]


class TestWeeklyReports:
    def test_build_list_read_and_download_as_the_pages_do(self, personas: Personas) -> None:
        _answered(personas)
        _xinzheng_ticket(personas)
        client = client_for(personas.tongxu_supervision)
        built = client.post(REPORTS, json.dumps({"week_end": "2024-05-10"}), content_type="application/json")
        assert built.status_code == 201, built.content
        report = WeeklyReport.objects.get()
        body = built.json()
        assert body["id"] == report.pk and body["region"]["code"] == "410222" and body["week_end"] == "2024-05-10"

        # The list: the page's rows, in its order.
        weekly_report_build(region("410222"), date(2024, 5, 3))
        listing = client.get("/requests/weekly/", {"region": "410222"})
        api_list = _get(client, REPORTS)
        assert [item["id"] for item in api_list["items"]] == [row.pk for row in listing.context["reports"]]
        assert [item["week_end"] for item in api_list["items"]] == ["2024-05-10", "2024-05-03"]
        assert api_list["count"] == 2

        # One report: the stored figures the page renders, with the page's percentages.
        page = client.get("/requests/weekly/410222/2024-05-10/")
        detail = _get(client, f"{REPORTS}/{report.pk}")
        stored = page.context["figures"]
        for key in ("filed", "complete", "totals", "by_unit", "by_region", "overdue", "escalated", "reopened"):
            assert _without_percent(detail["figures"][key]) == stored[key], key
        shown = {cell["key"]: cell["percent"] for cell in page.context["total_cells"]}
        assert {name: detail["figures"]["totals"][name]["percent"] for name in shown} == shown
        assert detail["figures"]["totals"]["on_time"]["denominator"] == 1  # 新郑市's answer is not counted
        assert [row["reason"] for row in detail["figures"]["reopened"]] == ["没有解决"]
        assert len(detail["figures"]["overdue"]) == 1
        assert detail["figures"]["complete"] is True and detail["figures"]["filed"] == 0

        # The workbook: the page's download, cell for cell, under the same name.
        page_xlsx = client.get("/requests/weekly/410222/2024-05-10.xlsx")
        api_xlsx = client.get(f"{REPORTS}/{report.pk}.xlsx")
        assert api_xlsx.status_code == 200
        assert api_xlsx["Content-Type"] == page_xlsx["Content-Type"]
        assert api_xlsx["Content-Disposition"] == page_xlsx["Content-Disposition"]
        assert _cells(api_xlsx.content) == _cells(page_xlsx.content)

    def test_a_city_reads_its_counties_reports_not_another_citys(self, personas: Personas) -> None:
        tongxu = weekly_report_build(region("410222"), FRIDAY, now=AFTER_THE_WEEK)
        xinzheng = weekly_report_build(region("410184"), FRIDAY, now=AFTER_THE_WEEK)
        kaifeng = client_for(personas.kaifeng_hq)
        assert kaifeng.get(f"{REPORTS}/{tongxu.pk}").status_code == 200
        assert _get(kaifeng, REPORTS, {"region": "410222"})["count"] == 1
        assert _get(kaifeng, REPORTS)["count"] == 0  # the list is the chosen region's own reports, as on the page
        for url in (f"{REPORTS}/{xinzheng.pk}", f"{REPORTS}/{xinzheng.pk}.xlsx"):
            assert kaifeng.get(url).status_code == 404
            assert client_for(personas.tongxu_hq).get(url).status_code == 404
            assert client_for(personas.xinzheng_hq).get(url).status_code == 200
        assert kaifeng.get(REPORTS, {"region": "410184"}).status_code == 404
        assert client_for(personas.tongxu_hq).get(f"{REPORTS}/{tongxu.pk + xinzheng.pk}").status_code == 404

    def test_roles(self, personas: Personas) -> None:
        report = weekly_report_build(region("410222"), FRIDAY, now=AFTER_THE_WEEK)
        body = json.dumps({"week_end": "2024-05-03"})
        for user in (personas.ent_a_user, personas.tongxu_industry, personas.tongxu_township):
            client = client_for(user)
            for url in (REPORTS, f"{REPORTS}/{report.pk}", f"{REPORTS}/{report.pk}.xlsx"):
                assert client.get(url).status_code == 403, (user, url)
            assert client.post(REPORTS, body, content_type="application/json").status_code == 403
        leader = client_for(personas.tongxu_leader)  # reads, does not build
        assert leader.get(f"{REPORTS}/{report.pk}").status_code == 200
        assert leader.post(REPORTS, body, content_type="application/json").status_code == 403
        assert WeeklyReport.objects.count() == 1
        admin = client_for(personas.admin)
        built = admin.post(
            REPORTS, json.dumps({"region": "410222", "week_end": "2024-05-03"}), content_type="application/json"
        )
        assert built.status_code == 201

    @pytest.mark.parametrize(
        ("week_end", "code"),
        [
            ("2024-05-09", "tickets.weekly_report.not_friday"),
            ("2099-12-25", "tickets.weekly_report.future"),
            ("1999-12-31", "tickets.period.day"),  # a Friday before the platform's days
            ("9999-12-31", "tickets.period.day"),  # a Friday, the calendar's last day
        ],
    )
    def test_refusals_name_the_week_end(self, personas: Personas, week_end: str, code: str) -> None:
        client = client_for(personas.tongxu_hq)
        response = client.post(REPORTS, json.dumps({"week_end": week_end}), content_type="application/json")
        assert response.status_code == 400
        assert (response.json()["code"], response.json()["field"]) == (code, "week_end")
        page = client.post("/requests/weekly/", {"week_end": week_end})
        assert page.status_code == 200 and page.context["form"].errors["week_end"]
        assert not WeeklyReport.objects.exists()

    def test_building_outside_the_subtree_is_not_found(self, personas: Personas) -> None:
        client = client_for(personas.tongxu_hq)
        body = json.dumps({"region": "410184", "week_end": "2024-05-10"})
        response = client.post(REPORTS, body, content_type="application/json")
        assert response.status_code == 404
        assert not WeeklyReport.objects.exists()
