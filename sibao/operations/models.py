"""EN-3: the daily operating report (生产经营日报) of an enterprise, the warning of a missing one, and the
maintained figures per region and sector that the command screen reads."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from sibao.core.scope import EnterpriseScopedQuerySet
from sibao.core.sectors import Sector
from sibao.tickets.models import Category


class ProductionStatus(models.TextChoices):
    """How the enterprise is operating today (EN-3: normal / closed-loop production / reduced / halted)."""

    NORMAL = "normal", _("Normal production")
    CLOSED_LOOP = "closed_loop", _("Closed-loop production")
    REDUCED = "reduced", _("Reduced production")
    HALTED = "halted", _("Production halted")


# The statuses the command screen counts as "not operating normally".
NOT_NORMAL = (ProductionStatus.CLOSED_LOOP, ProductionStatus.REDUCED, ProductionStatus.HALTED)
# Production stopped or limited: for a whitelist enterprise only an approved shutdown may cause it (EM-4).
HALT_STATUSES = (ProductionStatus.HALTED, ProductionStatus.REDUCED)


class Channel(models.TextChoices):
    PAGE = "page", _("Filed on the page")
    API = "api", _("Sent by the enterprise's system")
    IMPORT = "import", _("Imported from a spreadsheet")


class OperatingReport(models.Model):
    """One enterprise's operating report for one day; due every day even when nothing changed (EN-3)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="operating_reports",
    )
    day = models.DateField(_("day"))
    status = models.CharField(_("production status"), max_length=16, choices=ProductionStatus.choices)
    staff_on_site = models.PositiveIntegerField(_("staff on site"))
    staff_total = models.PositiveIntegerField(_("total staff"))
    capacity_percent = models.PositiveSmallIntegerField(_("capacity use (%)"))
    raw_material_days = models.DecimalField(_("raw materials in stock (days)"), max_digits=6, decimal_places=1)
    finished_goods_days = models.DecimalField(_("finished goods in stock (days)"), max_digits=6, decimal_places=1)
    # 万元, the unit of the registry's output value.
    output_month = models.DecimalField(_("output this month (10k yuan)"), max_digits=14, decimal_places=2)
    main_problem = models.TextField(_("main problem"), blank=True)
    # RQ-1's categories, so that "turn it into a request" fills the request form in one click.
    problem_category = models.CharField(_("kind of problem"), max_length=20, choices=Category.choices, blank=True)
    channel = models.CharField(_("filed through"), max_length=8, choices=Channel.choices, default=Channel.PAGE)
    # Filed after the deadline of its day in its region (kept as judged when filed: the hour may change later).
    late = models.BooleanField(_("filed late"), default=False)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed at"))
    updated_at = models.DateTimeField(_("last corrected"), auto_now=True)

    objects = EnterpriseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("daily operating report")
        verbose_name_plural = _("daily operating reports")
        ordering = ["-day", "enterprise__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "day"], name="operating_report_once_per_day"),
            models.CheckConstraint(condition=Q(capacity_percent__lte=100), name="operating_report_capacity_range"),
            models.CheckConstraint(
                condition=Q(staff_on_site__lte=F("staff_total")), name="operating_report_staff_on_site_le_total"
            ),
            models.CheckConstraint(
                condition=Q(raw_material_days__gte=0, finished_goods_days__gte=0, output_month__gte=0),
                name="operating_report_amounts_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["day", "status"], name="operating_report_day_status")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.day}"

    @property
    def is_normal(self) -> bool:
        return self.status == ProductionStatus.NORMAL


class OperatingWarningStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class OperatingWarning(models.Model):
    """A whitelisted enterprise had not filed its report of ``day`` when the deadline passed.

    Raised by the sweep (one per enterprise and day, ever: a closed one is not raised again), lifted by the
    platform when the report arrives, or closed by an official with a note (e.g. the firm was reached by
    phone). Kept out of the sentinel warnings on purpose: those are epidemic-risk signals (EP-6) for the
    epidemic task force; this one is an economic-dispatch signal for the township, department and HQ office.
    """

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="operating_warnings",
    )
    day = models.DateField(_("report day"))
    due_at = models.DateTimeField(_("was due at"))
    status = models.CharField(
        _("status"), max_length=8, choices=OperatingWarningStatus.choices, default=OperatingWarningStatus.OPEN
    )
    raised_at = models.DateTimeField(_("raised at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("handling note"), blank=True)
    # True when the platform closed it because the report arrived (late).
    lifted = models.BooleanField(_("closed because the report arrived"), default=False)

    objects = EnterpriseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("missing operating report warning")
        verbose_name_plural = _("missing operating report warnings")
        ordering = ["-day", "enterprise__name", "pk"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "day"], name="operating_warning_once_per_day")]
        indexes = [models.Index(fields=["status", "day"], name="operating_warning_status_day")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.day}"


class OperatingSummary(models.Model):
    """Maintained figures of one day per region where enterprises sit (township or county) and sector, rebuilt
    by ``operations.summaries.refresh``; a region's figure is the sum of the rows under its path."""

    day = models.DateField(_("day"))
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.CASCADE, related_name="+")
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices)
    due = models.PositiveIntegerField(_("whitelisted enterprises due to report"), default=0)
    reported = models.PositiveIntegerField(_("reports filed"), default=0)
    missing = models.PositiveIntegerField(_("whitelisted enterprises without a report"), default=0)
    overdue = models.PositiveIntegerField(_("without a report after the deadline"), default=0)
    late = models.PositiveIntegerField(_("reports filed late"), default=0)
    normal = models.PositiveIntegerField(_("normal production"), default=0)
    closed_loop = models.PositiveIntegerField(_("closed-loop production"), default=0)
    reduced = models.PositiveIntegerField(_("reduced production"), default=0)
    halted = models.PositiveIntegerField(_("production halted"), default=0)

    class Meta:
        verbose_name = _("operating summary")
        verbose_name_plural = _("operating summaries")
        constraints = [
            models.UniqueConstraint(fields=["day", "region", "sector"], name="operating_summary_once"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.region_id} {self.sector}"
