"""保物流畅通 (SPEC LG-1…LG-4; seeds 000#六, 001#annex2-三.5, 001#annex1-六.2): vehicles and drivers of the
companies that carry goods for whitelist enterprises, vehicle passes with a signed QR code, the checks at
traffic checkpoints, transfer stations and each enterprise's contactless receiving point.

Rows of one company (vehicles, drivers, passes, its receiving point) are scoped through that enterprise;
checkpoints and transfer stations through their region; checks through their checkpoint's region.
"""

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sibao.core.scope import EnterpriseScopedQuerySet, ScopedQuerySet
from sibao.epidemic.models import CodeColour

PASS_CODE_BYTES = 16  # 128 random bits: a pass code is never guessed and never counted up


def new_pass_code() -> str:
    return secrets.token_urlsafe(PASS_CODE_BYTES)


# --- Vehicles and drivers (LG-1, LG-3) -------------------------------------------------------------------


class VehicleKind(models.TextChoices):
    TRUCK = "truck", _("Truck")
    VAN = "van", _("Van")
    REFRIGERATED = "refrigerated", _("Refrigerated truck")
    TANKER = "tanker", _("Tanker")
    TRACTOR = "tractor", _("Tractor unit")
    OTHER = "other", _("Other vehicle")


class Vehicle(models.Model):
    """A vehicle of a company (车辆所属公司: a transport company or a whitelist enterprise itself)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("company"), on_delete=models.PROTECT, related_name="vehicles"
    )
    # Normalised: no spaces or middle dot, upper case (豫B12345, 豫AD12345). Shown with the dot (豫B·12345).
    plate = models.CharField(_("plate number"), max_length=8)
    kind = models.CharField(_("vehicle type"), max_length=16, choices=VehicleKind.choices, default=VehicleKind.TRUCK)
    new_energy = models.BooleanField(_("new-energy vehicle"), default=False, editable=False)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EnterpriseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        ordering = ["plate", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plate"], condition=Q(is_active=True), name="vehicle_plate_once_in_use")
        ]

    def __str__(self) -> str:
        return self.plate_display

    @property
    def plate_display(self) -> str:
        return f"{self.plate[:2]}·{self.plate[2:]}" if len(self.plate) > 2 else self.plate


class Driver(models.Model):
    """A driver (司乘人员) of a company. The ID number exists only encrypted, as a keyed digest and masked,
    exactly as an employee's (``core.protected``); a driver who is an employee of a whitelist enterprise is
    linked to that employee record, whose health code and tests then count at the checkpoint."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("company"), on_delete=models.PROTECT, related_name="drivers"
    )
    name = models.CharField(_("name"), max_length=64)
    id_cipher = models.TextField(editable=False)
    id_digest = models.CharField(max_length=64, editable=False)
    id_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    phone = models.CharField(_("mobile phone"), max_length=32, blank=True)
    employee = models.ForeignKey(
        "epidemic.Employee",
        verbose_name=_("employee record"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="driver_records",
        editable=False,
    )
    # For a driver without an employee record: the colour the company (or the task force) recorded from the
    # driver's health code, and when. Blank: never recorded, which no checkpoint accepts.
    health_code = models.CharField(
        _("health code"), max_length=8, choices=CodeColour.choices, blank=True, editable=False
    )
    health_code_at = models.DateTimeField(_("health code recorded at"), null=True, blank=True, editable=False)
    # A negative certificate shown by a driver without an employee record (sampling time); results imported
    # from testing institutions count too (they are keyed by the ID digest).
    certificate_sampled_at = models.DateTimeField(
        _("negative certificate sampled at"), null=True, blank=True, editable=False
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EnterpriseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("driver")
        verbose_name_plural = _("drivers")
        ordering = ["enterprise", "name", "pk"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "id_digest"], name="driver_once_per_company")]
        indexes = [models.Index(fields=["id_digest"], name="driver_id_digest")]

    def __str__(self) -> str:
        return f"{self.name} {self.id_masked}"


