from django.contrib import admin

from sibao.enterprises.models import Enterprise, EnterpriseRecord, Pairing, SupplyChainLink


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("name", "uscc", "sector", "region", "output_value", "employee_count")
    list_filter = ("sector", "kind", "service_level")
    search_fields = ("name", "uscc", "name_initials")
    autocomplete_fields = ("region",)


@admin.register(EnterpriseRecord)
class EnterpriseRecordAdmin(admin.ModelAdmin):
    list_display = ("enterprise", "kind", "severity", "occurred_on")
    list_filter = ("kind", "severity")
    autocomplete_fields = ("enterprise",)


@admin.register(SupplyChainLink)
class SupplyChainLinkAdmin(admin.ModelAdmin):
    list_display = ("supplier", "customer", "product", "is_key")
    autocomplete_fields = ("supplier", "customer")


@admin.register(Pairing)
class PairingAdmin(admin.ModelAdmin):
    list_display = ("enterprise", "partner", "kind")
    autocomplete_fields = ("enterprise", "partner")
