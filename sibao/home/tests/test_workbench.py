"""Issue 11 #4: the "待我处理" workbench — what waits for each role, each count equal to the rows of the list it
links to, in scope, at a number of queries that does not grow with the data."""

import itertools
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import Personas, client_for, region
from sibao.emergency.models import ShutdownCause
from sibao.emergency.services import shutdown_propose
from sibao.enterprises.tests.factories import EnterpriseFactory
from sibao.incidents.tests.factories import person as incident_person
from sibao.incidents.tests.factories import reported
from sibao.operations.services import missing_report_sweep
from sibao.operations.tests.factories import filed
from sibao.sentinel.tests.helpers import raised, whitelist
from sibao.tickets.models import CommonIssue, TicketState
from sibao.tickets.tests.test_metrics import make_ticket, make_unit
from sibao.whitelist.models import Application, ApplicationState
from tests.query_counts import growing

pytestmark = pytest.mark.django_db
_serial = itertools.count(1)


def rows_shown(response: Any) -> int:
    """The number of rows the list page shows (all of them, whatever its pagination); an enterprise's own daily
    report page counts one when today's report is missing (its firms are listed in these tests)."""
    context = response.context
    if "today_report" in context and "missing_count" not in context:
        return 0 if context["today_report"] else 1
    for key, count in (
        ("missing_count", lambda value: value),
        # The batches page: applications awaiting publication (its "page" is of published batches).
        ("awaiting_count", lambda value: value),
        ("page", lambda value: value.paginator.count),
        ("pending", len),
        ("awaiting", lambda value: value.count()),
        ("rows", len),
    ):
        if key in context:
            return int(count(context[key]))
    raise AssertionError(f"no list in {response.templates[0].name}")


def work_on_page(client: Client) -> dict[str, tuple[int, str]]:
    response = client.get("/workbench/")
    assert response.status_code == 200
    return {entry.item.key: (entry.count, entry.url) for entry in response.context["work"]}


def a_bit_of_everything(p: Personas) -> None:
    """Per 通许县 persona something waits; 新郑市 has the same, which no 通许县 persona may count."""
    unit = make_unit(name="通许县工业和信息化局")
    p.tongxu_industry.unit = unit
    p.tongxu_industry.save(update_fields=["unit"])
    for enterprise in (p.ent_a, p.ent_b, p.ent_xinzheng):
        whitelist(enterprise, p.henan_hq)
        # Requests: one to assign, one the unit must answer, one the enterprise must rate, one to verify.
        make_ticket(enterprise, p.tongxu_hq, state=TicketState.SUBMITTED)
        if enterprise != p.ent_xinzheng:  # 通许县's department answers 通许县's requests
            answering = make_ticket(enterprise, p.tongxu_hq, unit=unit, due_at=timezone.now() + timedelta(days=2))
            answering.units_involved.add(unit)
        make_ticket(enterprise, p.tongxu_hq, state=TicketState.ANSWERED)
        make_ticket(enterprise, p.tongxu_hq, state=TicketState.RATED)
        raised(enterprise, f"test:{enterprise.pk}")
        Application.objects.create(
            enterprise=EnterpriseFactory(region=enterprise.region, sector=enterprise.sector),
            sector=enterprise.sector,
            service_level="county",
            state=ApplicationState.SUBMITTED,
            created_by=p.tongxu_hq,
        )
    CommonIssue.objects.create(region=region("410222"), title="原料运输受阻", unit=unit, created_by=p.tongxu_hq)
    employee = incident_person(p, "41022219850101011", "张三", p.ent_a)
    incident = reported(p, employee)
    today = timezone.localdate()
    shutdown_propose(
        actor=p.tongxu_epidemic,
        enterprise=incident.enterprise,
        cause=ShutdownCause.EPIDEMIC_CASE,
        incident=incident,
        date_from=today,
        date_to=today,
        scope="二号车间",
        reason="消杀",
    )
    missing_report_sweep(today - timedelta(days=1), timezone.now())
    # EM-4: a listed firm in each county halted without an approved shutdown.
    filed(p.tongxu_hq, p.ent_b, status="halted", capacity_percent=0, staff_on_site=0)
    filed(p.xinzheng_hq, p.ent_xinzheng, status="reduced", capacity_percent=50)


