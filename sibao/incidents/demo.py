"""EP-9 demo incidents (clearly made up) at the first demo enterprise of 通许县 (``tongxu_ent1``):

- one closed: excluded by the re-test, quiet period done, back to post with its close contact;
- one open in temporary observation with the re-test clock running;
- one overdue: reported 7 hours ago, no re-test result (an INCIDENT_DEADLINE sentinel warning);
- one confirmed with its close and secondary contacts isolated and a 3-day shutdown of one workshop
  waiting for the HQ office.

Played through the services, then moved back in time where the story needs it. Idempotent: nothing is
added when the county already has incidents. Skips what it cannot do (no demo users, fewer than 7 active
employees at the enterprise); contacts come from venue-code tracing when the venues demo has scans,
otherwise they are added by hand.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from sibao.accounts.models import User
from sibao.core.errors import ServiceError
from sibao.core.workflow import history
from sibao.emergency.services import shutdown_propose
from sibao.epidemic.models import Employee, ZoneMove
from sibao.health.models import HealthCodeChange
from sibao.incidents import services
from sibao.incidents.models import ContactKind, Incident, IncidentContact, Trigger
from sibao.notifications.models import Notification

DEMO_COUNTY = "410222"  # 通许县
ENTERPRISE_USER = "tongxu_ent1"
TASK_FORCE = "tongxu_epidemic"
NEEDED = 7
_INCIDENT_TIMES = (
    "reported_at",
    "retest_due_at",
    "trace_from",
    "observed_at",
    "retest_sampled_at",
    "result_at",
    "quiet_period_until",
    "contacts_isolated_at",
    "closed_at",
)


def _users() -> tuple[User, User] | None:
    users = {u.username: u for u in User.objects.filter(username__in=[ENTERPRISE_USER, TASK_FORCE], is_active=True)}
    if len(users) < 2 or users[ENTERPRISE_USER].enterprise_id is None:
        return None
    return users[ENTERPRISE_USER], users[TASK_FORCE]


def _shift(incident: Incident, delta: timedelta, since: datetime) -> None:
    """Move an incident's story back by ``delta`` (demo only): its own times and everything its story wrote
    since ``since`` — history, contacts' isolation, zone moves, code changes, notifications — so that no page
    shows a deadline before the report or a history that starts after it (issue 9 #8)."""
    people = [incident.employee_id, *incident.contacts.exclude(employee=None).values_list("employee_id", flat=True)]
    back = {name: F(name) - delta for name in _INCIDENT_TIMES}
    Incident.objects.filter(pk=incident.pk).update(**back)
    history(incident).update(at=F("at") - delta)
    incident.contacts.update(isolated_at=F("isolated_at") - delta, released_at=F("released_at") - delta)
    ZoneMove.objects.filter(employee_id__in=people, moved_at__gte=since).update(moved_at=F("moved_at") - delta)
    HealthCodeChange.objects.filter(employee_id__in=people, changed_at__gte=since).update(
        changed_at=F("changed_at") - delta
    )
    link = reverse("incidents:detail", args=[incident.pk])
    Notification.objects.filter(link=link, created_at__gte=since).update(created_at=F("created_at") - delta)


def load_demo_incidents() -> dict[str, int]:
    counts = {"closed": 0, "open": 0, "overdue": 0, "confirmed": 0, "contacts": 0, "shutdown_requests": 0}
    if Incident.objects.filter(enterprise__region__path__contains=f"/{DEMO_COUNTY}/").exists():
        return counts
    users = _users()
    if users is None:
        return counts
    ent_user, task_force = users
    assert ent_user.enterprise_id is not None
    people = list(Employee.objects.filter(enterprise_id=ent_user.enterprise_id, is_active=True).order_by("pk")[:NEEDED])
    if len(people) < NEEDED:
        return counts
    cleared_case, cleared_contact, observed, overdue, case, close, secondary = people
    with transaction.atomic():
        # 1. Excluded by the re-test eight days ago; the quiet period is over and the person is back at work.
        since = timezone.now()
        incident = services.incident_report(
            actor=ent_user, employee=cleared_case, trigger=Trigger.SYMPTOMS, note="晨检体温37.8℃，伴咳嗽"
        )
        incident = services.incident_observe(actor=task_force, incident=incident, place="point", where="东门临时留观点")
        incident = services.incident_sample_retest(actor=task_force, incident=incident)
        services.contact_add(
            actor=task_force, incident=incident, employee=cleared_contact, kind=ContactKind.CLOSE, venue_name="同宿舍"
        )
        services.contacts_isolate(actor=task_force, incident=incident)
        incident = services.incident_clear(actor=task_force, incident=incident, reason="单采复核阴性")
        # Move the story back so that its quiet period ended yesterday; the person returns to post today.
        assert incident.quiet_period_until is not None
        _shift(incident, incident.quiet_period_until - timezone.now() + timedelta(days=1), since)
        incident.refresh_from_db()
        incident = services.incident_return_to_post(
            actor=task_force, incident=incident, reason="静默期满，每日核酸均阴性"
        )
        counts["closed"] += 1
        counts["contacts"] += 1

        # 2. In the observation dormitory since an hour ago; the re-test is due within the next 5 hours.
        since = timezone.now()
        incident = services.incident_report(
            actor=ent_user, employee=observed, trigger=Trigger.INITIAL_POSITIVE, note="10混1初筛阳性"
        )
        incident = services.incident_observe(
            actor=task_force, incident=incident, place="dormitory", where="3号楼观察宿舍"
        )
        _shift(incident, timedelta(hours=1), since)
        counts["open"] += 1

        # 3. Reported seven hours ago, the re-test result still missing: a sentinel warning.
        since = timezone.now()
        incident = services.incident_report(
            actor=ent_user, employee=overdue, trigger=Trigger.SYMPTOMS, note="乏力、干咳"
        )
        incident = services.incident_observe(actor=task_force, incident=incident, place="point", where="东门临时留观点")
        _shift(incident, timedelta(hours=7), since)
        services.retest_deadline_sweep()
        counts["overdue"] += 1

        # 4. Confirmed this morning: contacts isolated, a 3-day shutdown of one workshop waiting for the HQ office.
        incident = services.incident_report(
            actor=ent_user, employee=case, trigger=Trigger.INITIAL_POSITIVE, note="混检初筛阳性，2号车间"
        )
        incident = services.incident_observe(actor=task_force, incident=incident, place="point", where="东门临时留观点")
        incident = services.incident_sample_retest(actor=task_force, incident=incident)
        try:
            with transaction.atomic():
                services.contacts_propose(actor=task_force, incident=incident)
        except (ImportError, ServiceError):  # tracing is optional for the demo
            pass
        listed = set(IncidentContact.objects.filter(incident=incident).values_list("employee_id", flat=True))
        for person, kind in ((close, ContactKind.CLOSE), (secondary, ContactKind.SECONDARY)):
            if person.pk not in listed:
                services.contact_add(
                    actor=task_force, incident=incident, employee=person, kind=kind, venue_name="2号车间"
                )
        incident = services.incident_confirm(actor=task_force, incident=incident, reason="单采复核阳性")
        incident = services.incident_isolate_contacts(actor=task_force, incident=incident)
        today = timezone.localdate()
        # EM-4: proposed to both HQ offices (the emergency app's process), waiting for their approval.
        shutdown_propose(
            actor=task_force,
            enterprise=incident.enterprise,
            incident=incident,
            cause="epidemic_case",
            date_from=today,
            date_to=today + timedelta(days=2),
            scope="2号车间及其更衣室",
            reason="复核阳性人员所在车间，需停产消杀",
        )
        counts["confirmed"] += 1
        counts["contacts"] += IncidentContact.objects.filter(incident=incident).count()
        counts["shutdown_requests"] += 1
    return counts
