"""Read-only admin views of EP-7 (writes go through the services; scans are too many to list here)."""

from typing import Any

from django.contrib import admin

from sibao.venues.models import ScanImport, TraceLog, Venue, VenueDeclaration


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Venue)
class VenueAdmin(_ReadOnly):
    list_display = ("name", "kind", "enterprise", "location", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "enterprise__name", "token")


@admin.register(VenueDeclaration)
class VenueDeclarationAdmin(_ReadOnly):
    list_display = ("enterprise", "entrances", "workshops", "production_areas", "buildings", "floors", "units")


@admin.register(ScanImport)
class ScanImportAdmin(_ReadOnly):
    list_display = ("file_name", "status", "row_count", "added_count", "created_by", "created_at")
    exclude = ("upload",)


@admin.register(TraceLog)
class TraceLogAdmin(_ReadOnly):
    list_display = ("created_at", "actor", "subject", "start", "end", "purpose", "visit_count", "contact_count")
    exclude = ("id_digest",)
