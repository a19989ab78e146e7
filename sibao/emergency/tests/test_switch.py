"""EM-1/EM-2/EM-3: the one-key switch moves exactly the whitelist enterprises of the subtree, tells each, asks
each to confirm readiness, and switching back gives each its own previous mode; parameters follow the state."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import Personas, region
from sibao.core.errors import PermissionRefused, StateRefused
from sibao.core.models import TransitionLog
from sibao.emergency import selectors, services
from sibao.emergency.models import Emergency, EmergencyHold, EmergencyStatus, RegionStateChange
from sibao.emergency.tests.factories import whitelist
from sibao.enterprises.models import Enterprise
from sibao.epidemic.models import Employee
from sibao.epidemic.overdue import overdue_employee_list
from sibao.epidemic.services import employee_create
from sibao.health.tests.factories import id_number
from sibao.notifications.models import Notification
from sibao.regions.models import RegionState

pytestmark = pytest.mark.django_db


def mode(enterprise: Enterprise) -> str:
    return Enterprise.objects.values_list("closed_loop_mode", flat=True).get(pk=enterprise.pk)


def switch(personas: Personas, **kw: object) -> Emergency:
    return services.emergency_switch(
        actor=personas.tongxu_hq,
        region=region("410222"),
        reason="发现本土阳性病例，全县进入应急状态",
        document_number="通防指〔2022〕3号",
        **kw,  # type: ignore[arg-type]
    )


def test_the_switch_moves_exactly_the_subtrees_whitelist_and_switching_back_restores_each(
    personas: Personas,
) -> None:
    firms = whitelist(personas)
    preview = selectors.switch_preview(region("410222"))
    assert preview.as_counts() == {
        "enterprises": 3,
        "employees": 0,
        "to_full": 1,  # ent_a (两点一线 of its own) → full
        "to_two_point": 1,  # ent_b (commerce) → 两点一线
        "already_closed": 1,
    }
    emergency = switch(personas)
    assert emergency.status == EmergencyStatus.ACTIVE and emergency.enterprises_switched == 3
    assert {f: mode(e) for f, e in firms.items()} == {
        "a": "full",
        "b": "two_point",
        "closed": "full",
        "unlisted": "none",  # not on the whitelist
        "xinzheng": "none",  # another county
    }
    # Each switched firm is told once, nobody else.
    told = Notification.objects.filter(topic="emergency.switched")
    assert sorted(told.values_list("enterprise_id", flat=True)) == sorted(
        [firms["a"].pk, firms["b"].pk, firms["closed"].pk]
    )
    # One audit entry for the switch with its counts; the change of state recorded with who, why, which document.
    change = RegionStateChange.objects.get(emergency=emergency)
    assert (change.actor, change.document_number, change.to_state) == (
        personas.tongxu_hq,
        "通防指〔2022〕3号",
        RegionState.EMERGENCY,
    )
    logged = TransitionLog.objects.filter(workflow="emergency.emergency", object_id=emergency.pk, action="create")
    assert [entry.data["enterprises"] for entry in logged] == [3]
    # A township inherits its county's emergency.
    assert selectors.region_state(personas.ent_a.region).state == RegionState.EMERGENCY
    assert selectors.region_state(personas.ent_xinzheng.region).state == RegionState.NORMAL

    services.emergency_switch_back(
        actor=personas.tongxu_hq, emergency=emergency, reason="疫情得到控制", document_number="通防指〔2022〕9号"
    )
    assert {f: mode(e) for f, e in firms.items()} == {
        "a": "two_point",  # its own choice comes back, not "none"
        "b": "none",
        "closed": "full",
        "unlisted": "none",
        "xinzheng": "none",
    }
    assert not EmergencyHold.objects.filter(released_at__isnull=True).exists()
    assert selectors.region_state(region("410222")).state == RegionState.NORMAL


def test_readiness_confirmations_and_who_has_not(personas: Personas) -> None:
    firms = whitelist(personas)
    emergency = switch(personas)
    assert emergency.readiness_due_at - emergency.declared_at == timedelta(hours=12)  # the parameter
    hold = selectors.hold_for(enterprise=firms["a"], emergency_id=emergency.pk)
    services.readiness_confirm(actor=personas.ent_a_user, hold=hold, staff_inside=40)
    missing = set(selectors.readiness_missing(emergency).values_list("enterprise_id", flat=True))
    assert missing == {firms["b"].pk, firms["closed"].pk}
    assert selectors.confirmation_counts(emergency) == {"held": 3, "confirmed": 1, "missing": 2}
    with pytest.raises(PermissionRefused):  # another firm's confirmation is not ent_b's to give
        services.readiness_confirm(actor=personas.ent_b_user, hold=hold)


def test_advance_notice_changes_modes_when_the_time_comes(personas: Personas) -> None:
    firms = whitelist(personas)
    at = timezone.now() + timedelta(hours=6)
    emergency = switch(personas, effective_at=at)
    assert emergency.status == EmergencyStatus.ANNOUNCED
    assert mode(firms["b"]) == "none"  # staff come back inside first
    assert Notification.objects.filter(topic="emergency.switched", enterprise=firms["b"]).count() == 1
    services.emergency_sweep(now=at + timedelta(minutes=1))
    assert Emergency.objects.get(pk=emergency.pk).status == EmergencyStatus.ACTIVE
    assert mode(firms["b"]) == "two_point"


def test_another_county_cannot_switch_and_the_region_inside_inherits(personas: Personas) -> None:
    whitelist(personas)
    with pytest.raises(PermissionRefused):
        services.emergency_switch(
            actor=personas.xinzheng_hq, region=region("410222"), reason="越权", document_number="新防指1号"
        )
    switch(personas)
    with pytest.raises(StateRefused) as refused:  # the city above may not switch a county already in it either
        switch(personas)
    assert refused.value.code == "emergency.switch.already"


def test_concurrent_switches_of_one_region_give_one_winner(personas: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two HQ officers press the switch at once: both pass the state check (here: the second is shown the state
    read before the first committed), the one-open-emergency-per-region index lets one through."""
    firms = whitelist(personas)
    stale = selectors.region_state(region("410222"))
    switch(personas)
    monkeypatch.setattr(selectors, "region_state", lambda *args, **kw: stale)
    with pytest.raises(StateRefused) as refused:
        switch(personas)
    assert refused.value.code == "emergency.switch.already"
    assert Emergency.objects.count() == 1
    assert EmergencyHold.objects.filter(enterprise=firms["a"]).count() == 1
    assert Notification.objects.filter(topic="emergency.switched", enterprise=firms["a"]).count() == 1


