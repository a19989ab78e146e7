"""EP-9 in the admin: read-only. Incidents move only through their workflow (``incidents.services``), which
checks who may act, keeps the history and notifies (issue 9 #7); shutdowns are the emergency app's."""

from django.contrib import admin

from sibao.core.admin import ReadOnlyModelAdmin
from sibao.incidents.models import Incident, IncidentContact


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
