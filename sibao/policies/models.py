"""PO-1…PO-5: the policy catalogue, the figures policies need from enterprises, matches and their redemption,
the background matching runs, and the link from a common issue (RQ-2) to the policy it needs."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sibao.core.roles import Role
from sibao.core.scope import EnterpriseScopedQuerySet, ScopedQuerySet, scope_q


class PolicyCategory(models.TextChoices):
    """The twelve of PO-1 (000#七.1, 001#annex1-六.1 and the toll reduction of 六.2)."""

    VAT_REFUND = "vat_refund", _("VAT credit refund")
    TAX_RELIEF = "tax_relief", _("Tax and fee relief")
    FISCAL_AWARD = "fiscal_award", _("Fiscal awards and subsidies")
    CREDIT = "credit", _("Finance and credit")
    SUPPLY_PRICE = "supply_price", _("Supply and price stability")
    SOCIAL_INSURANCE = "social_insurance", _("Social insurance")
    JOB_RETENTION = "job_retention", _("Job retention support")
    EMPLOYMENT = "employment", _("Employment and entrepreneurship")
    LABOUR = "labour", _("Labour supply")
    UTILITIES = "utilities", _("Power, water and gas")
    EPIDEMIC_SUBSIDY = "epidemic_subsidy", _("Epidemic prevention subsidies")
    TOLL = "toll", _("Toll reductions")


class PolicyLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")


class PolicyState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    EXPIRED = "expired", _("Expired")


class PolicyQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> "PolicyQuerySet":
        """Officials: every policy of their subtree, and the published (or expired) policies of the regions
        above, which apply to them too. Enterprises: the published and expired policies of their region's path."""
        if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
            return self.none()
        if user.is_superuser or user.role == Role.ADMINISTRATOR:
            return self.all()
        public = ~Q(state=PolicyState.DRAFT)
        if user.role == Role.ENTERPRISE:
            enterprise = getattr(user, "enterprise", None)
            if enterprise is None:
                return self.none()
            return self.filter(public, region__code__in=enterprise.region.ancestor_codes())
        if user.region_id is None:
            return self.none()
        above = public & Q(region__code__in=user.region.ancestor_codes())
        return self.filter(scope_q(user, region_path="region__path") | above)

    def public(self) -> "PolicyQuerySet":
        return self.filter(state=PolicyState.PUBLISHED)


class Policy(models.Model):
    """A support policy (PO-1) with its eligibility rule (PO-2) and benefit formula (PO-4).

    ``region`` is where it applies (the issuing government's region): enterprises of that subtree are matched.
    Drafts form the policy reserve (PO-5); ``reserve`` marks those kept ready in the toolbox."""

    title = models.CharField(_("title"), max_length=200)
    document_number = models.CharField(_("document number"), max_length=64, blank=True)
    issuing_body = models.CharField(_("issuing body"), max_length=128)
    level = models.CharField(_("level"), max_length=16, choices=PolicyLevel.choices)
    region = models.ForeignKey("regions.Region", verbose_name=_("applies in"), on_delete=models.PROTECT)
    unit = models.ForeignKey(
        "organisation.Unit",
        verbose_name=_("responsible department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="policies",
    )
    # OR-6: the consultant published with the list; the department's own consultant when not set.
    consultant = models.ForeignKey(
        "organisation.Person",
        verbose_name=_("policy consultant"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    category = models.CharField(_("category"), max_length=24, choices=PolicyCategory.choices)
    sectors = models.JSONField(_("sectors"), default=list, blank=True)  # [] = every sector
    summary = models.TextField(_("summary"), blank=True)
    full_text = models.TextField(_("full text"), blank=True)
    link = models.URLField(_("link to the document"), blank=True)
    how_to_apply = models.TextField(_("how to apply"), blank=True)
    source = models.CharField(_("source"), max_length=128, blank=True)  # seed reference, e.g. 004#13
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    eligibility = models.JSONField(_("eligibility"), default=dict)
    formula = models.JSONField(_("benefit formula"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=PolicyState.choices, default=PolicyState.DRAFT)
    reserve = models.BooleanField(_("in the policy reserve"), default=False)
    reserve_note = models.CharField(_("when to publish"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    matched_at = models.DateTimeField(_("matched"), null=True, blank=True)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["state", "region"])]

    def __str__(self) -> str:
        return self.title

    @property
    def shown_consultant(self) -> Any:
        if self.consultant_id:
            return self.consultant
        return self.unit.policy_consultant if self.unit_id and self.unit else None


class EnterpriseFacts(models.Model):
    """What the policies of the seeds need to know about an enterprise (PO-4), entered by the enterprise or
    imported by the department: unemployment insurance (004#13), tax hardship (004#11), its own sampling
    booth (001#annex2-二.1) and 四保 logistics vehicles (001#annex1-六.2). Amounts in yuan."""

    enterprise = models.OneToOneField(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="policy_facts"
    )
    data_year = models.PositiveSmallIntegerField(_("year the figures are for"), null=True, blank=True)
    ui_insured = models.BooleanField(_("insured for unemployment"), default=False)
    ui_contributions = models.DecimalField(
        _("unemployment insurance paid last year (yuan)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    layoff_rate = models.DecimalField(
        _("layoff rate at the end of last year (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    booth_cost = models.DecimalField(
        _("purchase cost of its own sampling booth (yuan)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    tax_hardship = models.BooleanField(_("cannot pay taxes on time (special hardship)"), default=False)
    tax_deferral_amount = models.DecimalField(
        _("taxes to defer (yuan)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    tax_deferral_months = models.PositiveSmallIntegerField(
        _("months of deferral asked for"), default=0, validators=[MaxValueValidator(36)]
    )
    logistics_vehicles = models.PositiveIntegerField(_("四保 logistics vehicles"), default=0)
    monthly_toll = models.DecimalField(
        _("monthly highway tolls of these vehicles (yuan)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = EnterpriseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy figures of an enterprise")
        verbose_name_plural = _("policy figures of enterprises")

    def __str__(self) -> str:
        return str(self.enterprise)


class MatchState(models.TextChoices):
    MATCHED = "matched", _("Matched")  # found, not yet told
    PUSHED = "pushed", _("Pushed")
    SEEN = "seen", _("Seen")
    APPLIED = "applied", _("Applied")
    APPROVED = "approved", _("Approved")
    REDEEMED = "redeemed", _("Redeemed")
    DECLINED = "declined", _("Declined")


# The funnel of PO-3, in order: a match counts in every stage it has reached.
FUNNEL = (
    MatchState.MATCHED,
    MatchState.PUSHED,
    MatchState.SEEN,
    MatchState.APPLIED,
    MatchState.APPROVED,
    MatchState.REDEEMED,
)
NOT_YET_APPLIED = (MatchState.MATCHED, MatchState.PUSHED, MatchState.SEEN)
# Stage → the states that have reached it: the one definition of the funnel, for the pages, the API, the
# maintained summary and the command screen (a declined application had been applied for).
_AFTER_PUSH = (MatchState.PUSHED, MatchState.SEEN, MatchState.APPLIED, MatchState.APPROVED, MatchState.REDEEMED)
STAGES: dict[str, tuple[str, ...]] = {
    "matched": tuple(MatchState.values),
    "pushed": (*_AFTER_PUSH, MatchState.DECLINED),
    "seen": (MatchState.SEEN, MatchState.APPLIED, MatchState.APPROVED, MatchState.REDEEMED, MatchState.DECLINED),
    "applied": (MatchState.APPLIED, MatchState.APPROVED, MatchState.REDEEMED, MatchState.DECLINED),
    "approved": (MatchState.APPROVED, MatchState.REDEEMED),
    "redeemed": (MatchState.REDEEMED,),
    "declined": (MatchState.DECLINED,),
}


class MatchQuerySet(EnterpriseScopedQuerySet):
    def current(self) -> "MatchQuerySet":
        """What is shown: matches the enterprise qualifies for now, and any it has acted on."""
        return self.filter(Q(eligible=True) | ~Q(state__in=NOT_YET_APPLIED))


class PolicyMatch(models.Model):
    """One enterprise's match with one policy (PO-2) and its way to redemption (PO-3).

    ``eligible`` follows the enterprise's data and the policy: a match that no longer qualifies before the
    enterprise applied is kept (its history) but no longer shown or counted."""

    policy = models.ForeignKey(Policy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="matches")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="policy_matches"
    )
    state = models.CharField(_("state"), max_length=16, choices=MatchState.choices, default=MatchState.MATCHED)
    eligible = models.BooleanField(_("qualifies now"), default=True)
    estimated_amount = models.DecimalField(
        _("estimated amount (yuan)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    matched_at = models.DateTimeField(_("matched"))
    pushed_at = models.DateTimeField(_("pushed"), null=True, blank=True)
    seen_at = models.DateTimeField(_("seen"), null=True, blank=True)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    application_note = models.TextField(_("application"), blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_amount = models.DecimalField(
        _("approved amount (yuan)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    redeemed_at = models.DateTimeField(_("redeemed"), null=True, blank=True)
    redeemed_amount = models.DecimalField(
        _("amount paid (yuan)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    declined_at = models.DateTimeField(_("declined"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    reminded_at = models.DateTimeField(_("last reminded"), null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(_("reminders sent"), default=0)

    objects = MatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy match")
        verbose_name_plural = _("policy matches")
        ordering = ["-matched_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["policy", "enterprise"], name="policy_match_once")]
        indexes = [
            models.Index(fields=["enterprise", "eligible"]),
            models.Index(fields=["policy", "state"]),
            models.Index(fields=["state", "pushed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.policy_id}→{self.enterprise_id} {self.state}"


class MatchRunStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("In progress")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class MatchRun(models.Model):
    """A set-based matching run in the background (PO-2), with progress: one policy over every enterprise,
    every published policy (``policy`` empty), or every policy over a list of enterprises (an import).
    Run by ``core.jobs`` (run lock, claim, recovery); ``upload`` is unused but part of that mechanism's shape."""

    policy = models.ForeignKey(Policy, null=True, blank=True, on_delete=models.CASCADE, related_name="runs")
    enterprise_ids = models.JSONField(default=list, blank=True)
    reason = models.CharField(_("reason"), max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MatchRunStatus.choices, default=MatchRunStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    matched = models.PositiveIntegerField(_("matches"), default=0)
    added = models.PositiveIntegerField(_("new matches"), default=0)
    removed = models.PositiveIntegerField(_("matches no longer qualifying"), default=0)
    error = models.TextField(_("errors"), blank=True)
    upload = models.ForeignKey(
        "core.StoredUpload", null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.policy_id or 'all'} {self.status}"


class PolicyNeedQuerySet(ScopedQuerySet):
    scope_region_path = "common_issue__region__path"


class PolicyNeed(models.Model):
    """PO-5 / RQ-2: a common issue that needs a policy change, linked to the (reserve) policy that answers it."""

    common_issue = models.ForeignKey(
        "tickets.CommonIssue", verbose_name=_("common issue"), on_delete=models.CASCADE, related_name="policy_needs"
    )
    policy = models.ForeignKey(Policy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="needs")
    note = models.CharField(_("note"), max_length=255, blank=True)
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)

    objects = PolicyNeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy needed by a common issue")
        verbose_name_plural = _("policies needed by common issues")
        constraints = [models.UniqueConstraint(fields=["common_issue", "policy"], name="policy_need_once")]

    def __str__(self) -> str:
        return f"{self.common_issue_id}→{self.policy_id}"


class PolicyFunnel(models.Model):
    """Maintained summary (``core.summaries``): the funnel per policy, region (county or township of the
    enterprises) and sector, read by the funnel pages and the command-screen panel instead of the matches."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    region_path = models.CharField(max_length=64, db_index=True)
    sector = models.CharField(max_length=32)
    matched = models.PositiveIntegerField(default=0)
    pushed = models.PositiveIntegerField(default=0)
    seen = models.PositiveIntegerField(default=0)
    applied = models.PositiveIntegerField(default=0)
    approved = models.PositiveIntegerField(default=0)
    redeemed = models.PositiveIntegerField(default=0)
    declined = models.PositiveIntegerField(default=0)
    estimated_amount = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal("0"))
    redeemed_amount = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal("0"))

    class Meta:
        verbose_name = _("policy funnel figures")
        verbose_name_plural = _("policy funnel figures")

    def __str__(self) -> str:
        return f"{self.policy_id} {self.region_path} {self.sector}"
