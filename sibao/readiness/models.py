"""EP-10 prevention supplies and EP-11 readiness (常态常备) of each enterprise, 001#annex2-二.7, 003#一.11-14."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sibao.core.scope import EnterpriseScopedQuerySet


class SupplyItem(models.TextChoices):
    """The seven supplies 001#annex2-二.7 names; values are the keys of ``SUPPLY_RESERVE_PARAMETERS``."""

    MASKS = "masks", _("Masks")
    PROTECTIVE_SUITS = "protective_suits", _("Protective suits")
    GLOVES = "gloves", _("Latex gloves (pairs)")
    DISINFECTANT = "disinfectant", _("Disinfectant (litres)")
    HAND_SANITISER = "hand_sanitiser", _("Hand sanitiser (bottles)")
    THERMOMETERS = "thermometers", _("Thermometers")
    ANTIGEN_TESTS = "antigen_tests", _("Antigen tests")


class SupplyStock(models.Model):
    """The current stock of one supply at one enterprise; every change is also a ``SupplyReport`` row."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="supply_stocks"
    )
    item = models.CharField(_("supply"), max_length=32, choices=SupplyItem.choices)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2, default=0)
    updated_at = models.DateTimeField(_("updated at"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = EnterpriseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("supply stock")
        verbose_name_plural = _("supply stocks")
        ordering = ["enterprise", "item"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "item"], name="supply_stock_once_per_item")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_item_display()} {self.quantity}"


class SupplyReport(models.Model):
    """One reported stock figure (history of EP-10 stock reports)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="supply_reports"
    )
    item = models.CharField(_("supply"), max_length=32, choices=SupplyItem.choices)
    previous_quantity = models.DecimalField(_("previous quantity"), max_digits=12, decimal_places=2, default=0)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    note = models.CharField(_("note"), max_length=255, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_at = models.DateTimeField(_("reported at"))

    objects = EnterpriseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("supply stock report")
        verbose_name_plural = _("supply stock reports")
        ordering = ["-reported_at", "-pk"]
        indexes = [models.Index(fields=["enterprise", "-reported_at"], name="supply_report_enterprise_idx")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_item_display()} {self.previous_quantity} → {self.quantity}"


class Readiness(models.Model):
    """EP-11: the enterprise's task force, emergency plan, observation rooms and sampling booth."""

    enterprise = models.OneToOneField(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="readiness"
    )
    # 001#annex2-二.7: 明确一名班子成员专职负责疫情防控工作.
    leader_name = models.CharField(_("responsible leader"), max_length=64, blank=True)
    leader_post = models.CharField(_("leader's post"), max_length=64, blank=True)
    members = models.TextField(_("task force members"), blank=True)
    plan_file = models.FileField(_("emergency plan"), upload_to="readiness/plans/%Y/%m/", blank=True)
    plan_name = models.CharField(_("plan file name"), max_length=200, blank=True)
    plan_size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    plan_date = models.DateField(_("plan dated"), null=True, blank=True)
    observation_rooms = models.PositiveIntegerField(_("temporary observation rooms"), default=0)
    has_sampling_booth = models.BooleanField(_("own sampling booth"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EnterpriseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("readiness")
        verbose_name_plural = _("readiness records")

    def __str__(self) -> str:
        return str(self.enterprise)


class Drill(models.Model):
    """An emergency drill held (001#annex2-二.7: 定期开展应急演练)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="drills"
    )
    held_on = models.DateField(_("held on"))
    note = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EnterpriseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("emergency drill")
        verbose_name_plural = _("emergency drills")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["enterprise", "-held_on"], name="drill_enterprise_idx")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.held_on}"


class ReadinessSummary(models.Model):
    """Issue 10: each enterprise's readiness facts and verdicts, rebuilt set-based (``readiness.summaries``) so
    that the region ranking and the shortfall list page through a province without computing 100,000
    checklists on a request. The checklist itself stays ``selectors.readiness_report`` (shown for the rows
    of a page); these columns order and filter the rows and must agree with it (tested)."""

    enterprise = models.OneToOneField(
        "enterprises.Enterprise", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    staff = models.PositiveIntegerField(default=0)
    staff_from_employees = models.BooleanField(default=False)
    last_drill = models.DateField(null=True)
    observation_rooms = models.PositiveIntegerField(default=0)
    has_sampling_booth = models.BooleanField(default=False)
    beds = models.PositiveIntegerField(default=0)
    seats = models.PositiveIntegerField(default=0)
    # Stock of each supply (``SupplyItem`` values), 0 when never reported.
    stock_masks = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    stock_protective_suits = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    stock_gloves = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    stock_disinfectant = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    stock_hand_sanitiser = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    stock_thermometers = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    stock_antigen_tests = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    # Verdicts of the checklist's items (sampling booth advisory, not counted in ``gaps``).
    task_force = models.BooleanField(default=False)
    emergency_plan = models.BooleanField(default=False)
    drill = models.BooleanField(default=False)
    rooms = models.BooleanField(default=False)
    sampling_booth = models.BooleanField(default=True)
    living_facilities = models.BooleanField(default=False)
    supplies = models.BooleanField(default=False)
    short_items = models.PositiveSmallIntegerField(default=0)
    gaps = models.PositiveSmallIntegerField(default=0)

    objects = EnterpriseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("readiness summary")
        verbose_name_plural = _("readiness summaries")
        indexes = [
            models.Index(fields=["-gaps", "enterprise"], name="readiness_summary_gaps"),
            models.Index(fields=["enterprise"], condition=models.Q(short_items__gt=0), name="readiness_summary_short"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.gaps}"
