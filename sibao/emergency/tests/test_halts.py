"""EM-4 (000#七.3, 001#六.3, 003#四.4): no one shuts or limits a whitelist enterprise without an approved
shutdown — a whitelisted firm reporting production halted or reduced with no shutdown of both HQs in force that
day is listed for the HQ office (page, API, workbench), the halt first; one waiting for approval is marked;
other counties' firms are not seen."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import Personas, client_for
from sibao.core.errors import ServiceError
from sibao.emergency import selectors, services
from sibao.emergency.models import Shutdown
from sibao.emergency.tests.factories import whitelist
from sibao.emergency.tests.test_approvals import propose
from sibao.enterprises.models import Enterprise
from sibao.operations.models import OperatingReport
from sibao.operations.tests.factories import filed

pytestmark = pytest.mark.django_db


def _listed(personas: Personas, day: object = None) -> list[int]:
    day = day or timezone.localdate()
    return [report.enterprise_id for report in selectors.unapproved_halts(user=personas.tongxu_hq, day=day)]


def test_a_listed_firm_halting_without_an_approved_shutdown_is_listed(personas: Personas) -> None:
    firms = whitelist(personas)
    hq = personas.tongxu_hq
    filed(
        hq, firms["a"], status="reduced", capacity_percent=40, problem_category="raw_materials", main_problem="缺钢材"
    )
    filed(hq, firms["b"], status="halted", capacity_percent=0, staff_on_site=0)
    filed(hq, firms["closed"], status="closed_loop")  # closed-loop production is production
    filed(hq, firms["unlisted"], status="halted", capacity_percent=0, staff_on_site=0)  # not on the whitelist
    filed(personas.xinzheng_hq, firms["xinzheng"], status="halted", capacity_percent=0, staff_on_site=0)  # elsewhere
    assert _listed(personas) == [firms["b"].pk, firms["a"].pk]  # halted before reduced
    assert _listed(personas, timezone.localdate() - timedelta(days=1)) == []  # yesterday's reports: none


def test_an_approved_shutdown_in_force_takes_the_firm_off_and_a_waiting_one_is_marked(personas: Personas) -> None:
    firms = whitelist(personas)
    filed(personas.tongxu_hq, firms["a"], status="halted", capacity_percent=0, staff_on_site=0)
    shutdown = propose(personas, 2)
    waiting = selectors.unapproved_halts(user=personas.tongxu_hq, day=timezone.localdate()).get()
    assert waiting.waiting_shutdown  # proposed, not approved: the halt ran ahead of the approval
    services.shutdown_act(actor=personas.tongxu_hq, shutdown=shutdown, action="approve", reason="同意")
    assert _listed(personas) == [firms["a"].pk]  # one approval is not enough
    services.shutdown_act(actor=personas.tongxu_epidemic_hq, shutdown=shutdown, action="approve", reason="同意")
    assert _listed(personas) == []


def test_page_api_and_workbench_agree_and_each_county_sees_its_own(personas: Personas) -> None:
    firms = whitelist(personas)
    filed(personas.tongxu_hq, firms["a"], status="reduced", capacity_percent=30, main_problem="订单减少")
    filed(personas.xinzheng_hq, firms["xinzheng"], status="halted", capacity_percent=0, staff_on_site=0)

    page = client_for(personas.tongxu_hq).get("/emergency/halts/").content.decode()
    assert firms["a"].name in page and firms["xinzheng"].name not in page and "订单减少" in page
    assert "未提出停产申请" in page
    rows = client_for(personas.tongxu_hq).get("/api/emergency/halts").json()["items"]
    assert [(row["enterprise"]["id"], row["status"], row["waiting_shutdown"]) for row in rows] == [
        (firms["a"].pk, "reduced", False)
    ]
    assert [
        row["enterprise"]["id"] for row in client_for(personas.xinzheng_hq).get("/api/emergency/halts").json()["items"]
    ] == [firms["xinzheng"].pk]
    workbench = client_for(personas.tongxu_hq).get("/workbench/").content.decode()
    assert 'data-work="emergency.halts" data-count="1"' in workbench
    assert client_for(personas.ent_a_user).get("/emergency/halts/").status_code == 403
    assert client_for(personas.ent_a_user).get("/api/emergency/halts").status_code == 403


def _limit(personas: Personas, enterprise: Enterprise, percent: int) -> Shutdown:
    today = timezone.localdate()
    return services.shutdown_propose(
        actor=personas.tongxu_township,
        enterprise=enterprise,
        cause="environment",
        date_from=today,
        date_to=today,
        scope="全厂",
        reason="重污染天气应急减排",
        capacity_limit=percent,
    )


def test_an_approved_limit_covers_a_reduction_but_not_a_halt(personas: Personas) -> None:
    """限产 (003#四.4 确需限产停产的应逐级报请批准): a limit to a share of capacity goes through both HQs like a
    shutdown; once approved, the firm reporting reduced production is not listed, one reporting a halt still is."""
    firms = whitelist(personas)
    limit = _limit(personas, firms["a"], 70)
    services.shutdown_act(actor=personas.tongxu_hq, shutdown=limit, action="approve", reason="同意")
    services.shutdown_act(actor=personas.tongxu_epidemic_hq, shutdown=limit, action="approve", reason="同意")
    report = filed(personas.tongxu_hq, firms["a"], status="reduced", capacity_percent=65)
    assert _listed(personas) == []
    OperatingReport.objects.filter(pk=report.pk).update(status="halted", capacity_percent=0, staff_on_site=0)
    assert _listed(personas) == [firms["a"].pk]
    page = client_for(personas.tongxu_hq).get(f"/emergency/shutdowns/{limit.pk}/").content.decode()
    assert "限产至 70%" in page
    with pytest.raises(ServiceError) as refused:
        _limit(personas, firms["a"], 100)
    assert refused.value.field == "capacity_limit"


def test_stopping_a_listed_firm_through_the_registry_is_refused_as_a_state(personas: Personas) -> None:
    """EM-4: the registry does not stop a whitelist enterprise; the API says it is the firm's state (409), not a
    bad value, and names the field."""
    whitelist(personas)
    answer = client_for(personas.tongxu_hq).patch(
        f"/api/enterprises/{personas.ent_a.pk}", {"operating_status": "suspended"}, content_type="application/json"
    )
    assert answer.status_code == 409 and answer.json()["field"] == "operating_status"
    assert "两个指挥部" in answer.json()["message"]
