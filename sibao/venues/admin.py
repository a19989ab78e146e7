"""Read-only admin views of EP-7 (writes go through the services; scans are too many to list here)."""

from django.contrib import admin

from sibao.core.admin import ReadOnlyModelAdmin
from sibao.venues.models import ScanImport, TraceLog, Venue, VenueDeclaration


@admin.register(Venue)
class VenueAdmin(ReadOnlyModelAdmin):
    list_display = ("name", "kind", "enterprise", "location", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "enterprise__name", "token")


@admin.register(VenueDeclaration)
class VenueDeclarationAdmin(ReadOnlyModelAdmin):
    list_display = ("enterprise", "entrances", "workshops", "production_areas", "buildings", "floors", "units")


@admin.register(ScanImport)
class ScanImportAdmin(ReadOnlyModelAdmin):
    list_display = ("file_name", "status", "row_count", "added_count", "created_by", "created_at")
    exclude = ("upload",)


@admin.register(TraceLog)
class TraceLogAdmin(ReadOnlyModelAdmin):
    list_display = ("created_at", "actor", "subject", "start", "end", "purpose", "visit_count", "contact_count")
    exclude = ("id_digest",)
