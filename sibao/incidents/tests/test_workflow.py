"""EP-9 (001#annex2-三.7, 003#一.13): every transition and refusal, the 6 h deadline, the quiet period with
daily tests, contacts isolated and released with the cleared person."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import Personas
from sibao.core.errors import PermissionRefused, ServiceError, StateRefused
from sibao.epidemic.models import CodeColour, Employee, Zone, ZoneMove
from sibao.epidemic.overdue import overdue_employee_list
from sibao.health.models import HealthCodeChange
from sibao.incidents import services
from sibao.incidents.models import ContactKind, IncidentState, RetestResult
from sibao.incidents.tasks import retest_deadline_sweep as sweep_task
from sibao.incidents.tests.factories import person, reported, to_retest
from sibao.notifications.models import Notification
from sibao.parameters.models import ParameterOverride
from sibao.regions.models import Region
from sibao.sentinel.models import SentinelWarning, WarningKind, WarningStatus

pytestmark = pytest.mark.django_db
S = IncidentState


@pytest.fixture
def staff(personas: Personas) -> dict[str, Employee]:
    return {
        "case": person(personas, "41022219900101123", "王建军"),
        "close": person(personas, "41022219910202234", "李明"),
        "secondary": person(personas, "41022219920303345", "张华"),
    }


def fresh(employee: Employee) -> Employee:
    return Employee.objects.get(pk=employee.pk)


def test_report_sets_the_6_hour_deadline_and_tells_enterprise_and_county_task_force(
    personas: Personas, staff: dict[str, Employee]
) -> None:
    incident = reported(personas, staff["case"])
    assert incident.state == S.REPORTED
    assert incident.retest_due_at - incident.reported_at == timedelta(hours=6)
    assert Notification.objects.filter(enterprise=personas.ent_a, topic="incidents.reported").exists()
    assert Notification.objects.filter(user=personas.tongxu_epidemic, topic="incidents.reported").exists()


def test_region_override_of_the_retest_hours_is_respected(personas: Personas, staff: dict[str, Employee]) -> None:
    ParameterOverride.objects.create(key="epidemic.retest_hours", region=Region.objects.get(code="410222"), value=4)
    incident = reported(personas, staff["case"])
    assert incident.retest_due_at - incident.reported_at == timedelta(hours=4)
    assert services.retest_deadline_sweep(incident.reported_at + timedelta(hours=4, minutes=1)) == 1


def test_only_the_enterprise_reports_its_own_people_once(personas: Personas, staff: dict[str, Employee]) -> None:
    with pytest.raises(PermissionRefused):
        services.incident_report(actor=personas.ent_b_user, employee=staff["case"], trigger="symptoms")
    with pytest.raises(PermissionRefused):  # the task force does not report for the enterprise (no EPIDEMIC_REPORT)
        services.incident_report(actor=personas.tongxu_epidemic, employee=staff["case"], trigger="symptoms")
    with pytest.raises(ServiceError) as bad:
        services.incident_report(actor=personas.ent_a_user, employee=staff["case"], trigger="cough")
    assert bad.value.field == "trigger"
    reported(personas, staff["case"])
    with pytest.raises(StateRefused) as twice:
        reported(personas, staff["case"])
    assert twice.value.status == 409


def test_confirmed_path_codes_isolates_disinfects_and_closes(personas: Personas, staff: dict[str, Employee]) -> None:
    tf = personas.tongxu_epidemic
    incident = reported(personas, staff["case"])
    incident = services.incident_observe(actor=tf, incident=incident, place="dormitory", where="观察宿舍3间")
    assert incident.state == S.OBSERVATION
    assert fresh(staff["case"]).zone == Zone.RED
    incident = services.incident_sample_retest(actor=tf, incident=incident)
    assert incident.state == S.RETEST and incident.retest_sampled_at is not None
    services.contact_add(actor=tf, incident=incident, employee=staff["close"], kind=ContactKind.CLOSE)
    services.contact_add(actor=tf, incident=incident, employee=staff["secondary"], kind=ContactKind.SECONDARY)
    incident = services.incident_confirm(actor=tf, incident=incident)
    assert incident.state == S.CONFIRMED and incident.retest_result == RetestResult.POSITIVE
    assert fresh(staff["case"]).health_code == CodeColour.RED
    assert HealthCodeChange.objects.get(employee=staff["case"]).basis == "positive"
    assert Notification.objects.filter(enterprise=personas.ent_a, topic="incidents.confirmed").exists()
    assert Notification.objects.filter(user=tf, topic="incidents.confirmed").exists()

    incident = services.incident_isolate_contacts(actor=tf, incident=incident)
    assert incident.state == S.CONTACTS_ISOLATED
    close, secondary = fresh(staff["close"]), fresh(staff["secondary"])
    assert (close.zone, close.health_code) == (Zone.YELLOW, CodeColour.RED)
    assert (secondary.zone, secondary.health_code) == (Zone.YELLOW, CodeColour.YELLOW)
    assert HealthCodeChange.objects.get(employee=close).basis == "close_contact"
    assert HealthCodeChange.objects.get(employee=secondary).basis == "secondary_contact"

    with pytest.raises(ServiceError) as no_areas:
        services.incident_disinfect(actor=tf, incident=incident, areas=" ", disinfected_on=timezone.localdate())
    assert no_areas.value.field == "areas"
    with pytest.raises(ServiceError) as future:
        services.incident_disinfect(
            actor=tf, incident=incident, areas="2号车间", disinfected_on=timezone.localdate() + timedelta(days=1)
        )
    assert future.value.field == "disinfected_on"
    incident = services.incident_disinfect(
        actor=tf, incident=incident, areas="2号车间、3号宿舍楼", disinfected_on=timezone.localdate(), note="终末消毒"
    )
    assert incident.state == S.DISINFECTED
    incident = services.incident_close(actor=tf, incident=incident)
    assert incident.state == S.CLOSED and incident.closed_at is not None
    actions = [row["action"] for row in services.INCIDENT.history_rows(incident)]
    assert len(actions) == 7  # created + 6 transitions


def test_wrong_state_and_wrong_actor_are_refused(personas: Personas, staff: dict[str, Employee]) -> None:
    incident = reported(personas, staff["case"])
    with pytest.raises(StateRefused) as state:
        services.incident_confirm(actor=personas.tongxu_epidemic, incident=incident)
    assert state.value.code == "incidents.incident.confirm.state" and state.value.status == 409
    for outsider in (personas.ent_a_user, personas.tongxu_hq, personas.xinzheng_hq):
        with pytest.raises(PermissionRefused) as forbidden:
            services.incident_observe(actor=outsider, incident=incident, place="point")
        assert forbidden.value.code == "incidents.incident.observe.forbidden"
    with pytest.raises(ServiceError) as place:
        services.incident_observe(actor=personas.tongxu_epidemic, incident=incident, place="hotel")
    assert place.value.field == "place"
    for action in ("sample_retest", "clear", "isolate_contacts", "disinfect", "close", "return_to_post"):
        with pytest.raises(StateRefused):
            services.incident_act(actor=personas.tongxu_epidemic, incident=incident, action=action, data={})


def test_deadline_warning_at_6h01_not_at_5h59_and_lifted_by_the_result(
    personas: Personas, staff: dict[str, Employee]
) -> None:
    incident = to_retest(personas, reported(personas, staff["case"]))
    at = incident.reported_at
    assert services.retest_deadline_sweep(at + timedelta(hours=5, minutes=59)) == 0
    assert not SentinelWarning.objects.filter(kind=WarningKind.INCIDENT_DEADLINE).exists()
    assert sweep_task.call((at + timedelta(hours=6, minutes=1)).isoformat()) == 1
    warning = SentinelWarning.objects.get(kind=WarningKind.INCIDENT_DEADLINE)
    assert warning.subject_key == f"incident:{incident.pk}" and warning.enterprise == personas.ent_a
    assert warning.employee == staff["case"]
    assert services.retest_deadline_sweep(at + timedelta(hours=7)) == 0  # one open warning per incident
    services.incident_clear(actor=personas.tongxu_epidemic, incident=incident)
    warning.refresh_from_db()
    assert warning.status == WarningStatus.CLOSED and warning.lifted
    assert services.retest_deadline_sweep(at + timedelta(hours=8)) == 0


def test_cleared_person_quiet_period_daily_tests_then_returns_with_contacts(
    personas: Personas, staff: dict[str, Employee]
) -> None:
    tf = personas.tongxu_epidemic
    staff["close"].zone = Zone.BLUE  # restored on release
    Employee.objects.filter(pk=staff["close"].pk).update(zone=Zone.BLUE)
    incident = to_retest(personas, reported(personas, staff["case"]))
    services.contact_add(actor=tf, incident=incident, employee=staff["close"], kind=ContactKind.CLOSE)
    services.contact_add(actor=tf, incident=incident, employee=staff["secondary"], kind=ContactKind.SECONDARY)
    assert services.contacts_isolate(actor=tf, incident=incident) == 2  # 003#一.13: temporary isolation
    assert fresh(staff["close"]).zone == Zone.YELLOW and fresh(staff["secondary"]).zone == Zone.YELLOW
    assert fresh(staff["close"]).health_code == CodeColour.GREEN  # not coded before a confirmed case

    incident = services.incident_clear(actor=tf, incident=incident)
    assert incident.state == S.CLEARED and incident.retest_result == RetestResult.NEGATIVE
    case = fresh(staff["case"])
    assert case.zone == Zone.BLUE
    assert case.quiet_period_until is not None
    assert abs(case.quiet_period_until - (timezone.now() + timedelta(days=7))) < timedelta(minutes=1)
    assert incident.quiet_period_until == case.quiet_period_until
    assert Notification.objects.filter(enterprise=personas.ent_a, topic="incidents.cleared").exists()

    # Daily tests during the quiet period: 23 h after the last negative fine, 25 h overdue.
    last_negative = timezone.now()
    Employee.objects.filter(pk=case.pk).update(last_negative_test_at=last_negative)
    overdue = overdue_employee_list(user=tf, enterprise=personas.ent_a, now=last_negative + timedelta(hours=23))
    assert case not in overdue
    overdue = overdue_employee_list(user=tf, enterprise=personas.ent_a, now=last_negative + timedelta(hours=25))
    assert case in overdue

    with pytest.raises(StateRefused) as early:
        services.incident_return_to_post(actor=tf, incident=incident)
    assert early.value.code == "incidents.incident.return_to_post.quiet_period"
    incident = services.incident_return_to_post(
        actor=tf, incident=incident, now=case.quiet_period_until + timedelta(minutes=1)
    )
    assert incident.state == S.CLOSED
    assert fresh(staff["case"]).zone == Zone.GREEN and fresh(staff["case"]).quiet_period_until is None
    assert fresh(staff["close"]).zone == Zone.BLUE  # back where they were
    assert fresh(staff["secondary"]).zone == Zone.GREEN
    assert all(c.released_at is not None for c in incident.contacts.all())
    assert ZoneMove.objects.filter(employee=staff["secondary"], to_zone=Zone.GREEN).exists()


def test_contact_list_editing_rules(personas: Personas, staff: dict[str, Employee]) -> None:
    tf = personas.tongxu_epidemic
    incident = reported(personas, staff["case"])
    with pytest.raises(StateRefused):  # not before observation
        services.contact_add(actor=tf, incident=incident, employee=staff["close"], kind=ContactKind.CLOSE)
    incident = to_retest(personas, incident)
    with pytest.raises(PermissionRefused):
        services.contact_add(
            actor=personas.ent_a_user, incident=incident, employee=staff["close"], kind=ContactKind.CLOSE
        )
    with pytest.raises(ServiceError) as own:
        services.contact_add(actor=tf, incident=incident, employee=staff["case"], kind=ContactKind.CLOSE)
    assert own.value.field == "employee"
    contact = services.contact_add(actor=tf, incident=incident, employee=staff["close"], kind=ContactKind.CLOSE)
    with pytest.raises(ServiceError) as twice:
        services.contact_add(actor=tf, incident=incident, employee=staff["close"], kind=ContactKind.SECONDARY)
    assert twice.value.field == "employee"
    services.contact_remove(actor=tf, contact=contact)
    assert not incident.contacts.exists()
    contact = services.contact_add(actor=tf, incident=incident, employee=staff["close"], kind=ContactKind.CLOSE)
    services.contacts_isolate(actor=tf, incident=incident)
    contact.refresh_from_db()
    with pytest.raises(StateRefused):  # an isolated contact is released, not removed
        services.contact_remove(actor=tf, contact=contact)
    services.contact_release(actor=tf, contact=contact, reason="集中隔离期满")
    assert fresh(staff["close"]).zone == Zone.GREEN
