"""WL-2…WL-9: criteria, applications and their review, batches, listings, spot checks and removals."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sibao.core.scope import EnterpriseScopedQuerySet, ScopedQuerySet
from sibao.core.sectors import Sector
from sibao.enterprises.models import ServiceLevel


class CriteriaStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class CriteriaQuerySet(ScopedQuerySet):
    scope_region_path = "region__path"
    scope_sector = "sector"


class Criteria(models.Model):
    """A sector's selection criteria in a region (WL-2): a rule of ``core.rules`` over enterprise fields.

    The published criteria of the nearest region above an enterprise apply to it.
    """

    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT)
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices)
    title = models.CharField(_("title"), max_length=128)
    rule = models.JSONField(_("conditions"))
    status = models.CharField(_("status"), max_length=16, choices=CriteriaStatus.choices, default=CriteriaStatus.DRAFT)
    source = models.CharField(_("source"), max_length=128, blank=True, help_text=_("The document it comes from."))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CriteriaQuerySet.as_manager()

    class Meta:
        verbose_name = _("selection criteria")
        verbose_name_plural = _("selection criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "sector"], condition=Q(status="published"), name="criteria_one_published"
            )
        ]

    def __str__(self) -> str:
        return self.title


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    TOWNSHIP_CHECKED = "township_checked", _("Checked by the township")
    RETURNED = "returned", _("Returned for correction")
    APPROVED = "approved", _("Approved, awaiting publication")
    REJECTED = "rejected", _("Rejected")
    LISTED = "listed", _("Listed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_APPLICATION_STATES = [
    ApplicationState.DRAFT,
    ApplicationState.SUBMITTED,
    ApplicationState.TOWNSHIP_CHECKED,
    ApplicationState.RETURNED,
    ApplicationState.APPROVED,
]


class ApplicationQuerySet(EnterpriseScopedQuerySet, sector="sector"): ...


class Application(models.Model):
    """An enterprise's voluntary application (WL-3), reviewed at its service level (WL-4)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="applications"
    )
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices)
    service_level = models.CharField(_("service level"), max_length=16, choices=ServiceLevel.choices)
    state = models.CharField(_("state"), max_length=20, choices=ApplicationState.choices, default="draft")
    contact_name = models.CharField(_("contact person"), max_length=64)
    contact_phone = models.CharField(_("contact phone"), max_length=32)
    statement = models.TextField(_("why the enterprise applies"), max_length=2000)
    measures = models.TextField(_("epidemic measures in place"), max_length=2000)
    criteria = models.ForeignKey(
        Criteria, verbose_name=_("criteria"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    precheck = models.JSONField(_("pre-check"), null=True, blank=True)
    precheck_passed = models.BooleanField(_("passes the criteria"), null=True)
    priority = models.BooleanField(_("priority review"), default=False)
    priority_reason = models.CharField(_("why priority"), max_length=255, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("whitelist application")
        verbose_name_plural = _("whitelist applications")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=Q(state__in=OPEN_APPLICATION_STATES),
                name="application_one_open_per_enterprise",
            )
        ]
        indexes = [models.Index(fields=["state", "sector"])]

    def __str__(self) -> str:
        return f"{self.enterprise} ({self.get_state_display()})"


class AttachmentKind(models.TextChoices):
    APPLICATION_FORM = "application_form", _("Application form")
    COMMITMENT = "commitment", _("Commitment letter on epidemic-prevention responsibility")
    OTHER = "other", _("Other")


REQUIRED_ATTACHMENTS = (AttachmentKind.APPLICATION_FORM, AttachmentKind.COMMITMENT)


class Attachment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=32, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), upload_to="whitelist/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["kind", "pk"]

    def __str__(self) -> str:
        return self.original_name


