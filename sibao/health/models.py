"""EP-3 daily health reports, EP-4 health codes and risk areas, EP-5 arrival registration.

Seeds: 001 annex 2 二.3 (入豫全报备), 二.4 (差异化赋码), 二.6 (零报告/日报告), 三.2 (whitelist code
protection); 003#一.3/一.18 (daily health registration, fever/dry cough/fatigue).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sibao.core.scope import EnterpriseScopedQuerySet
from sibao.epidemic.models import CodeColour


class EmployeeScopedQuerySet(EnterpriseScopedQuerySet, through="employee__enterprise"): ...


class ReportSymptomQuerySet(EnterpriseScopedQuerySet, through="report__enterprise"): ...


# --- EP-3 ----------------------------------------------------------------------------------------


class Symptom(models.TextChoices):
    """003#一.18: 发热、干咳、乏力等疑似症状."""

    FEVER = "fever", _("Fever")
    COUGH = "cough", _("Cough")
    FATIGUE = "fatigue", _("Fatigue")


class DailyReport(models.Model):
    """One enterprise's health report for one day (日报告). With nobody unwell it is a zero report (零报告),
    which is still due every day."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="daily_reports"
    )
    day = models.DateField(_("day"))
    people_on_site = models.PositiveIntegerField(_("people on site"))
    symptom_count = models.PositiveIntegerField(_("people with symptoms"), default=0, editable=False)
    note = models.TextField(_("note"), blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last corrected"), auto_now=True)

    objects = EnterpriseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("daily health report")
        verbose_name_plural = _("daily health reports")
        ordering = ["-day", "enterprise__name", "pk"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "day"], name="daily_report_once_per_day")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.day}"

    @property
    def is_zero(self) -> bool:
        return self.symptom_count == 0


class ReportSymptom(models.Model):
    """One person with symptoms in a daily report."""

    report = models.ForeignKey(DailyReport, on_delete=models.CASCADE, related_name="symptoms")
    employee = models.ForeignKey(
        "epidemic.Employee", verbose_name=_("employee"), on_delete=models.PROTECT, related_name="reported_symptoms"
    )
    # Comma-separated ``Symptom`` values.
    symptoms = models.CharField(_("symptoms"), max_length=64)

    objects = ReportSymptomQuerySet.as_manager()

    class Meta:
        verbose_name = _("reported symptom")
        verbose_name_plural = _("reported symptoms")
        ordering = ["report", "employee__name", "pk"]
        constraints = [models.UniqueConstraint(fields=["report", "employee"], name="report_symptom_once")]

    def __str__(self) -> str:
        return f"{self.employee_id}: {self.symptoms}"

    @property
    def symptom_labels(self) -> list[str]:
        return [str(Symptom(value).label) for value in self.symptoms.split(",") if value in Symptom.values]


# --- EP-4 ----------------------------------------------------------------------------------------


class RiskLevel(models.TextChoices):
    MEDIUM = "medium", _("Medium risk")
    HIGH = "high", _("High risk")
    STATIC = "static", _("Static management")


class RiskArea(models.Model):
    """A medium/high-risk area or static-management area, with the dates it is in force.

    A medium/high-risk area codes arrivals from its whole county (001#annex2-二.4 "中高风险地区所在县（市、区）");
    a static-management area with a name codes arrivals from that named area only, without a name the
    whole county. Not scoped by region: any task force needs the whole list to judge where people come from.
    """

    county = models.ForeignKey(
        "regions.Region", verbose_name=_("county"), on_delete=models.PROTECT, related_name="risk_areas"
    )
    area_name = models.CharField(
        _("area name"), max_length=128, blank=True, help_text=_("Leave empty when the whole county is meant.")
    )
    level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices)
    valid_from = models.DateField(_("in force from"))
    valid_until = models.DateField(_("in force until"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Issue 8 #4: the region of the task force that entered it; it (or a level above) may end it, as may the
    # area's own county. Kept apart from ``created_by`` so ownership survives the user's departure.
    owner_region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("entered for"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("risk area")
        verbose_name_plural = _("risk areas")
        ordering = ["-valid_from", "county__code", "pk"]
        indexes = [models.Index(fields=["county", "valid_from"], name="risk_area_county_from")]

    def __str__(self) -> str:
        return f"{self.county.name}{self.area_name} {self.get_level_display()}"


class CodeBasis(models.TextChoices):
    POSITIVE = "positive", _("Positive test")
    CLOSE_CONTACT = "close_contact", _("Close contact")
    SECONDARY_CONTACT = "secondary_contact", _("Secondary contact")
    RISK_AREA_ARRIVAL = "risk_area_arrival", _("Arrival from a risk area")
    OTHER = "other", _("Other")


# 001#annex2-三.2: the only grounds on which a whitelist enterprise's employee may get a red or yellow code.
PROTECTION_EXCEPTIONS = (CodeBasis.POSITIVE, CodeBasis.CLOSE_CONTACT, CodeBasis.SECONDARY_CONTACT)


class HealthCodeChange(models.Model):
    """EP-4: one change of one person's health-code colour, with its basis."""

    employee = models.ForeignKey(
        "epidemic.Employee", verbose_name=_("employee"), on_delete=models.CASCADE, related_name="code_changes"
    )
    from_colour = models.CharField(_("from"), max_length=8, choices=CodeColour.choices)
    to_colour = models.CharField(_("to"), max_length=8, choices=CodeColour.choices)
    basis = models.CharField(_("basis"), max_length=24, choices=CodeBasis.choices)
    note = models.CharField(_("note"), max_length=255, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    objects = EmployeeScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("health code change")
        verbose_name_plural = _("health code changes")
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.employee_id}: {self.from_colour} → {self.to_colour}"


# --- EP-5 ----------------------------------------------------------------------------------------


class ArrivalKind(models.TextChoices):
    VISITOR = "visitor", _("Visitor")
    RETURNEE = "returnee", _("Returnee")


class CodingDecision(models.TextChoices):
    """What differentiated coding (001#annex2-二.4) decided on arrival."""

    PENDING = "pending", _("Not arrived yet")
    RED_ISOLATION = "red_isolation", _("Red code and centralised isolation")
    TEST_REQUIRED = "test_required", _("Nucleic-acid test after arrival")
    PROTECTED = "protected", _("Whitelist protection: test and observation, no red code")


class ArrivalRegistration(models.Model):
    """EP-5 入豫报备: a visitor or returnee registered with the destination enterprise. The ID number exists
    only as a keyed digest (matching) and masked (display)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("destination enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ArrivalKind.choices)
    name = models.CharField(_("name"), max_length=64)
    id_digest = models.CharField(max_length=64, editable=False, db_index=True)
    id_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    origin_county = models.ForeignKey(
        "regions.Region", verbose_name=_("coming from (county)"), on_delete=models.PROTECT, related_name="+"
    )
    origin_area = models.CharField(_("coming from (area)"), max_length=128, blank=True)
    expected_date = models.DateField(_("expected arrival"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True, editable=False)
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    registered_after_arrival = models.BooleanField(_("registered after arrival"), default=False, editable=False)
    employee = models.ForeignKey(
        "epidemic.Employee",
        verbose_name=_("employee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="arrivals",
        editable=False,
    )
    # The outcome of differentiated coding, set when the arrival is seen.
    coding = models.CharField(
        _("coding decision"),
        max_length=16,
        choices=CodingDecision.choices,
        default=CodingDecision.PENDING,
        editable=False,
    )
    risk_area = models.ForeignKey(
        RiskArea, verbose_name=_("risk area"), null=True, blank=True, on_delete=models.PROTECT, editable=False
    )
    isolation_until = models.DateTimeField(_("isolated until"), null=True, blank=True, editable=False)
    test_due_by = models.DateTimeField(_("test due by"), null=True, blank=True, editable=False)

    objects = EnterpriseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("arrival registration")
        verbose_name_plural = _("arrival registrations")
        ordering = ["-registered_at", "-pk"]
        indexes = [models.Index(fields=["enterprise", "id_digest"], name="arrival_enterprise_digest")]

    def __str__(self) -> str:
        return f"{self.name} {self.id_masked}"


class ArrivalSighting(models.Model):
    """A person seen arriving at an enterprise (gate check, scan): matched to a registration, or a warning."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=64)
    id_digest = models.CharField(max_length=64, editable=False, db_index=True)
    id_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    seen_at = models.DateTimeField(_("seen at"))
    source = models.CharField(_("source"), max_length=64)
    registration = models.ForeignKey(
        ArrivalRegistration,
        verbose_name=_("registration"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sightings",
        editable=False,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EnterpriseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("arrival sighting")
        verbose_name_plural = _("arrival sightings")
        ordering = ["-seen_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} {self.seen_at:%Y-%m-%d %H:%M}"
