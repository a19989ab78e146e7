"""EP-6 电子哨预警: one warning per risk signal, with an owner, a status and a handling note.

Every source (overdue tests, arrivals, pharmacy purchases, health codes, daily reports, supplies, incident
deadlines) raises warnings through ``sentinel.services.warning_raise`` with a ``subject_key`` that names
the signal, so raising the same signal twice keeps one open warning.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sibao.core.scope import ScopedQuerySet


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


class SentinelWarningQuerySet(ScopedQuerySet):
    scope_region_path = "enterprise__region__path"
    scope_sector = "enterprise__sector"
    scope_enterprise = "enterprise_id"


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

    objects = SentinelWarningQuerySet.as_manager()

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
        indexes = [models.Index(fields=["enterprise", "status"], name="sentinel_enterprise_status")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.detail}"
