"""Issue 9 #4: every navigation list page and every list or summary endpoint costs the same number of
queries with 1 enterprise's rows as with 4 (``tests/query_counts.py``), read by a user who sees them."""

import itertools
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import Personas, client_for, region, township_of
from sibao.core.navigation import navigation_items
from sibao.core.sectors import Sector
from sibao.core.summaries import refresh as refresh_summary
from sibao.emergency.models import Emergency, EmergencyHold
from sibao.emergency.services import inspection_plan, shutdown_propose
from sibao.enterprises.tests.factories import EnterpriseFactory
from sibao.epidemic.models import CodeColour
from sibao.health.models import ArrivalKind, CodeBasis, RiskLevel
from sibao.health.services import (
    arrival_register,
    arrival_sighted,
    daily_report_file,
    health_code_assign,
    risk_area_create,
)
from sibao.incidents.tests.factories import reported
from sibao.logistics import services as logistics
from sibao.logistics.summaries import refresh_checks
from sibao.logistics.tokens import sign_code
from sibao.notifications.services import notify
from sibao.operations.services import missing_report_sweep, operating_report_file
from sibao.operations.summaries import refresh as refresh_operating_summary
from sibao.organisation.models import DepartmentFunction, Membership, Person, Unit, UnitKind
from sibao.parameters.services import parameter_set
from sibao.readiness.services import drill_record, stock_report
from sibao.regions.models import Region
from sibao.retention.models import Purge, PurgeReason
from sibao.sentinel.tests.helpers import person, raised, whitelist
from sibao.tickets.models import Category, CommonIssue, RoutingRule, Urgency, WeeklyReport
from sibao.tickets.services import ticket_file
from sibao.tickets.tests.test_metrics import make_ticket, make_unit
from sibao.venues.models import VenueKind
from sibao.venues.tests.factories import VenueFactory
from sibao.whitelist.models import Listing
from sibao.whitelist.services import criteria_publish, criteria_save, removal_propose
from tests.query_counts import growing

pytestmark = pytest.mark.django_db
_serial = itertools.count(1)
RULE = {"label": "测试标准", "all": [{"field": "safety_compliant", "op": "is_true", "label": "达到安全生产标准"}]}


