"""The registry in the admin: read-only. Enterprises, their dated records and relations are written by
``enterprises.services`` from the pages and the API, with scope checks and the audit actor (issue 9 #7)."""

from django.contrib import admin

from sibao.core.admin import ReadOnlyModelAdmin
from sibao.enterprises.models import Enterprise, EnterpriseRecord, Pairing, SupplyChainLink


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyModelAdmin):
    list_display = ("name", "uscc", "sector", "region", "output_value", "employee_count")
    list_filter = ("sector", "kind", "service_level")
    search_fields = ("name", "uscc", "name_initials")


@admin.register(EnterpriseRecord)
class EnterpriseRecordAdmin(ReadOnlyModelAdmin):
    list_display = ("enterprise", "kind", "severity", "occurred_on")
    list_filter = ("kind", "severity")
    search_fields = ("enterprise__name", "enterprise__uscc")


@admin.register(SupplyChainLink)
class SupplyChainLinkAdmin(ReadOnlyModelAdmin):
    list_display = ("supplier", "customer", "product", "is_key")


@admin.register(Pairing)
class PairingAdmin(ReadOnlyModelAdmin):
    list_display = ("enterprise", "partner", "kind")
