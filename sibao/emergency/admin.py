"""EM rows in the admin: read-only. Emergencies, shutdowns and inspections move only through their services
(``emergency.services``), which check who may act, keep the record and notify; a shutdown in particular takes
effect only with both HQ offices' approval, never by an administrator's edit (EM-4)."""

from django.contrib import admin

from sibao.core.admin import ReadOnlyModelAdmin
from sibao.emergency.models import (
    Emergency,
    EmergencyArea,
    EmergencyHold,
    Inspection,
    RegionStateChange,
    Shutdown,
)


@admin.register(Emergency)
class EmergencyAdmin(ReadOnlyModelAdmin):
    list_display = ["pk", "region", "status", "document_number", "effective_at", "enterprises_switched", "ended_at"]
    list_filter = ["status"]
    raw_id_fields = ["region", "declared_by", "ended_by"]


@admin.register(EmergencyHold)
class EmergencyHoldAdmin(ReadOnlyModelAdmin):
    list_display = ["pk", "emergency", "enterprise", "prior_mode", "applied_mode", "confirmed_at", "released_at"]
    raw_id_fields = ["emergency", "enterprise", "confirmed_by"]


@admin.register(EmergencyArea)
class EmergencyAreaAdmin(ReadOnlyModelAdmin):
    list_display = ["pk", "emergency", "kind", "name", "ended_at"]
    raw_id_fields = ["emergency", "created_by"]


@admin.register(RegionStateChange)
class RegionStateChangeAdmin(ReadOnlyModelAdmin):
    list_display = ["pk", "region", "kind", "at", "actor", "document_number"]
    list_filter = ["kind"]
    raw_id_fields = ["region", "emergency", "actor"]


@admin.register(Shutdown)
class ShutdownAdmin(ReadOnlyModelAdmin):
    list_display = ["pk", "enterprise", "date_from", "date_to", "state"]
    list_filter = ["state", "cause"]
    raw_id_fields = ["enterprise", "incident", "proposed_by", "economic_by", "epidemic_by", "reopened_by"]


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyModelAdmin):
    list_display = ["pk", "enterprise", "kind", "planned_on", "state"]
    list_filter = ["state", "kind"]
    raw_id_fields = ["enterprise", "planned_by", "decided_by"]
