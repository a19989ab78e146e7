"""Issue 8 #7: the audit log is append-only in the database, keeps the actor's name, records logins and the
refusals that matter, keeps entries for the retention and no longer."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from axes.models import AccessFailureLog, AccessLog
from django.db import DatabaseError, connection, transaction
from django.test import Client, override_settings
from django.utils import timezone

from conftest import TEST_PASSWORD, Personas, client_for, make_user, region
from sibao.accounts.tasks import audit_purge, schedule_audit_purge
from sibao.core.audit import SecurityEvent, as_actor
from sibao.core.roles import Role
from sibao.core.scheduling import periodic_jobs
from sibao.enterprises.models import Enterprise
from sibao.epidemic.services import employee_create
from sibao.parameters.services import parameter_set

pytestmark = pytest.mark.django_db

NUMBER = "410222199001011235"


def events(event: str) -> list[LogEntry]:
    return list(LogEntry.objects.filter(additional_data__event=event).order_by("pk"))


@contextmanager
def guard_on() -> Iterator[None]:
    """The test settings switch the triggers off (their flush empties every table); switch them on."""
    with override_settings(SIBAO_AUDIT_GUARD=True):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL sibao.audit_guard = 'on'")
        yield
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL sibao.audit_guard = 'off'")


def an_entry(personas: Personas) -> LogEntry:
    with as_actor(personas.tongxu_hq):
        personas.ent_a.park = "园区甲"
        personas.ent_a.save()
    return LogEntry.objects.get_for_object(personas.ent_a).latest("pk")


# --- Append-only -------------------------------------------------------------------------------------


def test_the_application_cannot_delete_or_update_audit_entries(personas: Personas) -> None:
    entry = an_entry(personas)
    with guard_on():
        for statement in (
            f"DELETE FROM auditlog_logentry WHERE id = {entry.pk}",
            f"UPDATE auditlog_logentry SET object_repr = 'forged' WHERE id = {entry.pk}",
            f"UPDATE auditlog_logentry SET actor_id = {personas.admin.pk} WHERE id = {entry.pk}",
            "DELETE FROM auditlog_logentry",
        ):
            with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement)
        with pytest.raises(DatabaseError), transaction.atomic():
            LogEntry.objects.filter(pk=entry.pk).delete()
        with pytest.raises(DatabaseError), transaction.atomic():
            LogEntry.objects.filter(pk=entry.pk).update(changes_text="x")
    entry.refresh_from_db()
    assert entry.object_repr == personas.ent_a.name and entry.actor == personas.tongxu_hq


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_on_postgresql_the_table_cannot_be_truncated(personas: Personas) -> None:
    an_entry(personas)
    with guard_on(), pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE auditlog_logentry")
    assert LogEntry.objects.exists()


def test_entries_older_than_the_floor_can_be_purged(personas: Personas) -> None:
    old = an_entry(personas)
    LogEntry.objects.filter(pk=old.pk).update(timestamp=timezone.now() - timedelta(days=181))  # guard off here
    young = an_entry(personas)
    with guard_on():
        LogEntry.objects.filter(pk=old.pk).delete()
        with pytest.raises(DatabaseError), transaction.atomic():
            LogEntry.objects.filter(pk=young.pk).delete()
    assert not LogEntry.objects.filter(pk=old.pk).exists() and LogEntry.objects.filter(pk=young.pk).exists()


def test_deleting_a_user_keeps_the_name_on_its_entries(personas: Personas) -> None:
    clerk = make_user("zhang_clerk", Role.HQ_OFFICE, region=region("410222"))
    clerk.display_name = "张文书"
    clerk.save()
    # One entry through the request middleware, one through a service's as_actor.
    client_for(clerk).patch(
        f"/api/enterprises/{personas.ent_a.pk}", data=json.dumps({"park": "园区乙"}), content_type="application/json"
    )
    with as_actor(clerk):
        Enterprise.objects.get(pk=personas.ent_a.pk).save()
        personas.ent_b.park = "园区丙"
        personas.ent_b.save()
    written = list(LogEntry.objects.filter(actor=clerk).values_list("pk", flat=True))
    assert len(written) >= 3  # the login, the API change, the service change
    with guard_on():
        clerk.delete()
    entries = LogEntry.objects.filter(pk__in=written)
    assert {entry.actor_id for entry in entries} == {None}
    assert {entry.actor_email for entry in entries} == {"张文书（zhang_clerk）"}
    # And the audit page still names them.
    page = client_for(personas.admin).get("/core/audit/").content.decode()
    assert "张文书（zhang_clerk）" in page


# --- Logins and refusals -----------------------------------------------------------------------------


def test_logins_failures_lockouts_and_logouts_are_recorded(personas: Personas) -> None:
    client = Client()
    user = personas.tongxu_hq.username
    client.post("/accounts/login/", {"username": user, "password": "wrong"}, REMOTE_ADDR="203.0.113.9")
    client.post("/accounts/login/", {"username": "nobody", "password": "wrong"}, REMOTE_ADDR="203.0.113.9")
    client.post("/accounts/login/", {"username": user, "password": TEST_PASSWORD}, REMOTE_ADDR="198.51.100.1")
    client.post("/accounts/logout/", REMOTE_ADDR="198.51.100.1")
    failed = events(SecurityEvent.LOGIN_FAILED)
    assert [entry.additional_data["username"] for entry in failed] == [user, "nobody"]
    assert failed[0].object_pk == str(personas.tongxu_hq.pk) and failed[0].remote_addr == "203.0.113.9"
    (login,) = events(SecurityEvent.LOGIN)
    assert login.actor == personas.tongxu_hq and login.remote_addr == "198.51.100.1"
    (logout,) = events(SecurityEvent.LOGOUT)
    assert logout.additional_data["reason"] == "user"
    for _ in range(5):
        client.post("/accounts/login/", {"username": user, "password": "wrong"}, REMOTE_ADDR="203.0.113.9")
    assert events(SecurityEvent.LOCKED_OUT)


def test_the_audit_address_is_not_taken_from_a_forged_header(personas: Personas) -> None:
    Client().post(
        "/accounts/login/",
        {"username": personas.tongxu_hq.username, "password": TEST_PASSWORD},
        REMOTE_ADDR="198.51.100.1",
        HTTP_X_FORWARDED_FOR="10.9.9.9",
    )
    assert events(SecurityEvent.LOGIN)[0].remote_addr == "198.51.100.1"


def test_a_refused_reveal_is_logged(personas: Personas) -> None:
    employee = employee_create(
        actor=personas.ent_a_user, enterprise=personas.ent_a, data={"name": "王建军", "id_number": NUMBER}
    )
    xinzheng_epidemic = make_user("xz_epidemic", Role.EPIDEMIC, region=region("410184"))
    # Another county's epidemic officer (out of scope: 404), an HQ officer (wrong role: 403), page and API.
    assert (
        client_for(xinzheng_epidemic).post(f"/employees/{employee.pk}/reveal/", {"purpose": "流调"}).status_code == 404
    )
    assert (
        client_for(personas.tongxu_hq).post(f"/employees/{employee.pk}/reveal/", {"purpose": "核查"}).status_code == 403
    )
    api = client_for(xinzheng_epidemic).post(
        f"/api/employees/{employee.pk}/reveal", data=json.dumps({"purpose": "流调"}), content_type="application/json"
    )
    assert api.status_code == 404
    refused = events(SecurityEvent.REFUSED)
    assert [(entry.actor, entry.additional_data["status"]) for entry in refused] == [
        (xinzheng_epidemic, 404),
        (personas.tongxu_hq, 403),
        (xinzheng_epidemic, 404),
    ]
    assert refused[0].additional_data["path"] == f"/employees/{employee.pk}/reveal/"
    assert NUMBER not in str([entry.additional_data for entry in refused])


def test_a_refused_cross_scope_write_is_logged_and_changes_nothing(personas: Personas) -> None:
    response = client_for(personas.xinzheng_hq).patch(
        f"/api/enterprises/{personas.ent_a.pk}", data=json.dumps({"park": "x"}), content_type="application/json"
    )
    assert response.status_code == 404
    assert Enterprise.objects.get(pk=personas.ent_a.pk).park == ""
    (refused,) = events(SecurityEvent.REFUSED)
    assert refused.actor == personas.xinzheng_hq and refused.additional_data["method"] == "PATCH"


@override_settings(SIBAO_AUDIT_REFUSED_READS_THRESHOLD=10)
def test_repeated_404s_on_ids_are_logged_past_a_threshold(personas: Personas) -> None:
    client = client_for(personas.xinzheng_hq)
    others = list(Enterprise.objects.exclude(pk=personas.ent_xinzheng.pk).values_list("pk", flat=True))
    ids = [*others, *range(10**6, 10**6 + 30)]
    for n, pk in enumerate(ids[:9]):
        assert client.get(f"/enterprises/{pk}/").status_code == 404, n
    assert not events(SecurityEvent.REPEATED_NOT_FOUND)
    assert client.get(f"/api/enterprises/{ids[9]}").status_code == 404  # pages and API count alike
    (entry,) = events(SecurityEvent.REPEATED_NOT_FOUND)
    assert entry.actor == personas.xinzheng_hq and entry.additional_data["count"] == 10
    for pk in ids[10:20]:
        client.get(f"/enterprises/{pk}/")
    assert len(events(SecurityEvent.REPEATED_NOT_FOUND)) == 2


def test_ordinary_404s_are_not_counted(personas: Personas) -> None:
    """An unknown address (a typo, a browser asking for /apple-touch-icon.png) is not a lookup by id."""
    client = client_for(personas.xinzheng_hq)
    for _ in range(30):
        assert client.get("/apple-touch-icon.png").status_code == 404
    assert not events(SecurityEvent.REPEATED_NOT_FOUND) and not events(SecurityEvent.REFUSED)


# --- Retention -----------------------------------------------------------------------------------------


def test_the_purge_deletes_what_is_older_than_the_retention_parameter(personas: Personas) -> None:
    entries = [an_entry(personas) for _ in range(3)]
    now = timezone.now()
    ages = {entries[0].pk: 400, entries[1].pk: 200, entries[2].pk: 10}
    for pk, days in ages.items():
        LogEntry.objects.filter(pk=pk).update(timestamp=now - timedelta(days=days))
    login = AccessLog.objects.create(username="x", ip_address="198.51.100.1", user_agent="t")
    AccessLog.objects.filter(pk=login.pk).update(attempt_time=now - timedelta(days=400))  # auto_now_add
    parameter_set(actor=personas.admin, key="audit.retention_days", region=region("410000"), value=365)
    with guard_on():
        audit_purge(now=now)
        assert set(LogEntry.objects.filter(pk__in=ages).values_list("pk", flat=True)) == {entries[1].pk, entries[2].pk}
        assert not AccessLog.objects.exists()
        (purged,) = events(SecurityEvent.PURGED)
        assert purged.additional_data["retention_days"] == 365
        audit_purge(now=now)
        assert len(events(SecurityEvent.PURGED)) == 1  # nothing older the second time: nothing recorded


def test_the_retention_cannot_be_set_below_180_days(personas: Personas) -> None:
    from sibao.core.errors import ServiceError

    with pytest.raises((ServiceError, ValueError)):
        parameter_set(actor=personas.admin, key="audit.retention_days", region=region("410000"), value=90)


def test_the_purge_is_a_daily_periodic_job() -> None:
    assert schedule_audit_purge in periodic_jobs()


def test_login_records_and_audit_entries_are_read_only_in_the_admin(personas: Personas) -> None:
    Client().post("/accounts/login/", {"username": personas.tongxu_hq.username, "password": TEST_PASSWORD})
    Client().post("/accounts/login/", {"username": personas.tongxu_hq.username, "password": "wrong"})
    admin = client_for(personas.admin)
    for url, model in (
        ("/admin/axes/accesslog/", AccessLog),
        ("/admin/axes/accessfailurelog/", AccessFailureLog),
        ("/admin/auditlog/logentry/", LogEntry),
    ):
        record = model.objects.latest("pk")
        listing = admin.get(url)
        assert listing.status_code == 200 and "delete_selected" not in listing.content.decode(), url
        assert admin.post(f"{url}{record.pk}/delete/", {"post": "yes"}).status_code == 403, url
        assert admin.post(url, {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"})
        assert model.objects.filter(pk=record.pk).exists(), url
