"""Administrators set a region's own rule numbers here; the save goes through ``parameter_set`` (validated
against the registry, audit-logged with the administrator as actor), never a bare model save (issue 9 #7)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sibao.accounts.models import User
from sibao.parameters.models import ParameterOverride
from sibao.parameters.services import parameter_reset, parameter_set


def _staff(request: HttpRequest) -> User:
    """The admin site lets only logged-in staff in."""
    assert isinstance(request.user, User)
    return request.user


@admin.register(ParameterOverride)
class ParameterOverrideAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["key", "region", "value", "note", "updated_by", "updated_at"]
    list_filter = ["key"]
    autocomplete_fields = ["region"]
    search_fields = ["key", "region__name", "region__code"]
    fields = ["key", "region", "value", "note", "updated_by", "updated_at"]
    readonly_fields = ["updated_by", "updated_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # An override is one region's value of one key: change the value, or delete it and add another.
        return [*self.readonly_fields, "key", "region"] if obj is not None else list(self.readonly_fields)

    def save_model(self, request: HttpRequest, obj: ParameterOverride, form: Any, change: bool) -> None:
        saved = parameter_set(actor=_staff(request), key=obj.key, region=obj.region, value=obj.value, note=obj.note)
        obj.pk, obj.value, obj.updated_by, obj.updated_at = saved.pk, saved.value, saved.updated_by, saved.updated_at

    def delete_model(self, request: HttpRequest, obj: ParameterOverride) -> None:
        parameter_reset(actor=_staff(request), key=obj.key, region=obj.region)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for override in queryset.select_related("region"):
            parameter_reset(actor=_staff(request), key=override.key, region=override.region)
