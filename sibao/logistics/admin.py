"""LG in the admin: read-only. Vehicles, drivers, passes and checks change only through ``logistics.services``
(capability, scope, workflow history); checkpoints and stations are kept by the logistics task force's pages."""

from django.contrib import admin

from sibao.core.admin import ReadOnlyModelAdmin
from sibao.logistics.models import Checkpoint, Driver, PassCheck, ReceivingPoint, TransferStation, Vehicle, VehiclePass


@admin.register(Vehicle)
class VehicleAdmin(ReadOnlyModelAdmin):
    list_display = ["plate", "enterprise", "kind", "new_energy", "is_active"]
    list_filter = ["kind", "is_active"]
    raw_id_fields = ["enterprise"]


@admin.register(Driver)
class DriverAdmin(ReadOnlyModelAdmin):
    list_display = ["name", "id_masked", "enterprise", "health_code", "is_active"]
    raw_id_fields = ["enterprise", "employee"]
    exclude = ["id_cipher", "id_digest"]


@admin.register(VehiclePass)
class VehiclePassAdmin(ReadOnlyModelAdmin):
    list_display = ["pk", "enterprise", "vehicle", "state", "valid_from", "valid_until", "toll_reduction"]
    list_filter = ["state", "arrangement", "toll_reduction"]
    raw_id_fields = ["enterprise", "vehicle", "applied_by", "decided_by"]
    exclude = ["code"]


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnlyModelAdmin):
    list_display = ["name", "region", "kind", "is_active"]
    list_filter = ["kind", "is_active"]


@admin.register(PassCheck)
class PassCheckAdmin(ReadOnlyModelAdmin):
    list_display = ["pk", "checkpoint", "checked_at", "failures"]
    raw_id_fields = ["checkpoint", "officer", "vehicle_pass", "driver"]


@admin.register(TransferStation)
class TransferStationAdmin(ReadOnlyModelAdmin):
    list_display = ["name", "region", "kind", "capacity", "status"]
    list_filter = ["kind", "status"]


@admin.register(ReceivingPoint)
class ReceivingPointAdmin(ReadOnlyModelAdmin):
    list_display = ["enterprise", "location", "hours"]
    raw_id_fields = ["enterprise"]
