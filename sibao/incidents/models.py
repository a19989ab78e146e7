"""EP-9 应急处置 (001#annex2-三.7, 003#一.13/16/18): an incident about one person of one enterprise and its close
and secondary contacts.

An incident concerns the person and the areas they used, never the whole enterprise: the rest of the
enterprise keeps producing unless a shutdown linked to the incident is approved by both HQs (EM-4: the
emergency app's ``Shutdown``, proposed from the incident's page).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sibao.core.scope import EnterpriseScopedQuerySet
from sibao.epidemic.models import Zone


class IncidentState(models.TextChoices):
    REPORTED = "reported", _("Reported")
    OBSERVATION = "observation", _("In temporary observation")
    RETEST = "retest", _("Re-test sampled")
    CONFIRMED = "confirmed", _("Confirmed positive")
    CLEARED = "cleared", _("Excluded: quiet period")
    CONTACTS_ISOLATED = "contacts_isolated", _("Contacts isolated")
    DISINFECTED = "disinfected", _("Disinfected")
    CLOSED = "closed", _("Closed")


# The re-test clock runs until a result is recorded (confirmed or cleared).
AWAITING_RESULT = (IncidentState.REPORTED, IncidentState.OBSERVATION, IncidentState.RETEST)
# Contacts may be proposed, added and removed while the case is open and before they were isolated for good.
CONTACT_EDIT_STATES = (IncidentState.OBSERVATION, IncidentState.RETEST, IncidentState.CONFIRMED)


class Trigger(models.TextChoices):
    SYMPTOMS = "symptoms", _("Suspected symptoms (fever, cough …)")
    INITIAL_POSITIVE = "initial_positive", _("Initial positive screening (pooled test)")


class ObservationPlace(models.TextChoices):
    POINT = "point", _("Temporary observation point")
    DORMITORY = "dormitory", _("Observation dormitory")


class RetestResult(models.TextChoices):
    NONE = "", _("Not yet")
    POSITIVE = "positive", _("Positive")
    NEGATIVE = "negative", _("Negative")


class Incident(models.Model):
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="incidents"
    )
    employee = models.ForeignKey(
        "epidemic.Employee", verbose_name=_("person"), on_delete=models.PROTECT, related_name="incidents"
    )
    trigger = models.CharField(_("reason for the report"), max_length=20, choices=Trigger.choices)
    note = models.TextField(_("note"), blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=IncidentState.choices, default=IncidentState.REPORTED, editable=False
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_at = models.DateTimeField(_("reported at"))
    # 001#annex2-三.7: the re-test result is due within EPIDEMIC_RETEST_HOURS of the report (region's value
    # at the time of the report, kept so a later parameter change does not move a running clock).
    retest_due_at = models.DateTimeField(_("re-test result due"))
    # Contacts are traced from here (the person's last negative test, at most a quiet period back).
    trace_from = models.DateTimeField(_("contacts traced from"))
    observation_place = models.CharField(
        _("observation place"), max_length=16, choices=ObservationPlace.choices, blank=True
    )
    observation_where = models.CharField(_("where"), max_length=128, blank=True)
    observed_at = models.DateTimeField(_("in observation since"), null=True, blank=True)
    retest_sampled_at = models.DateTimeField(_("re-test sampled at"), null=True, blank=True)
    retest_result = models.CharField(
        _("re-test result"), max_length=8, choices=RetestResult.choices, blank=True, default=RetestResult.NONE
    )
    result_at = models.DateTimeField(_("result recorded at"), null=True, blank=True)
    quiet_period_until = models.DateTimeField(_("quiet period until"), null=True, blank=True)
    contacts_isolated_at = models.DateTimeField(_("contacts isolated at"), null=True, blank=True)
    disinfected_areas = models.TextField(_("venues and areas disinfected"), blank=True)
    disinfected_on = models.DateField(_("disinfected on"), null=True, blank=True)
    disinfection_note = models.TextField(_("disinfection note"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = EnterpriseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-reported_at", "-pk"]
        indexes = [models.Index(fields=["state", "retest_due_at"], name="incident_state_due")]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.employee.name} · {self.reported_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.state != IncidentState.CLOSED


class ContactKind(models.TextChoices):
    CLOSE = "close", _("Close contact")
    SECONDARY = "secondary", _("Secondary contact")


class ContactSource(models.TextChoices):
    TRACED = "traced", _("Proposed from venue-code tracing")
    ADDED = "added", _("Added by the task force")


class IncidentContactQuerySet(EnterpriseScopedQuerySet, through="incident__enterprise"): ...


class IncidentContact(models.Model):
    incident = models.ForeignKey(
        Incident, verbose_name=_("incident"), on_delete=models.CASCADE, related_name="contacts"
    )
    employee = models.ForeignKey(
        "epidemic.Employee",
        verbose_name=_("employee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incident_contacts",
    )
    id_digest = models.CharField(max_length=64, editable=False)
    name = models.CharField(_("name"), max_length=64)
    kind = models.CharField(_("kind"), max_length=12, choices=ContactKind.choices, default=ContactKind.CLOSE)
    source = models.CharField(_("source"), max_length=8, choices=ContactSource.choices, default=ContactSource.TRACED)
    venue_name = models.CharField(_("venue"), max_length=128, blank=True)
    contact_at = models.DateTimeField(_("contact at"), null=True, blank=True)
    # The zone the person was in before isolation, restored on release.
    zone_before = models.CharField(_("zone before isolation"), max_length=8, choices=Zone.choices, blank=True)
    isolated_at = models.DateTimeField(_("isolated at"), null=True, blank=True)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = IncidentContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident contact")
        verbose_name_plural = _("incident contacts")
        ordering = ["kind", "name", "pk"]
        constraints = [models.UniqueConstraint(fields=["incident", "id_digest"], name="incident_contact_once")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"