# --- Passes (LG-1) ------------------------------------------------------------------------------------------


class PassState(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting approval")
    RETURNED = "returned", _("Returned for correction")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    SUSPENDED = "suspended", pgettext_lazy("pass", "Suspended")
    REVOKED = "revoked", _("Revoked")


OPEN_PASS_STATES = (PassState.SUBMITTED, PassState.RETURNED, PassState.APPROVED)


class Arrangement(models.TextChoices):
    """LG-3 (001#annex1-六.2): the drivers of whitelist enterprises' own and fixed outsourced vehicles join the
    transport whitelist; other vehicles serving them may hold a pass too."""

    OWN = "own", _("Own vehicle of the enterprise served")
    FIXED_OUTSOURCED = "fixed_outsourced", _("Fixed outsourced vehicle")
    OTHER = "other", _("Other transport for the enterprise")


TRANSPORT_WHITELIST_ARRANGEMENTS = (Arrangement.OWN, Arrangement.FIXED_OUTSOURCED)


class VehiclePass(models.Model):
    """通行证: one vehicle, its drivers, the whitelist enterprises it serves, the route or area and the dates.

    ``code`` is random and unique; the QR code carries it signed (``tokens.py``), never the primary key."""

    code = models.CharField(max_length=32, unique=True, default=new_pass_code, editable=False)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("applicant company"), on_delete=models.PROTECT, related_name="+"
    )
    vehicle = models.ForeignKey(Vehicle, verbose_name=_("vehicle"), on_delete=models.PROTECT, related_name="passes")
    drivers: "models.ManyToManyField[Driver, PassDriver]" = models.ManyToManyField(
        Driver, through="PassDriver", related_name="passes", verbose_name=_("drivers")
    )
    served: "models.ManyToManyField[Any, PassEnterprise]" = models.ManyToManyField(
        "enterprises.Enterprise",
        through="PassEnterprise",
        related_name="served_by_passes",
        verbose_name=_("whitelist enterprises served"),
    )
    arrangement = models.CharField(_("vehicle arrangement"), max_length=20, choices=Arrangement.choices)
    route = models.CharField(_("route or area"), max_length=255)
    stations: "models.ManyToManyField[TransferStation, Any]" = models.ManyToManyField(
        "TransferStation", blank=True, related_name="passes", verbose_name=_("transfer stations the route may use")
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    # PO-4, 001#annex1-六.2: highway toll reduction for 四保 logistics vehicles; the policy app reads it.
    toll_reduction = models.BooleanField(_("highway toll reduction"), default=True)
    state = models.CharField(
        _("state"), max_length=12, choices=PassState.choices, default=PassState.SUBMITTED, editable=False
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("applied by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    suspended_at = models.DateTimeField(_("suspended at"), null=True, blank=True)
    suspension_reason = models.TextField(_("reason for the suspension"), blank=True)

    objects = EnterpriseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("vehicle pass")
        verbose_name_plural = _("vehicle passes")
        ordering = ["-applied_at", "-pk"]
        indexes = [models.Index(fields=["state", "valid_until"], name="pass_state_until")]

    def __str__(self) -> str:
        return f"{self.number} {self.vehicle}"

    @property
    def number(self) -> str:
        """The number printed on the pass: from the random code, so it tells nothing about other passes."""
        return self.code[:8].upper().replace("-", "X").replace("_", "Y")


class PassDriver(models.Model):
    vehicle_pass = models.ForeignKey(VehiclePass, on_delete=models.CASCADE, related_name="pass_drivers")
    driver = models.ForeignKey(Driver, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("driver on a pass")
        verbose_name_plural = _("drivers on passes")
        constraints = [models.UniqueConstraint(fields=["vehicle_pass", "driver"], name="pass_driver_once")]

    def __str__(self) -> str:
        return f"{self.vehicle_pass_id}: {self.driver_id}"


class PassEnterprise(models.Model):
    """A whitelist enterprise a pass serves. Dropped (not deleted) when the enterprise leaves the whitelist
    while the pass still serves others; re-listing does not bring it back."""

    vehicle_pass = models.ForeignKey(VehiclePass, on_delete=models.CASCADE, related_name="pass_enterprises")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+")
    dropped_at = models.DateTimeField(_("dropped at"), null=True, blank=True)
    drop_reason = models.CharField(_("why dropped"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("enterprise served by a pass")
        verbose_name_plural = _("enterprises served by passes")
        constraints = [models.UniqueConstraint(fields=["vehicle_pass", "enterprise"], name="pass_enterprise_once")]
        indexes = [models.Index(fields=["enterprise", "dropped_at"], name="pass_enterprise_served")]

    def __str__(self) -> str:
        return f"{self.vehicle_pass_id}: {self.enterprise_id}"


# --- Checkpoints and checks (LG-2) ------------------------------------------------------------------------


class CheckpointKind(models.TextChoices):
    HIGHWAY_EXIT = "highway_exit", _("Highway exit")
    ROAD = "road", _("National or provincial road")
    BORDER = "border", _("Provincial or city border")
    OTHER = "other", _("Other checkpoint")


class CheckpointQuerySet(ScopedQuerySet):
    scope_region_path = "region__path"


class Checkpoint(models.Model):
    """A traffic epidemic checkpoint (交通防疫检查点) with its green channel; in a county, whose risk areas count
    for drivers' itineraries."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("county"), on_delete=models.PROTECT, related_name="checkpoints"
    )
    name = models.CharField(_("name"), max_length=128)
    kind = models.CharField(
        _("kind"), max_length=16, choices=CheckpointKind.choices, default=CheckpointKind.HIGHWAY_EXIT
    )
    location = models.CharField(_("location"), max_length=255, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    is_active = models.BooleanField(_("in operation"), default=True)

    objects = CheckpointQuerySet.as_manager()

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        ordering = ["region__code", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class Condition(models.TextChoices):
    """LG-2: the five conditions of the green channel, in the order a checkpoint reads them. Each is one bit
    of ``PassCheck.failures``."""

    PASS = "pass", _("Pass valid today")
    DRIVER = "driver", _("Driver on the pass")
    HEALTH_CODE = "health_code", _("Green health code")
    ITINERARY = "itinerary", _("Itinerary normal")
    TEST = "test", _("Recent negative test")


CONDITION_BITS: dict[str, int] = {condition: 1 << index for index, condition in enumerate(Condition.values)}


class PassCheckQuerySet(ScopedQuerySet):
    scope_region_path = "checkpoint__region__path"


class PassCheck(models.Model):
    """One check at a checkpoint. The big table of the app (tens of millions a day at province scale): a lean
    row of integers and times, no text; ``failures`` is a bit set over ``Condition`` (0 = green channel).
    Indexed for its two questions: how many checks at a checkpoint on a day, and where a driver was checked
    in the itinerary window. Partition by ``day`` in production, like test results and venue scans."""

    id = models.BigAutoField(primary_key=True)
    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="+", db_index=False)
    day = models.DateField()  # local date of ``checked_at``
    checked_at = models.DateTimeField()
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    # Null when the code was forged or unknown, or no driver on the pass matched.
    vehicle_pass = models.ForeignKey(VehiclePass, null=True, on_delete=models.PROTECT, related_name="+", db_index=False)
    driver = models.ForeignKey(Driver, null=True, on_delete=models.PROTECT, related_name="+", db_index=False)
    failures = models.PositiveSmallIntegerField(default=0)

    objects = PassCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("pass check")
        verbose_name_plural = _("pass checks")
        indexes = [
            models.Index(fields=["checkpoint", "day"], name="pass_check_checkpoint_day"),
            models.Index(fields=["driver", "day"], name="pass_check_driver_day", condition=Q(driver__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.checkpoint_id} {self.checked_at:%Y-%m-%d %H:%M} {self.failures}"

    @property
    def green(self) -> bool:
        return self.failures == 0

    @property
    def failed_conditions(self) -> list[str]:
        return [condition for condition, bit in CONDITION_BITS.items() if self.failures & bit]

    @property
    def failed_labels(self) -> list[str]:
        return [str(Condition(condition).label) for condition in self.failed_conditions]


class CheckTally(models.Model):
    """Checks per checkpoint and day with the failures by condition, kept by the ``logistics.checks`` summary
    (added to from the checks recorded since the last run, never a rescan of the day)."""

    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    checks = models.PositiveIntegerField(default=0)
    green = models.PositiveIntegerField(default=0)
    failed_pass = models.PositiveIntegerField(default=0)
    failed_driver = models.PositiveIntegerField(default=0)
    failed_health_code = models.PositiveIntegerField(default=0)
    failed_itinerary = models.PositiveIntegerField(default=0)
    failed_test = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("checks per checkpoint and day")
        verbose_name_plural = _("checks per checkpoint and day")
        constraints = [models.UniqueConstraint(fields=["checkpoint", "day"], name="check_tally_once")]
        indexes = [models.Index(fields=["day"], name="check_tally_day")]

    def __str__(self) -> str:
        return f"{self.checkpoint_id} {self.day}: {self.checks}"


class CheckTallyMark(models.Model):
    """The last check the tally has counted (one row)."""

    last_check_id = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("check tally mark")
        verbose_name_plural = _("check tally marks")

    def __str__(self) -> str:
        return str(self.last_check_id)


class PassTally(models.Model):
    """Passes valid today per region and sector of the applicant company (the ``logistics.passes`` summary)."""

    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    sector = models.CharField(max_length=32)
    valid = models.PositiveIntegerField(default=0)
    transport_whitelist_drivers = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("valid passes per region")
        verbose_name_plural = _("valid passes per region")
        constraints = [models.UniqueConstraint(fields=["region", "sector"], name="pass_tally_once")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.sector}: {self.valid}"


# --- Transfer stations and receiving points (LG-4) --------------------------------------------------------


class StationKind(models.TextChoices):
    """000#六.2 / 001#annex1-五.2: 应急物资中转站、接驳点和分拨场地."""

    TRANSFER = "transfer", _("Transfer station")
    CONNECTION = "connection", _("Connection point")
    DISTRIBUTION = "distribution", _("Distribution yard")


class StationStatus(models.TextChoices):
    STANDBY = "standby", _("Planned, on standby")
    ACTIVE = "active", _("Started, in use")
    CLOSED = "closed", pgettext_lazy("place", "Closed")


class StationQuerySet(ScopedQuerySet):
    scope_region_path = "region__path"


class TransferStation(models.Model):
    """A zero-contact transfer station, connection point or distribution yard of a region, planned in advance
    and started when needed (必要时迅速启动)."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="transfer_stations"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=StationKind.choices)
    name = models.CharField(_("name"), max_length=128)
    address = models.CharField(_("address"), max_length=255)
    capacity = models.PositiveIntegerField(_("capacity (vehicles per day)"))
    hours = models.CharField(_("opening hours"), max_length=64)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=StationStatus.choices, default=StationStatus.STANDBY)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StationQuerySet.as_manager()

    class Meta:
        verbose_name = _("transfer station")
        verbose_name_plural = _("transfer stations")
        ordering = ["region__code", "kind", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class ReceivingPoint(models.Model):
    """An enterprise's fixed contactless receiving point (固定接收点, "最后一公里"无接触配送)."""

    enterprise = models.OneToOneField(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="receiving_point",
    )
    location = models.CharField(_("where"), max_length=255)
    hours = models.CharField(_("receiving hours"), max_length=64)
    contact_name = models.CharField(_("contact person"), max_length=64)
    contact_phone = models.CharField(_("contact phone"), max_length=32)
    instructions = models.TextField(_("instructions for drivers"), blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnterpriseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("contactless receiving point")
        verbose_name_plural = _("contactless receiving points")
        ordering = ["enterprise__name"]

    def __str__(self) -> str:
        return f"{self.enterprise}: {self.location}"
