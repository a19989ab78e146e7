"""EM-4 shutdowns approved by both HQ offices (at most the parameter's days) and EM-5 inspections that need the
HQ office's approval unless epidemic, work-safety or customs."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import Personas
from sibao.core.errors import PermissionRefused, ServiceError, StateRefused
from sibao.emergency import selectors, services
from sibao.emergency.models import InspectionState, Shutdown, ShutdownState
from sibao.emergency.tests.factories import listed
from sibao.enterprises.services import enterprise_update
from sibao.notifications.models import Notification
from sibao.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def propose(personas: Personas, days: int, start_in: int = 0) -> Shutdown:
    start = timezone.localdate() + timedelta(days=start_in)
    return services.shutdown_propose(
        actor=personas.tongxu_township,
        enterprise=personas.ent_a,
        cause="work_safety",
        date_from=start,
        date_to=start + timedelta(days=days - 1),
        scope="2号车间",
        reason="锅炉压力容器隐患整改",
    )


def test_a_four_day_shutdown_is_refused_naming_the_end_date(personas: Personas) -> None:
    with pytest.raises(ServiceError) as refused:
        propose(personas, 4)
    assert refused.value.field == "date_to" and "3" in refused.value.message
    assert propose(personas, 3).days == 3


def test_a_shutdown_takes_effect_only_with_both_offices(personas: Personas) -> None:
    today = timezone.localdate()
    shutdown = propose(personas, 2)
    shutdown = services.shutdown_act(actor=personas.tongxu_hq, shutdown=shutdown, action="approve", reason="同意")
    assert shutdown.state == ShutdownState.ECONOMIC_APPROVED
    assert not selectors.shutdown_is_in_force(shutdown, today)
    with pytest.raises(StateRefused):  # the economic office has decided already
        services.shutdown_act(actor=personas.tongxu_hq, shutdown=shutdown, action="approve", reason="再次同意")
    shutdown = services.shutdown_act(
        actor=personas.tongxu_epidemic_hq, shutdown=shutdown, action="approve", reason="同意"
    )
    assert shutdown.state == ShutdownState.APPROVED and selectors.shutdown_is_in_force(shutdown, today)
    assert Notification.objects.filter(topic="emergency.shutdown_decided", enterprise=personas.ent_a).exists()


def test_either_office_refuses_with_a_reason_and_others_do_not_decide(personas: Personas) -> None:
    shutdown = propose(personas, 1)
    with pytest.raises(PermissionRefused):  # another county's office
        services.shutdown_act(actor=personas.xinzheng_hq, shutdown=shutdown, action="approve", reason="同意")
    with pytest.raises(ServiceError) as no_reason:
        services.shutdown_act(actor=personas.tongxu_epidemic_hq, shutdown=shutdown, action="refuse", reason=" ")
    assert no_reason.value.field == "reason"
    refused = services.shutdown_act(
        actor=personas.tongxu_epidemic_hq, shutdown=shutdown, action="refuse", reason="可分区生产，不必停产"
    )
    assert refused.state == ShutdownState.REFUSED and refused.epidemic_reason == "可分区生产，不必停产"


def test_an_approved_shutdown_past_its_end_without_reopening_is_warned_once(personas: Personas) -> None:
    shutdown = propose(personas, 1)
    for office in (personas.tongxu_hq, personas.tongxu_epidemic_hq):
        shutdown = services.shutdown_act(actor=office, shutdown=shutdown, action="approve", reason="同意")
    later = timezone.now() + timedelta(days=2)
    assert services.emergency_sweep(now=later)["shutdowns_warned"] == 1
    assert services.emergency_sweep(now=later)["shutdowns_warned"] == 0
    assert Shutdown.objects.filter(selectors.shutdown_overdue_q(timezone.localdate(later))).count() == 1
    services.shutdown_act(actor=personas.tongxu_township, shutdown=shutdown, action="reopen", reason="已复产")
    assert Shutdown.objects.filter(selectors.shutdown_overdue_q(timezone.localdate(later))).count() == 0


def test_no_service_stops_a_whitelist_enterprise_outside_the_process(personas: Personas) -> None:
    listed(personas.ent_a, personas.tongxu_hq)
    with pytest.raises(ValidationError) as refused:
        enterprise_update(actor=personas.admin, enterprise=personas.ent_a, data={"operating_status": "suspended"})
    assert "operating_status" in refused.value.message_dict
    # A firm not on the whitelist is not protected by EM-4.
    enterprise_update(actor=personas.admin, enterprise=personas.ent_b, data={"operating_status": "suspended"})


def plan(personas: Personas, kind: str) -> object:
    return services.inspection_plan(
        actor=personas.tongxu_township,
        enterprise=personas.ent_a,
        kind=kind,
        item="产品质量抽检",
        department="县市场监管局",
        planned_on=timezone.localdate() + timedelta(days=2),
    )


def test_an_unapproved_non_exempt_inspection_is_refused(personas: Personas) -> None:
    inspection = plan(personas, "product_quality")
    assert inspection.state == InspectionState.PENDING  # type: ignore[attr-defined]
    with pytest.raises(StateRefused) as refused:
        services.inspection_act(actor=personas.tongxu_township, inspection=inspection, action="carry_out")  # type: ignore[arg-type]
    assert refused.value.code == "emergency.inspection.not_approved"
    approved = services.inspection_act(actor=personas.tongxu_hq, inspection=inspection, action="approve", reason="同意")  # type: ignore[arg-type]
    assert approved.state == InspectionState.APPROVED
    done = services.inspection_act(
        actor=personas.tongxu_township, inspection=approved, action="carry_out", reason="无问题"
    )
    assert done.state == InspectionState.DONE


def test_exempt_inspections_are_recorded_and_the_enterprise_reports_an_unapproved_one(personas: Personas) -> None:
    assert plan(personas, "work_safety").state == InspectionState.RECORDED  # type: ignore[attr-defined]
    ticket = services.inspection_report_unapproved(
        actor=personas.ent_a_user, enterprise=personas.ent_a, department="县市场监管局", day=None
    )
    assert Ticket.objects.filter(pk=ticket.pk, enterprise=personas.ent_a).exists()