def test_a_parameter_with_an_emergency_value_changes_the_overdue_list_at_the_switch(personas: Personas) -> None:
    """EPIDEMIC_TEST_INTERVAL_HOURS: 48 h normally, 24 h in emergency (registry). ent_a is not on the whitelist
    here, so its mode does not change: only the parameter does."""
    now = timezone.now()
    worker = employee_create(
        actor=personas.admin,
        enterprise=personas.ent_a,
        data={"name": "员工甲", "id_number": id_number("41022219900101321"), "post_type": "normal"},
    )
    Employee.objects.filter(pk=worker.pk).update(
        last_test_at=now - timedelta(hours=30), last_negative_test_at=now - timedelta(hours=30)
    )

    def overdue() -> set[int]:
        rows = overdue_employee_list(user=personas.tongxu_epidemic, enterprise=personas.ent_a, now=now)
        return set(rows.values_list("pk", flat=True))

    assert overdue() == set()
    emergency = switch(personas)
    assert overdue() == {worker.pk}
    services.emergency_switch_back(
        actor=personas.tongxu_hq, emergency=emergency, reason="解除", document_number="通防指〔2022〕9号"
    )
    assert overdue() == set()


def test_a_manual_mode_change_is_refused_while_held(personas: Personas) -> None:
    from django.core.exceptions import ValidationError

    from sibao.enterprises.services import enterprise_update

    firms = whitelist(personas)
    switch(personas)
    with pytest.raises(ValidationError) as refused:
        enterprise_update(actor=personas.admin, enterprise=firms["b"], data={"closed_loop_mode": "none"})
    assert "closed_loop_mode" in refused.value.message_dict