@pytest.mark.parametrize(
    "persona",
    [
        "ent_a_user",
        "tongxu_township",
        "tongxu_industry",
        "tongxu_hq",
        "tongxu_epidemic",
        "tongxu_supervision",
        "admin",
    ],
)
def test_every_count_equals_the_rows_of_its_list(personas: Personas, persona: str) -> None:
    a_bit_of_everything(personas)
    client = client_for(getattr(personas, persona))
    work = work_on_page(client)
    assert work, persona
    for key, (count, url) in work.items():
        assert rows_shown(client.get(url)) == count, (persona, key, url)
    assert any(count for count, _url in work.values()), f"{persona}: nothing waits, so nothing was compared"


def test_what_waits_for_whom(personas: Personas) -> None:
    a_bit_of_everything(personas)
    p = personas
    enterprise = work_on_page(client_for(p.ent_a_user))
    assert enterprise["tickets.to_rate"][0] == 1  # its own answered request, not 新郑's
    assert enterprise["operations.not_reported"][0] == 1  # itself, listed and without today's report
    assert enterprise["sentinel.to_take"][0] == 1
    assert "tickets.to_assign" not in enterprise and "whitelist.to_decide" not in enterprise
    hq = work_on_page(client_for(p.tongxu_hq))
    assert hq["tickets.to_assign"][0] == 2  # 通许县's two firms, not 新郑市's
    assert hq["emergency.shutdowns"][0] == 1  # proposed, waiting for the HQ office's decision
    assert hq["operations.not_reported"][0] == 1 and hq["operations.warnings"][0] == 2  # ent_b has reported
    assert hq["emergency.halts"][0] == 1  # ent_b halted without an approved shutdown; 新郑市's is not 通许县's
    industry = work_on_page(client_for(p.tongxu_industry))
    assert industry["tickets.to_answer"][0] == 2  # what its unit holds
    assert industry["whitelist.to_decide"][0] == 1  # its sector only: industry, not ent_b's commerce
    assert work_on_page(client_for(p.tongxu_supervision))["tickets.to_verify"][0] == 2
    xinzheng = work_on_page(client_for(p.xinzheng_hq))
    assert xinzheng["tickets.to_assign"][0] == 0  # held by 通许县 in the fixture
    assert xinzheng["emergency.halts"][0] == 1


def test_home_sends_to_the_workbench_and_strangers_to_the_login(personas: Personas) -> None:
    assert client_for(personas.tongxu_township).get("/")["Location"] == "/workbench/"
    anonymous = Client().get("/workbench/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_the_workbench_costs_the_same_queries_with_more_waiting(personas: Personas) -> None:
    p = personas
    unit = make_unit(name="通许县工业和信息化局")
    p.tongxu_industry.unit = unit
    p.tongxu_industry.save(update_fields=["unit"])

    def add(count: int) -> None:
        for _ in range(count):
            n = next(_serial)
            enterprise = EnterpriseFactory(region=p.ent_a.region, sector=p.ent_a.sector, name=f"待办测试{n}号公司")
            whitelist(enterprise, p.tongxu_hq)
            make_ticket(enterprise, p.tongxu_hq, state=TicketState.SUBMITTED)
            held = make_ticket(enterprise, p.tongxu_hq, unit=unit, due_at=timezone.now() + timedelta(days=2))
            held.units_involved.add(unit)
            raised(enterprise, f"test:{enterprise.pk}")

    targets = [
        (name, client_for(getattr(p, name)), "/workbench/", None)
        for name in ("tongxu_hq", "tongxu_industry", "tongxu_township")
    ]
    problems = growing(targets, add)
    assert not problems, "\n".join(problems)
