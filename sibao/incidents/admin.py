"""EP-9 in the admin: read-only. Incidents and shutdown requests move only through their workflows
(``incidents.services``), which check who may act, keep the history and notify (issue 9 #7)."""

from django.contrib import admin

from sibao.core.admin import ReadOnlyModelAdmin
from sibao.incidents.models import Incident, IncidentContact, ShutdownRequest


@admin.register(Incident)
class IncidentAdmin(ReadOnlyModelAdmin):
    list_display = ["pk", "enterprise", "employee", "trigger", "state", "reported_at", "retest_due_at"]
    list_filter = ["state", "trigger"]
    raw_id_fields = ["enterprise", "employee", "reported_by"]


@admin.register(IncidentContact)
class IncidentContactAdmin(ReadOnlyModelAdmin):
    list_display = ["pk", "incident", "name", "kind", "isolated_at", "released_at"]
    raw_id_fields = ["incident", "employee", "added_by"]
    exclude = ["id_digest"]


@admin.register(ShutdownRequest)
class ShutdownRequestAdmin(ReadOnlyModelAdmin):
    list_display = ["pk", "enterprise", "date_from", "date_to", "state"]
    list_filter = ["state"]
    raw_id_fields = ["incident", "enterprise", "requested_by", "decided_by"]
