from django.contrib import admin

from sibao.organisation.models import Membership, Person, Unit


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("person",)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region", "sector", "lead_department", "policy_consultant", "is_active")
    list_filter = ("kind", "sector", "task_force_kind")
    search_fields = ("name", "short_name", "region__name")
    autocomplete_fields = ("region", "parent", "lead_department", "policy_consultant")
    inlines = [MembershipInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("name", "post", "employer", "phone", "is_epidemic_expert")
    search_fields = ("name", "post")
    autocomplete_fields = ("employer",)