class Batch(models.Model):
    """成熟一批、推出一批 (WL-5): numbered per publishing region."""

    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT)
    number = models.PositiveIntegerField(_("batch number"))
    published_at = models.DateTimeField(_("published"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=255, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("whitelist batch")
        verbose_name_plural = _("whitelist batches")
        ordering = ["region__code", "number"]
        constraints = [models.UniqueConstraint(fields=["region", "number"], name="batch_number_per_region")]

    def __str__(self) -> str:
        return f"{self.region.name} 第{self.number}批"


class RemovalReason(models.TextChoices):
    """003#三 / 000#二.3: why a listed enterprise is taken off the whitelist (熔断)."""

    EPIDEMIC_MEASURES = "epidemic_measures", _("Measures not implemented and the epidemic got in")
    LAW = "law", _("Violation of law")
    INDUSTRIAL_POLICY = "industrial_policy", _("Violation of industrial policy")
    ENVIRONMENTAL_POLICY = "environmental_policy", _("Violation of environmental policy")
    FINANCIAL_POLICY = "financial_policy", _("Violation of financial policy")
    EPIDEMIC_POLICY = "epidemic_policy", _("Violation of epidemic policy")


class ListingQuerySet(EnterpriseScopedQuerySet, sector="sector"):
    def current(self) -> "ListingQuerySet":
        return self.filter(removed_at__isnull=True)


class Listing(models.Model):
    """An enterprise on the whitelist from ``listed_at`` until removed (WL-9 reads this)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="listings"
    )
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="listing")
    batch = models.ForeignKey(Batch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="listings")
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices)
    service_level = models.CharField(_("service level"), max_length=16, choices=ServiceLevel.choices)
    listed_at = models.DateTimeField(_("listed"))
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removal_reason = models.CharField(_("removal reason"), max_length=32, choices=RemovalReason.choices, blank=True)
    removal_note = models.TextField(_("removal details"), blank=True)

    objects = ListingQuerySet.as_manager()

    class Meta:
        verbose_name = _("whitelist listing")
        verbose_name_plural = _("whitelist listings")
        # Issue 10: the public page pages through the listings batch by batch, newest first (a backward
        # scan of this index, so a page reads its 100 rows, not all 20,000 sorted).
        indexes = [
            models.Index(fields=["batch", "id"], name="listing_batch_order"),
            # Issue 10: the listings page and API page through the newest listings first (ties by id).
            models.Index(fields=["listed_at", "id"], name="listing_listed_order"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"], condition=Q(removed_at__isnull=True), name="listing_one_current_per_enterprise"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} ({self.batch})"


class SpotCheckResult(models.TextChoices):
    PASSED = "passed", _("Measures in place")
    RECTIFY = "rectify", _("Problems found, to be rectified")
    FAILED = "failed", _("Measures not implemented")


class SpotCheckQuerySet(EnterpriseScopedQuerySet, through="listing__enterprise", sector="listing__sector"): ...


class SpotCheck(models.Model):
    """抽查 of a listed enterprise's epidemic measures by its sector department with the HQ office (WL-8)."""

    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="spot_checks")
    checked_on = models.DateField(_("checked on"))
    inspectors = models.CharField(_("inspectors"), max_length=255, help_text=_("Department and HQ office staff."))
    result = models.CharField(_("result"), max_length=16, choices=SpotCheckResult.choices)
    findings = models.TextField(_("findings"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = SpotCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("spot check")
        verbose_name_plural = _("spot checks")
        ordering = ["-checked_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.listing.enterprise} {self.checked_on}"


class RemovalState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Removed and published")
    DECLINED = "declined", _("Declined")


class RemovalQuerySet(EnterpriseScopedQuerySet, through="listing__enterprise", sector="listing__sector"): ...


class Removal(models.Model):
    """熔断: the sector department proposes taking an enterprise off; the HQ office confirms (WL-8)."""

    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="removals")
    spot_check = models.ForeignKey(SpotCheck, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=32, choices=RemovalReason.choices)
    details = models.TextField(_("details"))
    state = models.CharField(_("state"), max_length=16, choices=RemovalState.choices, default=RemovalState.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(_("proposed"), auto_now_add=True)

    objects = RemovalQuerySet.as_manager()

    class Meta:
        verbose_name = _("removal")
        verbose_name_plural = _("removals")
        constraints = [
            models.UniqueConstraint(
                fields=["listing"], condition=Q(state="proposed"), name="removal_one_pending_per_listing"
            )
        ]

    def __str__(self) -> str:
        return f"{self.listing.enterprise}: {self.get_reason_display()}"


class ChainFlag(models.Model):
    """链式保障 (WL-7): a supply-chain partner of a listed enterprise, flagged for priority review."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="chain_flags")
    because_of = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chain-support flag")
        verbose_name_plural = _("chain-support flags")
        constraints = [models.UniqueConstraint(fields=["enterprise", "because_of"], name="chain_flag_once")]

    def __str__(self) -> str:
        return f"{self.enterprise} ← {self.because_of}"


class CoverageFigures(models.Model):
    """WL-6 (issue 10): the coverage sums of the enterprises registered in one region (their own region, not
    its subtree) and one sector — what ``selectors.coverage`` adds up for a region's subtree instead of
    aggregating every enterprise on each request.

    Rebuilt whole by ``summaries.refresh`` (the summary pass, every ``summaries.EVERY_MINUTES``) and rewritten
    for the enterprises whose listing changed by the services that list or remove them, at once."""

    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.CASCADE, related_name="+")
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices)
    total = models.DecimalField(_("total value"), max_digits=20, decimal_places=2, default=0)
    listed = models.DecimalField(_("listed value"), max_digits=20, decimal_places=2, default=0)
    enterprise_count = models.PositiveIntegerField(_("enterprises"), default=0)
    listed_count = models.PositiveIntegerField(_("listed enterprises"), default=0)

    class Meta:
        verbose_name = _("coverage figures")
        verbose_name_plural = _("coverage figures")
        constraints = [models.UniqueConstraint(fields=["region", "sector"], name="coverage_figures_once")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.sector}"
