"""EM-4: the incidents app's shutdown requests become shutdowns of this app, keeping their ids (so their history
rows still point at them), their incident link and what was decided. A request decided by the one HQ office of
before becomes a decision of the HQ office; its approval also stands for the epidemic HQ's (the provincial
consultation it named is kept as that reason), so a shutdown in force stays in force."""

from typing import Any

from django.core.management.color import no_style
from django.db import migrations

STATES = {"requested": "proposed", "approved": "approved", "refused": "refused", "ended": "reopened"}


def forwards(apps: Any, schema_editor: Any) -> None:
    Request = apps.get_model("incidents", "ShutdownRequest")
    Shutdown = apps.get_model("emergency", "Shutdown")
    ContentType = apps.get_model("contenttypes", "ContentType")
    TransitionLog = apps.get_model("core", "TransitionLog")
    copied = []
    for old in Request.objects.all().order_by("pk"):
        decided = old.state in ("approved", "refused", "ended")
        approved = old.state in ("approved", "ended")
        copied.append(
            Shutdown(
                pk=old.pk,
                enterprise_id=old.enterprise_id,
                incident_id=old.incident_id,
                cause="epidemic_case",
                proposed_by_id=old.requested_by_id,
                proposed_at=old.requested_at,
                date_from=old.date_from,
                date_to=old.date_to,
                scope=old.scope,
                reason=old.reason,
                whitelisted=old.whitelisted,
                state=STATES[old.state],
                economic_decision=("approved" if approved else "refused") if decided else "",
                economic_by_id=old.decided_by_id if decided else None,
                economic_at=old.decided_at if decided else None,
                economic_reason=old.decision_reason if decided else "",
                epidemic_decision="approved" if approved else "",
                epidemic_at=old.decided_at if approved else None,
                epidemic_reason=old.consultation if approved else "",
                reopened_at=old.ended_at,
            )
        )
    if not copied:
        return
    Shutdown.objects.bulk_create(copied)
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Shutdown]):
            cursor.execute(sql)
    old_type = ContentType.objects.filter(app_label="incidents", model="shutdownrequest").first()
    if old_type is not None:
        new_type, _created = ContentType.objects.get_or_create(app_label="emergency", model="shutdown")
        actions = {"approve": "approve_economic_last", "refuse": "refuse_economic", "end": "reopen"}
        for log in TransitionLog.objects.filter(content_type=old_type):
            log.content_type = new_type
            log.workflow = "emergency.shutdown"
            log.action = actions.get(log.action, log.action)
            log.from_state = STATES.get(log.from_state, log.from_state)
            log.to_state = STATES.get(log.to_state, log.to_state)
            log.save(update_fields=["content_type", "workflow", "action", "from_state", "to_state"])


class Migration(migrations.Migration):
    dependencies = [
        ("emergency", "0001_emergency_shutdowns_inspections"),
        ("incidents", "0001_incidents_contacts_shutdowns"),
        ("core", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
