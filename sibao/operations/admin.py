from django.contrib import admin

from sibao.core.admin import ReadOnlyModelAdmin
from sibao.operations.models import OperatingReport, OperatingWarning


@admin.register(OperatingReport)
class OperatingReportAdmin(ReadOnlyModelAdmin):
    list_display = ("enterprise", "day", "status", "staff_on_site", "capacity_percent", "late", "channel")
    list_filter = ("status", "late", "channel", "day")
    search_fields = ("enterprise__name", "enterprise__uscc")


@admin.register(OperatingWarning)
class OperatingWarningAdmin(ReadOnlyModelAdmin):
    list_display = ("enterprise", "day", "status", "lifted", "closed_at")
    list_filter = ("status", "lifted", "day")
    search_fields = ("enterprise__name",)
