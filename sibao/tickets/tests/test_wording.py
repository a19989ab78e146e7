"""Issue 9 #8, what a new user tripped on in the requests: who must act next (not the department that has
already answered), unit names said once in metrics and weekly reports, and the list's title."""

import importlib
import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.urls import reverse

from conftest import Personas, client_for, region
from sibao.organisation.models import Unit
from sibao.tickets.metrics import Period, metrics_by_unit, unit_label
from sibao.tickets.models import Outcome, Satisfaction, TicketState, WeeklyReport
from sibao.tickets.next_step import Party, next_step
from sibao.tickets.reports import weekly_report_build
from sibao.tickets.services import (
    common_issue_create,
    ticket_answer,
    ticket_assign,
    ticket_rate,
    ticket_request_info,
    ticket_respond,
    ticket_verify,
)
from sibao.tickets.tests.test_services import World, file, fresh, w  # noqa: F401 (w is a fixture)

pytestmark = pytest.mark.django_db
S = TicketState
CST = ZoneInfo("Asia/Shanghai")


def _party_on_pages(user: Any, ticket: Any) -> tuple[str, str]:
    client = client_for(user)
    detail = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    listing = client.get(reverse("tickets:list")).content.decode()
    return detail, listing


def _next_party(page: str) -> str:
    match = re.search(r'data-testid="next-party" data-party="(\w+)">([^<]*)<', page)
    assert match is not None
    return f"{match.group(1)}:{match.group(2)}"


def test_next_to_act_follows_the_loop_to_the_enterprise_supervision_and_hq(w: World) -> None:  # noqa: F811
    p = w.p
    ticket = file(w)
    assert next_step(ticket).party == Party.HQ_OFFICE  # type: ignore[union-attr]
    ticket = ticket_assign(actor=p.tongxu_hq, ticket=ticket)
    step = next_step(fresh(ticket))
    assert step is not None and step.party == Party.UNIT and step.who == "通许县科工局"
    ticket = ticket_respond(actor=p.tongxu_industry, ticket=ticket, text="已受理")
    ticket = ticket_request_info(actor=p.tongxu_industry, ticket=ticket, question="请提供合同")
    assert next_step(fresh(ticket)).party == Party.ENTERPRISE  # type: ignore[union-attr]
    ticket = fresh(ticket)
    ticket.state = S.IN_PROGRESS
    ticket.save(update_fields=["state"])
    ticket = ticket_answer(actor=p.tongxu_industry, ticket=ticket, outcome=Outcome.RESOLVED, reply="已协调")

    # Answered: the department is done, the enterprise must rate — on the detail page and in the list.
    step = next_step(fresh(ticket), p.tongxu_hq)
    assert step is not None and step.party == Party.ENTERPRISE and p.ent_a.name in step.who
    detail, listing = _party_on_pages(p.tongxu_hq, ticket)
    assert _next_party(detail) == f"enterprise:{p.ent_a.name}（企业）" and "评价答复" in detail
    assert _next_party(listing).startswith("enterprise:")
    own, _listing = _party_on_pages(p.ent_a_user, ticket)
    assert _next_party(own) == "enterprise:我单位"

    ticket = ticket_rate(actor=p.ent_a_user, ticket=ticket, satisfaction=Satisfaction.SATISFIED, score=5)
    step = next_step(fresh(ticket))
    assert step is not None and step.party == Party.SUPERVISION and "督办督查" in step.who
    detail, _listing = _party_on_pages(p.tongxu_supervision, ticket)
    assert "督办督查专班" in _next_party(detail) and "通许县科工局" not in _next_party(detail)

    ticket = ticket_verify(actor=p.tongxu_supervision, ticket=ticket, verification="电话回访")
    step = next_step(fresh(ticket))
    assert step is not None and step.party == Party.SUPERVISION and "指挥部办公室" in step.who
    assert "销号" in step.action


def test_a_linked_request_waits_for_the_policy_department(w: World) -> None:  # noqa: F811
    ticket, other = file(w), file(w, title="钢材断供")
    common_issue_create(actor=w.p.tongxu_hq, title="钢材供应", description="", unit=w.commerce, tickets=[ticket, other])
    step = next_step(fresh(ticket))
    assert step is not None and step.party == Party.POLICY_DEPARTMENT and step.who == "通许县商务局"


def test_unit_names_say_the_county_once(w: World) -> None:  # noqa: F811
    assert unit_label(w.industry) == "通许县科工局"
    bare = Unit.objects.create(region=region("410222"), kind="department", function="finance", name="财政局")
    assert unit_label(bare) == "通许县财政局"
    ticket = ticket_answer(
        actor=w.p.tongxu_industry,
        ticket=ticket_respond(actor=w.p.tongxu_industry, ticket=ticket_assign(actor=w.p.tongxu_hq, ticket=file(w))),
        outcome=Outcome.RESOLVED,
        reply="已协调",
    )
    answered = fresh(ticket).answered_at
    period = Period.days(answered.astimezone(CST).date(), answered.astimezone(CST).date())
    rows = metrics_by_unit(fresh(ticket).__class__.objects.all(), period)
    assert [row.name for row in rows] == ["通许县科工局"]
    page = client_for(w.p.tongxu_hq).get(reverse("tickets:metrics")).content.decode()
    assert "通许县通许县" not in page and "通许县科工局" in page


def test_weekly_report_names_units_once_and_old_reports_are_repaired(w: World) -> None:  # noqa: F811
    ticket = ticket_answer(
        actor=w.p.tongxu_industry,
        ticket=ticket_respond(actor=w.p.tongxu_industry, ticket=ticket_assign(actor=w.p.tongxu_hq, ticket=file(w))),
        outcome=Outcome.RESOLVED,
        reply="已协调",
    )
    day = fresh(ticket).answered_at.astimezone(CST).date()
    friday = day + timedelta(days=(4 - day.weekday()) % 7)
    report = weekly_report_build(region("410222"), friday, now=datetime.now(CST))
    assert [row["name"] for row in report.figures["by_unit"]] == ["通许县科工局"]
    page = client_for(w.p.tongxu_hq).get(f"/requests/weekly/410222/{friday.isoformat()}/").content.decode()
    assert "通许县通许县" not in page

    # A report stored before the fix is repaired by the data migration's function.
    migration = importlib.import_module("sibao.tickets.migrations.0002_weekly_report_unit_names")
    report.figures["by_unit"][0]["name"] = "通许县通许县科工局"
    report.save()
    migration.dedupe_unit_names(apps, None)
    assert WeeklyReport.objects.get(pk=report.pk).figures["by_unit"][0]["name"] == "通许县科工局"


def test_the_province_list_is_titled_by_its_region_not_its_office(personas: Personas) -> None:
    office = Unit.objects.create(
        region=region("410000"), kind="hq_office", name="河南省常态化疫情防控下经济运行调度机制指挥部办公室"
    )
    personas.henan_hq.unit = office
    personas.henan_hq.save(update_fields=["unit"])
    page = client_for(personas.henan_hq).get(reverse("tickets:list")).content.decode()
    title = page.split("<h1", 1)[1].split("</h1>", 1)[0]
    assert "河南省" in title and "指挥部办公室" not in title
    department_user = personas.tongxu_industry
    department_user.unit = Unit.objects.create(region=region("410222"), kind="department", name="通许县科工局")
    department_user.save(update_fields=["unit"])
    page = client_for(department_user).get(reverse("tickets:list")).content.decode()
    assert "通许县科工局" in page.split("<h1", 1)[1].split("</h1>", 1)[0]
