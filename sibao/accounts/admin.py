from typing import Any

from auditlog import admin as auditlog_admin
from auditlog.models import LogEntry
from axes import admin as axes_admin
from axes.models import AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from sibao.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "display_name", "role", "region", "sector", "enterprise", "is_active")
    list_filter = ("role", "sector", "is_active")
    search_fields = ("username", "display_name", "phone")
    autocomplete_fields = ("region", "unit", "enterprise")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (
            _("Role and data scope"),
            {"fields": ("display_name", "phone", "role", "region", "unit", "sector", "enterprise")},
        ),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "key_prefix", "created_at", "expires_at", "last_used_at", "revoked_at")
    readonly_fields = ("key_prefix", "created_at", "last_used_at")
    fields = ("user", "name", "key_prefix", "expires_at", "revoked_at", "created_at", "last_used_at")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # tokens are issued with `manage.py create_api_token`, which shows the raw value once


# --- Login records and the audit log are read-only (issue 8 #7) --------------------------------------
# axes and auditlog register their own admins; these replace them. Login records (successful logins and
# failures) can be neither changed nor deleted here; the retention job is the only thing that deletes
# them. Attempt counters stay deletable: deleting one is how an administrator lifts a lockout.


class ReadOnlyAdminMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LoginRecordAdmin(ReadOnlyAdminMixin, axes_admin.AccessLogAdmin):  # type: ignore[misc]
    pass


class LoginFailureAdmin(ReadOnlyAdminMixin, axes_admin.AccessFailureLogAdmin):  # type: ignore[misc]
    pass


class AuditEntryAdmin(ReadOnlyAdminMixin, auditlog_admin.LogEntryAdmin):  # type: ignore[misc]
    pass


for model, model_admin in (
    (AccessLog, LoginRecordAdmin),
    (AccessFailureLog, LoginFailureAdmin),
    (LogEntry, AuditEntryAdmin),
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
