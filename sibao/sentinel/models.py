"""EP-6 电子哨预警: one warning per risk signal, with an owner, a status and a handling note.

Every source (overdue tests, arrivals, pharmacy purchases, health codes, daily reports, supplies, incident
deadlines) raises warnings through ``sentinel.services.warning_raise`` with a ``subject_key`` that names
the signal, so raising the same signal twice keeps one open warning.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sibao.core.scope import EnterpriseScopedQuerySet, ScopedQuerySet
from sibao.notifications.texts import render


class WarningKind(models.TextChoices):
    OVERDUE_TEST = "overdue_test", _("Overdue nucleic-acid test")
    UNREGISTERED_ARRIVAL = "unregistered_arrival", _("Unregistered arrival")
    DRUG_PURCHASE = "drug_purchase", _("Purchase of fever, cough, antiviral or antibiotic drugs")
    HEALTH_CODE = "health_code", _("Red or yellow health code")
    MISSING_DAILY_REPORT = "missing_daily_report", _("Daily health report missing")
    SYMPTOMS = "symptoms", _("Symptoms reported")
    SUPPLIES_SHORTFALL = "supplies_shortfall", _("Prevention supplies below reserve")
    INCIDENT_DEADLINE = "incident_deadline", _("Incident re-test deadline missed")


class WarningStatus(models.TextChoices):
    OPEN = "open", _("Open")
    HANDLING = "handling", _("Being handled")
    CLOSED = "closed", _("Closed")


class SentinelWarning(models.Model):
    kind = models.CharField(_("kind"), max_length=32, choices=WarningKind.choices)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="warnings"
    )
    employee = models.ForeignKey(
        "epidemic.Employee",
        verbose_name=_("employee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="warnings",
    )
    # Names the signal (e.g. "employee:42" or "report:2022-05-10"): one open warning per kind and key.
    subject_key = models.CharField(max_length=128)
    detail = models.CharField(_("detail"), max_length=500)
    # Issue 9 #8: what it takes to say ``detail`` in the reader's language (``notifications.texts.later``);
    # None for warnings written as plain text (bulk sweeps, rows from before).
    detail_text = models.JSONField(_("detail to translate"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=WarningStatus.choices, default=WarningStatus.OPEN)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sentinel_warnings",
    )
    handling_note = models.TextField(_("handling note"), blank=True)
    raised_at = models.DateTimeField(_("raised at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # True when the platform closed it because the signal went away (e.g. the test arrived).
    lifted = models.BooleanField(_("closed because the signal went away"), default=False)

    objects = EnterpriseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("sentinel warning")
        verbose_name_plural = _("sentinel warnings")
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_key"],
                condition=~models.Q(status="closed"),
                name="sentinel_one_open_warning_per_signal",
            )
        ]
        indexes = [
            models.Index(fields=["enterprise", "status"], name="sentinel_enterprise_status"),
            # The sweeps ask "does this person already have an open warning of this kind?" set-wise.
            models.Index(
                fields=["employee", "kind"], condition=~models.Q(status="closed"), name="sentinel_open_by_employee"
            ),
            models.Index(fields=["status", "kind"], name="sentinel_status_kind"),
            # The lists' order (-raised_at, -pk), read backwards: a page of a province's 290,000 warnings stops early.
            models.Index(fields=["raised_at", "id"], name="sentinel_raised_at"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.detail}"

    @property
    def shown_detail(self) -> str:
        """The detail in the active language; as written when it was stored as plain text."""
        return render(self.detail_text, self.detail) if self.detail_text else self.detail


class WarningTallyQuerySet(ScopedQuerySet):
    scope_sector = "sector"


class WarningTally(models.Model):
    """Issue 10: open warnings (open or being handled) of the enterprises in one region's whole subtree in one
    sector, per kind and status, and how many of them were unattended, as of the last pass of the
    ``sentinel.counts`` summary (``sentinel.summaries``). The counts on the warning list and
    ``/api/warnings/counts`` read the area's rows and its children's by key instead of grouping a province's open
    warnings four times per request."""

    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.CASCADE, related_name="+")
    sector = models.CharField(_("sector"), max_length=32)
    kind = models.CharField(_("kind"), max_length=32, choices=WarningKind.choices)
    status = models.CharField(_("status"), max_length=16, choices=WarningStatus.choices)
    count = models.PositiveIntegerField(_("count"))
    unattended = models.PositiveIntegerField(_("unattended"))

    objects = WarningTallyQuerySet.as_manager()

    class Meta:
        verbose_name = _("warning tally")
        verbose_name_plural = _("warning tallies")

    def __str__(self) -> str:
        return f"{self.region_id} {self.sector} {self.kind} {self.status}: {self.count}"


class DrugCategory(models.TextChoices):
    """001#annex2-二.5: the four drug types (四类药品) whose purchase is a sentinel signal."""

    FEVER = "fever", _("Fever reducer")
    COUGH = "cough", _("Cough medicine")
    ANTIVIRAL = "antiviral", _("Antiviral")
    ANTIBIOTIC = "antibiotic", _("Antibiotic")


class PharmacyImport(models.Model):
    """One file of pharmacy sales records imported by the epidemic task force of ``region``."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(_("file name"), max_length=255)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    added_count = models.PositiveIntegerField(_("purchases added"), default=0)
    matched_count = models.PositiveIntegerField(_("purchases by employees"), default=0)
    warning_count = models.PositiveIntegerField(_("warnings raised"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("pharmacy sales import")
        verbose_name_plural = _("pharmacy sales imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.file_name


class PharmacyPurchase(models.Model):
    """One sale of a drug of the four types. The buyer's ID number exists only as the keyed digest (for
    matching, also later when the person is registered as an employee) and masked (for display)."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pharmacy_import = models.ForeignKey(
        PharmacyImport, verbose_name=_("import"), on_delete=models.PROTECT, related_name="purchases", db_index=False
    )
    pharmacy = models.CharField(_("pharmacy"), max_length=128)
    id_digest = models.CharField(max_length=64, editable=False)
    id_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    name = models.CharField(_("buyer"), max_length=64)
    drug_name = models.CharField(_("drug"), max_length=128)
    drug_category = models.CharField(_("drug category"), max_length=16, choices=DrugCategory.choices)
    purchased_at = models.DateTimeField(_("purchased at"))
    # The first employee the purchase was matched to (None: not an employee in scope, kept for later matching).
    employee = models.ForeignKey(
        "epidemic.Employee",
        verbose_name=_("employee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="drug_purchases",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("pharmacy purchase")
        verbose_name_plural = _("pharmacy purchases")
        ordering = ["-purchased_at", "-pk"]
        constraints = [
            # Re-importing a file (or an overlapping export) adds nothing.
            models.UniqueConstraint(
                fields=["id_digest", "purchased_at", "pharmacy", "drug_name"], name="pharmacy_purchase_once"
            )
        ]
        indexes = [
            models.Index(fields=["id_digest"], condition=models.Q(employee__isnull=True), name="pharmacy_unmatched"),
        ]

    def __str__(self) -> str:
        return f"{self.pharmacy} {self.drug_name} {self.purchased_at:%Y-%m-%d %H:%M}"
