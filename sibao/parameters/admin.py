from django.contrib import admin

from sibao.parameters.models import ParameterOverride


@admin.register(ParameterOverride)
class ParameterOverrideAdmin(admin.ModelAdmin):
    list_display = ["key", "region", "value", "note", "updated_at"]
    list_filter = ["key"]
    autocomplete_fields = ["region"]
    search_fields = ["key", "region__name", "region__code"]
