from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
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
