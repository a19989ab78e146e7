"""The admin is a window for administrators, not a back door (issue 9 #7, STYLE §1).

Rows that services write — workflow states and their history, enterprise records, incidents, imports —
are shown read-only here: changing them in the admin would skip the capability and scope checks, the
workflow's history and the audit actor. Configuration that administrators own (regions, units, people,
users, parameters) stays editable, parameters through their service.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


class ReadOnlyModelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Lists and detail pages only: no add, change or delete (the pages and the API do that, via services)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
