"""EM-1…EM-5: region emergencies with their areas and the record of every change, the enterprises a switch moved
into closed loop (their previous mode and their readiness confirmation), shutdowns approved by both HQs, and
planned inspections.

A region is in emergency while an emergency of its own or of a region above it is in force (announced or
active, effective time reached); ``selectors.region_state`` answers it, and the parameters app reads the same
paths (``selectors.emergency_paths_now``) to give emergency values to every rule.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sibao.core.scope import EnterpriseScopedQuerySet, ScopedQuerySet
from sibao.enterprises.models import ClosedLoopMode
from sibao.regions.models import RegionState


class EmergencyStatus(models.TextChoices):
    ANNOUNCED = "announced", _("Announced: takes effect later")
    ACTIVE = "active", _("In force")
    ENDED = "ended", _("Ended: back to normal")
    CANCELLED = "cancelled", _("Called off before it took effect")


OPEN_STATUSES = (EmergencyStatus.ANNOUNCED, EmergencyStatus.ACTIVE)


class EmergencyQuerySet(ScopedQuerySet):
    scope_region_path = "region__path"

    def open(self) -> "EmergencyQuerySet":
        return self.filter(status__in=OPEN_STATUSES)


class Emergency(models.Model):
    """One emergency of one region (平急转换, 000#一.3): switched in by its HQ office with one action and switched
    back with another. The counts are those of the switch, so its audit entry says what was switched."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="emergencies"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=EmergencyStatus.choices, default=EmergencyStatus.ANNOUNCED, editable=False
    )
    reason = models.TextField(_("reason"))
    document_number = models.CharField(_("document number"), max_length=64)
    effective_at = models.DateTimeField(_("effective from"))
    readiness_due_at = models.DateTimeField(_("readiness confirmations due"))
    # The deadline passed with firms unconfirmed: when the HQ offices were told (once).
    readiness_warned_at = models.DateTimeField(_("missing confirmations reported"), null=True, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("switched by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    declared_at = models.DateTimeField(_("switched at"))
    activated_at = models.DateTimeField(_("enterprises switched at"), null=True, blank=True)
    enterprises_switched = models.PositiveIntegerField(_("whitelist enterprises switched"), default=0)
    employees = models.PositiveIntegerField(_("their employees"), default=0)
    to_full = models.PositiveIntegerField(_("moved to full closed loop"), default=0)
    to_two_point = models.PositiveIntegerField(_("moved to two points, one line"), default=0)
    already_closed = models.PositiveIntegerField(_("already in closed loop"), default=0)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("switched back by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    end_reason = models.TextField(_("reason for switching back"), blank=True)
    end_document_number = models.CharField(_("document number of the switch back"), max_length=64, blank=True)
    enterprises_restored = models.PositiveIntegerField(_("enterprises restored"), default=0)

    objects = EmergencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("emergency")
        verbose_name_plural = _("emergencies")
        ordering = ["-declared_at", "-pk"]
        constraints = [
            # EM-2: two HQ officers switching the same region at once: the second is refused (one winner).
            models.UniqueConstraint(
                fields=["region"], condition=Q(status__in=OPEN_STATUSES), name="emergency_one_open_per_region"
            )
        ]
        indexes = [models.Index(fields=["status", "effective_at"], name="emergency_status_effective")]

    def __str__(self) -> str:
        return f"{self.region} {self.document_number}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class EmergencyHoldQuerySet(EnterpriseScopedQuerySet):
    def held(self) -> "EmergencyHoldQuerySet":
        return self.filter(released_at__isnull=True)


class EmergencyHold(models.Model):
    """A whitelist enterprise moved into closed loop by an emergency: its own mode before (restored on the way
    back), the mode applied, and its readiness confirmation. Written set-based by the switch; an enterprise is
    held by one emergency at a time."""

    emergency = models.ForeignKey(
        Emergency, verbose_name=_("emergency"), on_delete=models.PROTECT, related_name="holds"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    prior_mode = models.CharField(_("mode before the switch"), max_length=16, choices=ClosedLoopMode.choices)
    applied_mode = models.CharField(_("mode in the emergency"), max_length=16, choices=ClosedLoopMode.choices)
    held_at = models.DateTimeField(_("switched at"))
    released_at = models.DateTimeField(_("restored at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("readiness confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    staff_inside = models.PositiveIntegerField(_("staff inside the closed loop"), null=True, blank=True)
    confirmation_note = models.TextField(_("note"), blank=True)

    objects = EmergencyHoldQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise in an emergency")
        verbose_name_plural = _("enterprises in an emergency")
        ordering = ["enterprise__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"], condition=Q(released_at__isnull=True), name="emergency_hold_one_per_enterprise"
            )
        ]
        indexes = [models.Index(fields=["emergency", "confirmed_at"], name="emergency_hold_confirmed")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} in {self.emergency_id}"


class AreaKind(models.TextChoices):
    """EM-1, 001#annex2-三: the areas an emergency draws inside a region."""

    SEALED = "sealed", _("Sealed area")
    CONTROLLED = "controlled", _("Controlled area")
    PRECAUTION = "precaution", _("Precautionary area")


class EmergencyAreaQuerySet(ScopedQuerySet):
    scope_region_path = "emergency__region__path"


class EmergencyArea(models.Model):
    emergency = models.ForeignKey(
        Emergency, verbose_name=_("emergency"), on_delete=models.PROTECT, related_name="areas"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=AreaKind.choices)
    name = models.CharField(_("name"), max_length=128)
    townships = models.ManyToManyField("regions.Region", verbose_name=_("townships"), blank=True, related_name="+")
    enterprises = models.ManyToManyField(
        "enterprises.Enterprise", verbose_name=_("enterprises"), blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drawn by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("drawn at"))
    ended_at = models.DateTimeField(_("lifted at"), null=True, blank=True)

    objects = EmergencyAreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("emergency area")
        verbose_name_plural = _("emergency areas")
        ordering = ["kind", "name", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"


class ChangeKind(models.TextChoices):
    ANNOUNCED = "announced", _("Emergency announced")
    SWITCHED_IN = "switched_in", _("Switched into emergency")
    SWITCHED_BACK = "switched_back", _("Switched back to normal")
    CANCELLED = "cancelled", _("Announced emergency called off")
    AREA_DRAWN = "area_drawn", _("Area drawn")
    AREA_LIFTED = "area_lifted", _("Area lifted")


class RegionStateChange(models.Model):
    """EM-1: every change of a region's state and areas — who, when, why, the document, from when."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="state_changes"
    )
    emergency = models.ForeignKey(
        Emergency, verbose_name=_("emergency"), on_delete=models.PROTECT, related_name="changes"
    )
    kind = models.CharField(_("change"), max_length=16, choices=ChangeKind.choices)
    from_state = models.CharField(_("from"), max_length=16, choices=RegionState.choices)
    to_state = models.CharField(_("to"), max_length=16, choices=RegionState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("recorded at"))
    reason = models.TextField(_("reason"), blank=True)
    document_number = models.CharField(_("document number"), max_length=64, blank=True)
    effective_at = models.DateTimeField(_("effective from"))
    data = models.JSONField(_("figures"), default=dict, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("region state change")
        verbose_name_plural = _("region state changes")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.region_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


# --- EM-4: shutdowns ----------------------------------------------------------------------------------------


class ShutdownCause(models.TextChoices):
    EPIDEMIC_CASE = "epidemic_case", _("Epidemic case (incident)")
    WORK_SAFETY = "work_safety", _("Work safety")
    ENVIRONMENT = "environment", _("Environmental protection")
    OTHER = "other", _("Other cause")


class ShutdownState(models.TextChoices):
    PROPOSED = "proposed", _("Waiting for both HQ offices")
    ECONOMIC_APPROVED = "economic_approved", _("Approved by the HQ office; waiting for the epidemic HQ office")
    EPIDEMIC_APPROVED = "epidemic_approved", _("Approved by the epidemic HQ office; waiting for the HQ office")
    APPROVED = "approved", _("Approved by both HQs")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REOPENED = "reopened", _("Reopened: production resumed")


WAITING_STATES = (ShutdownState.PROPOSED, ShutdownState.ECONOMIC_APPROVED, ShutdownState.EPIDEMIC_APPROVED)


class Decision(models.TextChoices):
    NONE = "", _("Not yet")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class Shutdown(models.Model):
    """EM-4 (000#二.3, 001#annex1-三.3, 001#annex2-三.7): a whitelist enterprise is shut only when a township or
    department proposes it and both HQs approve, each through its own office, for at most
    EPIDEMIC_SHUTDOWN_MAX_DAYS calendar days counted inclusively; it is tracked until production resumes."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="shutdowns"
    )
    incident = models.ForeignKey(
        "incidents.Incident",
        verbose_name=_("incident"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="shutdowns",
    )
    cause = models.CharField(_("cause"), max_length=16, choices=ShutdownCause.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"))
    date_from = models.DateField(_("first day"))
    date_to = models.DateField(_("last day"))
    scope = models.CharField(_("areas shut"), max_length=255)
    # 限产 (000#七.3 "不得以任何理由对企业实行限产、关停", 003#四.4 "确需限产停产的应逐级报请…批准"): a limit on
    # production to this share of capacity goes through the same approval as a shutdown; empty: the areas named
    # stop.
    capacity_limit = models.PositiveSmallIntegerField(
        _("production limited to a share of capacity (%)"), null=True, blank=True
    )
    reason = models.TextField(_("reason"))
    whitelisted = models.BooleanField(_("whitelist enterprise when proposed"), default=False)
    state = models.CharField(
        _("state"), max_length=20, choices=ShutdownState.choices, default=ShutdownState.PROPOSED, editable=False
    )
    economic_decision = models.CharField(
        _("HQ office's decision"), max_length=8, choices=Decision.choices, blank=True, default=Decision.NONE
    )
    economic_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided for the HQ office by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    economic_at = models.DateTimeField(_("HQ office decided at"), null=True, blank=True)
    economic_reason = models.TextField(_("HQ office's reason"), blank=True)
    epidemic_decision = models.CharField(
        _("epidemic HQ office's decision"), max_length=8, choices=Decision.choices, blank=True, default=Decision.NONE
    )
    epidemic_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided for the epidemic HQ office by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    epidemic_at = models.DateTimeField(_("epidemic HQ office decided at"), null=True, blank=True)
    epidemic_reason = models.TextField(_("epidemic HQ office's reason"), blank=True)
    reopened_at = models.DateTimeField(_("production resumed at"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reopening recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The end passed without a reopening: when the HQ offices were warned (once).
    overdue_warned_at = models.DateTimeField(_("overdue warning sent"), null=True, blank=True)

    objects = EnterpriseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("shutdown")
        verbose_name_plural = _("shutdowns")
        ordering = ["-proposed_at", "-pk"]
        indexes = [models.Index(fields=["state", "date_to"], name="shutdown_state_end")]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity_limit__isnull=True) | Q(capacity_limit__gte=1, capacity_limit__lte=99),
                name="shutdown_capacity_limit_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.date_from}–{self.date_to}"

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    @property
    def is_waiting(self) -> bool:
        return self.state in WAITING_STATES


# --- EM-5: inspections --------------------------------------------------------------------------------------


class InspectionKind(models.TextChoices):
    EPIDEMIC = "epidemic", _("Epidemic prevention")
    WORK_SAFETY = "work_safety", _("Work safety")
    CUSTOMS = "customs", _("Entry-exit inspection and quarantine")
    PRODUCT_QUALITY = "product_quality", _("Product quality supervision")
    ENVIRONMENT = "environment", _("Environmental supervision")
    CAPACITY = "capacity", _("Capacity regulation")
    LAW_ENFORCEMENT = "law_enforcement", _("Sector law enforcement")
    OTHER = "other", _("Other inspection")


# 000#七.3, 001#7: epidemic, work-safety and customs inspections go ahead without the HQ's approval.
EXEMPT_KINDS = frozenset({InspectionKind.EPIDEMIC, InspectionKind.WORK_SAFETY, InspectionKind.CUSTOMS})


class InspectionState(models.TextChoices):
    RECORDED = "recorded", _("Recorded (no approval needed)")
    PENDING = "pending", _("Waiting for the HQ's approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    LAPSED = "lapsed", _("Lapsed: not approved before the date")
    DONE = "done", _("Carried out")
    CANCELLED = "cancelled", _("Cancelled")


class Inspection(models.Model):
    """EM-5 生产护航 (001#7): an inspection a township or department plans at a whitelist enterprise."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="inspections"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=InspectionKind.choices)
    item = models.CharField(_("inspection item"), max_length=255)
    department = models.CharField(_("inspecting department"), max_length=128)
    planned_on = models.DateField(_("planned date"))
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("listed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    planned_at = models.DateTimeField(_("listed at"))
    state = models.CharField(_("state"), max_length=12, choices=InspectionState.choices, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    done_at = models.DateTimeField(_("carried out at"), null=True, blank=True)
    done_note = models.TextField(_("findings"), blank=True)

    objects = EnterpriseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("planned inspection")
        verbose_name_plural = _("planned inspections")
        ordering = ["planned_on", "pk"]
        indexes = [models.Index(fields=["state", "planned_on"], name="inspection_state_date")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_kind_display()} {self.planned_on}"

    @property
    def exempt(self) -> bool:
        return self.kind in EXEMPT_KINDS
