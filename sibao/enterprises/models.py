"""EN-1, EN-2: the registry of enterprises and key projects, and the relations between them."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from sibao.core.scope import EnterpriseScopedQuerySet, ScopedQuerySet
from sibao.core.sectors import Sector
from sibao.core.validators import validate_uscc


class EntityKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    KEY_PROJECT = "key_project", _("Key project")
    # 001#annex1-二.1: 综合保税区等海关特殊监管区可以园区为单位纳入白名单 — the zone is registered, applies and is
    # listed as one unit (its operator's credit code, the zone's total output); the firms inside it are not
    # registered one by one, so the sector's output is counted once.
    SPECIAL_ZONE = "special_zone", _("Customs special supervision zone (one unit)")


class OperatingStatus(models.TextChoices):
    OPERATING = "operating", _("Operating normally")
    SUSPENDED = "suspended", _("Suspended")
    DEREGISTERED = "deregistered", _("Deregistered")


class CreditStatus(models.TextChoices):
    GOOD = "good", _("Good")
    ORDINARY = "ordinary", _("Ordinary")
    DISHONEST = "dishonest", _("Seriously dishonest")


class ServiceLevel(models.TextChoices):
    """分级保障: which government level serves the enterprise (WL-4)."""

    COUNTY = "county", _("County")
    CITY = "city", _("City")
    PROVINCE = "province", _("Province")


class ClosedLoopMode(models.TextChoices):
    """EM-3 (000#五.1, 001#annex1-三.1): how an enterprise keeps its people inside. Industry, culture-tourism and
    key projects go fully closed with bubbles (management units, EP-1); commerce and transport keep their
    people between workplace and lodging (两点一线)."""

    NONE = "none", _("Not in closed loop")
    FULL = "full", _("Full closed loop (bubbles)")
    TWO_POINT = "two_point", _("Two points, one line (workplace and lodging)")


# Stricter first: an emergency never loosens a mode an enterprise chose itself (EM-2).
CLOSED_LOOP_STRICTNESS: dict[str, int] = {ClosedLoopMode.NONE: 0, ClosedLoopMode.TWO_POINT: 1, ClosedLoopMode.FULL: 2}


def coverage_value() -> models.Case:
    """WL-6: the value coverage counts — output value, investment for key projects (``value_for_coverage`` in
    SQL; the gap list's index is built on this very expression)."""
    return models.Case(
        models.When(kind=EntityKind.KEY_PROJECT, then=F("investment")),
        default=F("output_value"),
        output_field=models.DecimalField(max_digits=16, decimal_places=2),
    )


class EnterpriseQuerySet(ScopedQuerySet):
    scope_region_path = "region__path"
    scope_sector = "sector"
    scope_enterprise = "pk"


class Enterprise(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=EntityKind.choices, default=EntityKind.ENTERPRISE)
    name = models.CharField(_("name"), max_length=128)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc])
    legal_representative = models.CharField(_("legal representative"), max_length=64, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=64, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    # The most specific region known: a township if given, otherwise the county (or city).
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="enterprises"
    )
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices)
    park = models.CharField(_("park"), max_length=128, blank=True)
    service_level = models.CharField(
        _("service level"), max_length=16, choices=ServiceLevel.choices, default=ServiceLevel.COUNTY
    )
    # Amounts in 10,000 yuan (万元), the unit the statistics bureau reports in.
    output_value = models.DecimalField(
        _("annual output value (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    investment = models.DecimalField(
        _("investment (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    employee_count = models.PositiveIntegerField(_("employees"), default=0)
    # Flags used by the whitelist criteria (003#二).
    above_designated_size = models.BooleanField(_("above designated size"), default=False)
    specialised_sme = models.BooleanField(_("specialised SME candidate"), default=False)
    leader_linked = models.BooleanField(_("linked to a county leader"), default=False)
    livelihood = models.BooleanField(_("livelihood commerce"), default=False)
    city_operation = models.BooleanField(_("city operation support"), default=False)
    operating_status = models.CharField(
        _("operating status"), max_length=16, choices=OperatingStatus.choices, default=OperatingStatus.OPERATING
    )
    credit_status = models.CharField(
        _("credit status"), max_length=16, choices=CreditStatus.choices, default=CreditStatus.GOOD
    )
    environmental_compliant = models.BooleanField(_("meets environmental standards"), default=True)
    safety_compliant = models.BooleanField(_("meets safety standards"), default=True)
    # EP-2/EM-3: in closed-loop production (闭环生产, either mode) everyone is tested daily instead of every 48 h.
    # Set by the enterprise or its officials, and by a region's emergency switch (which restores it after).
    closed_loop_mode = models.CharField(
        _("closed-loop production"), max_length=16, choices=ClosedLoopMode.choices, default=ClosedLoopMode.NONE
    )
    dormitory_capacity = models.PositiveIntegerField(_("dormitory beds"), default=0)
    canteen_capacity = models.PositiveIntegerField(_("canteen seats"), default=0)
    # Search helpers maintained by the service from ``name``.
    name_initials = models.CharField(max_length=128, blank=True, editable=False, db_index=True)
    name_pinyin = models.CharField(max_length=512, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["sector", "region"], name="enterprise_sector_region_idx"),
            models.Index(fields=["name"], name="enterprise_name_idx"),
            # Issue 10: WL-6's gap list — a sector's unlisted enterprises, biggest value first — reads this
            # index in order instead of sorting a whole sector (~40,000 rows at province scale).
            models.Index(F("sector"), coverage_value().desc(), F("id"), name="enterprise_sector_value_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def closed_loop(self) -> bool:
        """In closed-loop production, whichever mode (EP-2: tested daily)."""
        return self.closed_loop_mode != ClosedLoopMode.NONE

    @property
    def value_for_coverage(self) -> Decimal:
        """WL-6: output value for enterprises, investment for key projects."""
        return self.investment if self.kind == EntityKind.KEY_PROJECT else self.output_value


class RecordKind(models.TextChoices):
    SAFETY_ACCIDENT = "safety_accident", _("Safety accident")
    QUALITY_ACCIDENT = "quality_accident", _("Quality accident")
    ENVIRONMENTAL_VIOLATION = "environmental_violation", _("Environmental violation")
    DISHONESTY = "dishonesty", _("Dishonesty")
    APPLICATION_FRAUD = "application_fraud", _("Fraud in an application")
    LAW_VIOLATION = "law_violation", _("Violation of law")


class RecordSeverity(models.TextChoices):
    GENERAL = "general", _("General")
    SERIOUS = "serious", _("Serious")
    MAJOR = "major", _("Major")


class EnterpriseRecord(models.Model):
    """A dated record of an accident, violation or dishonesty (EN-1), read by the exclusions of 003#二."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="records"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=RecordKind.choices)
    severity = models.CharField(_("severity"), max_length=16, choices=RecordSeverity.choices)
    occurred_on = models.DateField(_("date"))
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=128, blank=True)

    objects = EnterpriseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise record")
        verbose_name_plural = _("enterprise records")
        ordering = ["-occurred_on"]

    def __str__(self) -> str:
        return f"{self.enterprise}: {self.get_kind_display()} {self.occurred_on}"


class SupplyChainLinkQuerySet(EnterpriseScopedQuerySet, through="customer"): ...


class SupplyChainLink(models.Model):
    """EN-2: ``supplier`` delivers to ``customer`` (upstream → downstream)."""

    supplier = models.ForeignKey(
        Enterprise, verbose_name=_("supplier"), on_delete=models.CASCADE, related_name="customer_links"
    )
    customer = models.ForeignKey(
        Enterprise, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="supplier_links"
    )
    product = models.CharField(_("product"), max_length=128, blank=True)
    is_key = models.BooleanField(_("key link"), default=True)

    objects = SupplyChainLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("supply-chain link")
        verbose_name_plural = _("supply-chain links")
        constraints = [
            models.UniqueConstraint(fields=["supplier", "customer"], name="supply_link_unique"),
            models.CheckConstraint(condition=~models.Q(supplier=models.F("customer")), name="supply_link_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.supplier} → {self.customer}"


class PairingKind(models.TextChoices):
    """000#五.2: production enterprises paired with service enterprises."""

    TRANSPORT = "transport", _("Transport")
    COMMERCE = "commerce", _("Commerce")
    ACCOMMODATION_CATERING = "accommodation_catering", _("Accommodation and catering")


class Pairing(models.Model):
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="pairings"
    )
    partner = models.ForeignKey(
        Enterprise, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="paired_with"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=PairingKind.choices)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "partner", "kind"], name="pairing_unique"),
            models.CheckConstraint(condition=~models.Q(enterprise=models.F("partner")), name="pairing_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} ⇄ {self.partner}"
