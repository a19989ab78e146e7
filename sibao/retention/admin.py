"""Issue 15 #2 in the admin: read-only. Purges run only through ``retention.services`` (capability, region,
confirmation, audit)."""

from django.contrib import admin

from sibao.core.admin import ReadOnlyModelAdmin
from sibao.retention.models import Purge, PurgedTally


@admin.register(Purge)
class PurgeAdmin(ReadOnlyModelAdmin):
    list_display = ["pk", "reason", "region", "started_by", "before", "total", "started_at", "finished_at"]
    list_filter = ["reason"]


@admin.register(PurgedTally)
class PurgedTallyAdmin(ReadOnlyModelAdmin):
    list_display = ["kind", "region", "day", "rows"]
    list_filter = ["kind"]
