from django.contrib import admin

from sibao.regions.models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "is_active", "vintage")
    list_filter = ("level", "is_active")
    search_fields = ("code", "name")
    readonly_fields = ("path", "source", "vintage")
    autocomplete_fields = ("parent",)
