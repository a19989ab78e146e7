from django.contrib import admin

from sibao.incidents.models import Incident, IncidentContact, ShutdownRequest


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["pk", "enterprise", "employee", "trigger", "state", "reported_at", "retest_due_at"]
    list_filter = ["state", "trigger"]
    raw_id_fields = ["enterprise", "employee", "reported_by"]
    readonly_fields = ["state"]


@admin.register(IncidentContact)
class IncidentContactAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["pk", "incident", "name", "kind", "isolated_at", "released_at"]
    raw_id_fields = ["incident", "employee", "added_by"]
    exclude = ["id_digest"]


@admin.register(ShutdownRequest)
class ShutdownRequestAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["pk", "enterprise", "date_from", "date_to", "state"]
    list_filter = ["state"]
    raw_id_fields = ["incident", "enterprise", "requested_by", "decided_by"]