def grow(personas: Personas) -> Any:
    """Add, per call, one more enterprise of 通许县 with a row in every list: listed in a batch, an employee
    never tested (overdue, warned, coded, an incident), a request, a daily report, an arrival, a sighting,
    a venue, supplies, a drill, a removal proposal, a unit, a notification, a weekly report."""
    p = personas
    xianping = township_of("410222", "咸平街道")
    today = timezone.localdate()
    townships = list(Region.objects.filter(parent__code="410222", level="township").order_by("code"))

    # The province first: every reader is inside an emergency from the first measurement on (the banner then
    # reads the one covering them), so the figures compare lists, not a page with and without the banner.
    path = [*Region.objects.filter(code__in=["410000", "410200", "410222"]).order_by("code"), xianping]

    def emergency_rows(n: int, enterprise: Any) -> None:
        """Issue 12: a shutdown and an inspection waiting, an inspection at ent_a, an open emergency covering
        ent_a (one per level of its path from the province down, written directly: the switch refuses nested
        ones) and a past one."""
        now = timezone.now()
        shutdown_propose(
            actor=p.tongxu_township,
            enterprise=enterprise,
            cause="work_safety",
            date_from=today,
            date_to=today,
            scope="车间",
            reason=f"隐患整改{n}",
        )
        for firm, kind in ((enterprise, "product_quality"), (p.ent_a, "work_safety")):
            inspection_plan(
                actor=p.tongxu_township,
                enterprise=firm,
                kind=kind,
                item=f"检查{n}",
                department="县市场监管局",
                planned_on=today + timedelta(days=1),
            )
        fields = {"reason": "测试", "effective_at": now, "readiness_due_at": now, "declared_by": p.tongxu_hq}
        active = Emergency.objects.create(
            region=path[(n - 1) % len(path)], status="active", document_number=f"测试{n}号", declared_at=now, **fields
        )
        EmergencyHold.objects.create(  # not confirmed yet: on the region-wide "who has not" list
            emergency=active, enterprise=enterprise, prior_mode="none", applied_mode="full", held_at=now
        )
        ended = Emergency.objects.create(
            region=xianping, status="ended", document_number=f"旧{n}号", declared_at=now, ended_at=now, **fields
        )
        EmergencyHold.objects.create(
            emergency=ended, enterprise=p.ent_a, prior_mode="none", applied_mode="full", held_at=now, released_at=now
        )

    county_hq = county_hq_unit()

    def organisation_rows(n: int) -> None:
        """OR-2…OR-6: a township's HQ, a task force of the county with a member and no epidemic expert, a
        department without a policy consultant, and one more member of the county's HQ (its roster page)."""
        Unit.objects.create(region=townships[n % len(townships)], kind=UnitKind.HQ, name=f"乡镇指挥部{n}")
        task_force = Unit.objects.create(region=region("410222"), kind=UnitKind.TASK_FORCE, name=f"测试专班{n}")
        Membership.objects.create(unit=task_force, person=Person.objects.create(name=f"组员{n}"), role="member")
        Unit.objects.create(region=region("410222"), kind=UnitKind.DEPARTMENT, name=f"测试局{n}号")
        Membership.objects.create(unit=county_hq, person=Person.objects.create(name=f"成员{n}"), role="member")

    def add(count: int) -> None:
        for _ in range(count):
            n = next(_serial)
            enterprise = EnterpriseFactory(
                region=xianping, sector=Sector.INDUSTRY, name=f"通许县测试{n}号机械有限公司", employee_count=50 + n
            )
            whitelist(enterprise, p.tongxu_hq)
            emergency_rows(n, enterprise)
            employee = person(enterprise, f"41022219880101{n:03d}", admin=p.admin)
            raised(enterprise, f"test:{employee.pk}", employee=employee)
            health_code_assign(actor=None, employee=employee, colour=CodeColour.YELLOW, basis=CodeBasis.CLOSE_CONTACT)
            reported(p, employee)
            ticket_file(
                actor=p.tongxu_hq,
                enterprise=enterprise,
                data={"category": "raw_materials", "title": f"原料采购受阻{n}", "text": "外地钢厂停止发货。"},
            )
            unit = make_unit(name=f"测试局{n}")
            organisation_rows(n)
            parameter_set(actor=None, key="logistics.itinerary_days", region=region("410222"), value=7 + n)
            # Regions below with their own values (the parameters page counts them per rule).
            township = townships[n % len(townships)]
            parameter_set(actor=None, key="epidemic.retest_hours", region=township, value=5, state="emergency")
            make_ticket(
                enterprise,
                p.tongxu_hq,
                unit=unit,
                filed_at=timezone.now() - timedelta(days=2),
                assigned_at=timezone.now(),  # in this week's metrics (RQ-7)
                due_at=timezone.now() + timedelta(days=3),
            )
            CommonIssue.objects.create(region=region("410222"), title=f"共性问题{n}", unit=unit, created_by=p.tongxu_hq)
            RoutingRule.objects.create(
                region=region("410222"),
                category=Category.values[n % len(Category.values)],
                urgency=["", *Urgency.values][n // len(Category.values) % (len(Urgency.values) + 1)],
                department_function=DepartmentFunction.INDUSTRY_IT,
            )
            WeeklyReport.objects.create(
                region=region("410222"),
                week_end=date(2024, 5, 10) - timedelta(days=7 * n),
                figures={},
                generated_at=timezone.now(),
            )
            daily_report_file(actor=p.admin, enterprise=enterprise, day=today - timedelta(days=1), people_on_site=40)
            arrival_register(
                actor=p.admin,
                enterprise=enterprise,
                data={
                    "name": f"来访{n}",
                    "id_number": _id(f"41022219900301{n:03d}"),
                    "kind": ArrivalKind.VISITOR,
                    "origin_county": region("410184"),
                    "expected_date": today + timedelta(days=1),
                },
            )
            arrival_sighted(
                actor=None,
                enterprise=enterprise,
                id_number=_id(f"41022519900201{n:03d}"),
                name=f"到访{n}",
                seen_at=timezone.now(),
                source="门岗",
            )
            VenueFactory(enterprise=enterprise, kind=VenueKind.WORKSHOP)  # no entrance code: a gap
            stock_report(actor=p.admin, enterprise=enterprise, quantities={"masks": 1})
            drill_record(actor=p.admin, enterprise=enterprise, held_on=today)
            removal_propose(
                actor=p.tongxu_industry,
                listing=Listing.objects.get(enterprise=enterprise),
                reason="law",
                details="抽查发现未落实防控措施。",
            )
            operating_report_file(
                actor=p.tongxu_hq,
                enterprise=enterprise,
                day=today,
                values=_OPERATING | {"main_problem": f"原料短缺{n}"},
            )
            _grow_policies(p, n)
            township = townships[n % len(townships)]
            notify(topic="test", title=f"通知{n}", users=[p.tongxu_hq, p.tongxu_epidemic])
            Purge.objects.create(reason=PurgeReason.EMERGENCY_OVER, region=township, before=timezone.now())
            criteria = criteria_save(
                actor=p.admin, region=township, sector=Sector.INDUSTRY, title=f"{township.name}遴选标准", rule=RULE
            )
            criteria_publish(actor=p.admin, criteria=criteria)
            _logistics(p.admin, enterprise, n)
            operating_report_file(  # ent_a's own history grows by an earlier day
                actor=p.admin,
                enterprise=p.ent_a,
                day=today - timedelta(days=n),
                values=_OPERATING | {"status": "normal"},
            )
        missing_report_sweep(today - timedelta(days=1), timezone.now())  # each new firm missed yesterday
        refresh_operating_summary(timezone.now())
        refresh_summary("epidemic.overdue")  # the overdue page's per-enterprise table (issue 10)
        refresh_summary("sentinel.counts")  # the warning counts (issue 10)
        refresh_summary("tickets.daily_metrics")  # the request metrics (RQ-7)
        risk_area_create(
            actor=p.tongxu_epidemic,
            data={"county": region("410103"), "level": RiskLevel.MEDIUM, "valid_from": today, "area_name": "测试"},
        )
        refresh_checks(timezone.now() + timedelta(minutes=5))

    return add


_OPERATING = {
    "status": "reduced",
    "staff_on_site": 30,
    "staff_total": 50,
    "capacity_percent": 60,
    "raw_material_days": "4.5",
    "finished_goods_days": "2",
    "output_month": "120.5",
}


def _grow_policies(p: Personas, n: int) -> None:
    """PO-1…PO-5: one more published policy every 通许县 enterprise matches (ent_a's 我的政策 grows), one more
    reserve policy linked to the new common issue, the funnel summary rebuilt."""
    from sibao.core.summaries import refresh
    from sibao.policies.services import policy_create, policy_need_link
    from sibao.policies.tests.factories import published

    data = {
        "title": f"测试政策{n}",
        "issuing_body": "通许县人民政府",
        "level": "county",
        "category": "fiscal_award",
        "eligibility": {"all": [{"field": "livelihood", "op": "is_false", "label": "非民生商贸"}]},
        "formula": {"steps": [{"name": "x", "label": "补贴", "expr": f"{n} * 100"}], "amount": "x"},
    }
    published(p.tongxu_hq, data, at="410222")
    draft = policy_create(actor=p.tongxu_hq, data={**data, "title": f"储备政策{n}", "reserve": True})
    issue = CommonIssue.objects.get(title=f"共性问题{n}")
    policy_need_link(actor=p.tongxu_hq, common_issue=issue, policy=draft)
    refresh("policies.funnel")


def _logistics(admin: Any, enterprise: Any, n: int) -> None:
    """LG-1…LG-4: the enterprise's own truck, driver and approved pass, a checkpoint with a check, a transfer
    station and the enterprise's receiving point."""
    tongxu, today = region("410222"), timezone.localdate()
    vehicle = logistics.vehicle_register(actor=admin, enterprise=enterprise, plate=f"豫C{n:05d}")
    driver = logistics.driver_register(
        actor=admin,
        enterprise=enterprise,
        data={"name": f"司机{n}", "id_number": _id(f"41022219870101{n:03d}"), "health_code": "green"},
    )
    vehicle_pass = logistics.pass_apply(
        actor=admin,
        enterprise=enterprise,
        data={
            "vehicle": vehicle,
            "drivers": [driver],
            "served": [enterprise],
            "arrangement": "own",
            "route": "通许县—开封市区",
            "valid_from": today,
            "valid_until": today + timedelta(days=7),
        },
    )
    logistics.pass_decide(actor=admin, vehicle_pass=vehicle_pass, action="approve")
    checkpoint = logistics.checkpoint_save(
        actor=admin, data={"region": tongxu, "name": f"测试检查点{n}", "kind": "highway_exit"}
    )
    logistics.pass_check(
        actor=admin, checkpoint_id=checkpoint.pk, token=sign_code(vehicle_pass.code), driver_id=driver.pk
    )
    logistics.station_save(
        actor=admin,
        data={
            "region": tongxu,
            "kind": "transfer",
            "name": f"测试中转站{n}",
            "address": "通许县城关镇",
            "capacity": 100,
            "hours": "8:00–18:00",
            "latitude": "34.47",
            "longitude": "114.46",
        },
    )
    logistics.receiving_point_set(
        actor=admin,
        enterprise=enterprise,
        data={"location": "厂区东门外", "hours": "全天", "contact_name": "王强", "contact_phone": "13900000000"},
    )


def _id(body17: str) -> str:
    from sibao.epidemic.tests.test_employees import id_number

    return id_number(body17)


def county_hq_unit() -> Unit:
    unit, _created = Unit.objects.get_or_create(region=region("410222"), kind=UnitKind.HQ, name="通许县疫情防控指挥部")
    return unit


def targets(p: Personas) -> list[tuple[str, Client, str, dict[str, Any] | None]]:
    hq, epidemic, admin = client_for(p.tongxu_hq), client_for(p.tongxu_epidemic), client_for(p.admin)
    supervision = client_for(p.tongxu_supervision)
    # Navigation entries that are forms, not lists, and Django's own administration site, are not measured.
    pages = [(item.url_name, hq, reverse(item.url_name), None) for item in navigation_items() if item.is_list]
    by_name = {name: client for name, client, _url, _params in pages}
    for name in by_name:
        if name.startswith(("epidemic:", "sentinel:", "health:", "venues:", "incidents:", "readiness:")):
            by_name[name] = epidemic
    by_name["home"] = epidemic  # the HQ office's home is the command screen (issue 11), measured on its own
    by_name["emergency:notice"] = by_name["emergency:my_inspections"] = client_for(p.ent_a_user)
    by_name["core:audit_log"] = admin  # measured on one record type below: its names are read per model
    by_name["whitelist:criteria"] = client_for(p.tongxu_industry)
    by_name["tickets:weekly_reports"] = supervision
    by_name["tickets:metrics"] = supervision
    by_name["policies:mine"] = client_for(p.ent_a_user)
    by_name["logistics:check"] = admin  # the checkpoint's page lists the checkpoints in operation
    by_name["parameters:list"] = admin  # the province's rules, with a "set" link on each
    pages = [(name, by_name[name], url, params) for name, _client, url, params in pages]
    # The audit page reads related rows' names once per related model, so a page that newly holds another kind of
    # record costs one more query; per row it costs none, which one record type shows.
    pages = [
        (name, client, url, {"model": "enterprises.Enterprise"} if name == "core:audit_log" else params)
        for name, client, url, params in pages
    ]
    pages += [
        ("whitelist:removals", hq, reverse("whitelist:removals"), None),
        ("emergency:missing_confirmations", hq, reverse("emergency:missing_confirmations"), {"region": "410222"}),
        ("health:codes", epidemic, reverse("health:codes"), None),
        ("health:risk_areas", epidemic, reverse("health:risk_areas"), None),
        ("health:arrivals", epidemic, reverse("health:arrivals"), None),
        ("readiness:supplies", epidemic, reverse("readiness:supplies"), None),
        ("venues:all", epidemic, reverse("venues:index"), {"all": "1"}),
        ("notifications:inbox", hq, reverse("notifications:inbox"), None),
        ("public:whitelist", Client(), reverse("public:whitelist"), None),
        ("public:criteria", Client(), reverse("public:criteria"), None),
        # EN-3: yesterday nobody reported (today's reports are on the index page measured above).
        (
            "operations:missing",
            hq,
            reverse("operations:missing"),
            {"day": str(timezone.localdate() - timedelta(days=1))},
        ),
        ("operations:warnings", hq, reverse("operations:warnings"), None),
        ("operations:enterprise", client_for(p.ent_a_user), reverse("operations:index"), None),
        ("public_policies:list", Client(), reverse("public_policies:list"), None),
        ("policies:matches", hq, reverse("policies:matches"), None),
    ]
    api = [
        ("api enterprises", hq, "/api/enterprises", None),
        ("api criteria", hq, "/api/whitelist/criteria", None),
        ("api applications", hq, "/api/whitelist/applications", None),
        ("api batches", hq, "/api/whitelist/batches", None),
        ("api listings", hq, "/api/whitelist/listings", None),
        ("api coverage", hq, "/api/whitelist/coverage", None),
        ("api whitelist warnings", hq, "/api/whitelist/warnings", None),
        ("api removals", hq, "/api/whitelist/removals", None),
        ("api liaison gaps", hq, "/api/whitelist/liaison-gaps", None),
        ("api requests", hq, "/api/requests", None),
        ("api triage", hq, "/api/requests/triage", None),
        ("api common issues", hq, "/api/requests/common-issues", None),
        ("api routing rules", hq, "/api/requests/routing-rules", None),
        ("api employees", epidemic, "/api/employees", None),
        ("api overdue", epidemic, "/api/employees/overdue", None),
        ("api daily reports", epidemic, "/api/health/reports", None),
        ("api missing reports", epidemic, "/api/health/reports/missing", None),
        ("api risk areas", epidemic, "/api/health/risk-areas", None),
        ("api codes", epidemic, "/api/health/codes", None),
        ("api arrivals", epidemic, "/api/health/arrivals", None),
        ("api sightings", epidemic, "/api/health/sightings", None),
        ("api venues", epidemic, "/api/venues/venues", None),
        ("api venue gaps", epidemic, "/api/venues/gaps", None),
        ("api incidents", epidemic, "/api/incidents", None),
        ("api readiness ranking", epidemic, "/api/readiness/ranking", None),
        ("api readiness shortfalls", epidemic, "/api/readiness/shortfalls", None),
        ("api warnings", epidemic, "/api/warnings", None),
        ("api warning counts", epidemic, "/api/warnings/counts", None),
        ("api operating reports", hq, "/api/operations/reports", None),
        (
            "api operating missing",
            hq,
            "/api/operations/reports/missing",
            {"day": str(timezone.localdate() - timedelta(days=1))},
        ),
        ("api operating summary", hq, "/api/operations/summary", None),
        ("api operating warnings", hq, "/api/operations/warnings", None),
        ("api policies", hq, "/api/policies", None),
        ("api public policies", Client(), "/api/policies/public", None),
        ("api policy matches", hq, "/api/policies/matches", None),
        ("api policy funnel", hq, "/api/policies/funnel", None),
        ("api policy needs", hq, "/api/policies/needs", None),
        ("api retention preview", hq, "/api/retention/preview", None),
        ("api emergencies", hq, "/api/emergency/regions", None),
        ("api emergency notices", client_for(p.ent_a_user), "/api/emergency/notices", None),
        ("api shutdowns", hq, "/api/emergency/shutdowns", None),
        ("api unapproved halts", hq, "/api/emergency/halts", None),
        ("api inspections", hq, "/api/emergency/inspections", None),
        ("api vehicles", hq, "/api/logistics/vehicles", None),
        ("api drivers", hq, "/api/logistics/drivers", None),
        ("api passes", hq, "/api/logistics/passes", None),
        ("api checks", hq, "/api/logistics/checks", None),
        ("api check counts", hq, "/api/logistics/checks/counts", None),
        ("api checkpoints", hq, "/api/logistics/checkpoints", None),
        ("api stations", hq, "/api/logistics/stations", None),
        ("api station map", hq, "/api/logistics/stations/map", None),
        ("api receiving points", hq, "/api/logistics/receiving-points", None),
        ("api organisation regions", hq, "/api/organisation/regions", None),
        ("api organisation structure", hq, "/api/organisation/structure", {"region": "410222"}),
        ("api task forces without expert", hq, "/api/organisation/task-forces-without-expert", None),
        ("api departments without consultant", hq, "/api/organisation/departments-without-consultant", None),
        ("organisation unit roster", hq, f"/organisation/units/{county_hq_unit().pk}/", None),
        ("api organisation unit", hq, f"/api/organisation/units/{county_hq_unit().pk}", None),
        ("api notifications", hq, "/api/notifications", None),
        ("api audit log", admin, "/api/audit", None),
        ("api public listings", Client(), "/api/whitelist/public/listings", None),
        ("api public criteria", Client(), "/api/whitelist/public/criteria", None),
        ("api parameters", hq, "/api/parameters", None),
        ("api request metrics", hq, "/api/requests/metrics", None),
        ("api weekly reports", hq, "/api/requests/weekly-reports", None),
        ("api command screen", hq, "/api/screen", None),
    ]
    return pages + api


def test_no_list_costs_a_query_per_row(personas: Personas) -> None:
    problems = growing(targets(personas), grow(personas))
    assert not problems, "\n".join(problems)


def test_every_list_endpoint_and_navigation_page_is_measured(personas: Personas) -> None:
    """A new list endpoint or menu page joins the measurement above (or this test names it)."""
    from sibao.api import api

    measured = {url for _name, _client, url, _params in targets(personas)}
    schema = api.get_openapi_schema()
    endpoints = {
        path
        for path, operations in schema["paths"].items()
        if "get" in operations and "{" not in path and not path.endswith((".xlsx", ".csv", ".json"))
    }
    assert endpoints - measured == set()
    pages = {reverse(item.url_name) for item in navigation_items() if item.is_list}
    assert pages - measured == set()
