"""EP-7 (001 annex 2 #二.2): venue codes 场所码, their coverage, the scans people make and tracing."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from sibao.core.scope import EnterpriseScopedQuerySet, ScopedQuerySet

TOKEN_BYTES = 16  # 128 random bits: a code cannot be guessed from another one


def new_token() -> str:
    """A random, URL-safe code token (22 characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


class VenueKind(models.TextChoices):
    """What a code stands for: 一门一码, 一区一码, 一车间一码, 一楼一码, 一单元一码, 一层一码."""

    ENTRANCE = "entrance", _("Entrance")
    WORKSHOP = "workshop", _("Workshop")
    PRODUCTION_AREA = "production_area", _("Production, operation or construction area")
    LIVING_AREA = "living_area", _("Living area / dormitory")
    CANTEEN = "canteen", _("Canteen")
    BUILDING = "building", _("Building")
    FLOOR = "floor", _("Floor")
    UNIT = "unit", _("Unit")
    CLOSED_SPACE = "closed_space", _("Other closed space")


class Venue(models.Model):
    """One venue code. The QR code encodes a URL holding ``token``; the token is random and unique."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="venues"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=VenueKind.choices)
    name = models.CharField(_("name"), max_length=128)
    location = models.CharField(_("building / floor"), max_length=128, blank=True)
    token = models.CharField(_("code"), max_length=32, unique=True, default=new_token, editable=False)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EnterpriseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("venue code")
        verbose_name_plural = _("venue codes")
        ordering = ["enterprise", "kind", "name", "pk"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "name"], name="venue_name_once_per_enterprise")]

    def __str__(self) -> str:
        return self.name


COUNT_LIMIT = [MaxValueValidator(10_000)]


class VenueDeclaration(models.Model):
    """What the enterprise states it has; the coverage check counts codes against it."""

    enterprise = models.OneToOneField(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="venue_declaration",
    )
    entrances = models.PositiveIntegerField(_("entrances"), default=1, validators=COUNT_LIMIT)
    workshops = models.PositiveIntegerField(_("workshops"), default=0, validators=COUNT_LIMIT)
    production_areas = models.PositiveIntegerField(
        _("production, operation and construction areas"), default=0, validators=COUNT_LIMIT
    )
    buildings = models.PositiveIntegerField(_("buildings (large parks)"), default=0, validators=COUNT_LIMIT)
    floors = models.PositiveIntegerField(_("floors"), default=0, validators=COUNT_LIMIT)
    units = models.PositiveIntegerField(_("units (large parks)"), default=0, validators=COUNT_LIMIT)
    closed_spaces = models.PositiveIntegerField(_("other closed spaces"), default=0, validators=COUNT_LIMIT)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnterpriseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("venue declaration")
        verbose_name_plural = _("venue declarations")

    def __str__(self) -> str:
        return str(self.enterprise_id)


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ScanImport(models.Model):
    """One file of scan records from the venue-code system. The SHA-256 is unique: the same file again adds
    nothing."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+", null=True
    )
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64, unique=True, editable=False)
    # The file, encrypted, until its run ends (core.uploads); never kept in clear (issue 8 #2).
    upload = models.ForeignKey(
        "core.StoredUpload", null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    added_count = models.PositiveIntegerField(_("scans added"), default=0)
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("errors"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Run bookkeeping (core.jobs): when last queued and started, and how many runs were interrupted.
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("scan import")
        verbose_name_plural = _("scan imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.file_name


class ScanQuerySet(EnterpriseScopedQuerySet, through="venue__enterprise"): ...


class Scan(models.Model):
    """One person scanning one venue code. The person is only the keyed digest of the ID number.

    Big table (10M rows per county-fortnight): two indexes, one per question — "where was this person"
    (id_digest, scanned_at) and "who was at this venue then" (venue, scanned_at, id_digest; unique, so a
    scan imported twice is stored once, and it covers the contact query without touching the table).
    """

    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="scans", db_index=False)
    id_digest = models.CharField(max_length=64)
    scanned_at = models.DateTimeField(_("scanned at"))
    scan_import = models.ForeignKey(
        ScanImport, null=True, on_delete=models.PROTECT, related_name="scans", db_index=False
    )

    objects = ScanQuerySet.as_manager()

    class Meta:
        verbose_name = _("venue scan")
        verbose_name_plural = _("venue scans")
        constraints = [
            models.UniqueConstraint(fields=["venue", "scanned_at", "id_digest"], name="venue_scan_once"),
        ]
        indexes = [models.Index(fields=["id_digest", "scanned_at"], name="venue_scan_person_time")]

    def __str__(self) -> str:
        return f"{self.venue_id} {self.scanned_at:%Y-%m-%d %H:%M}"


class TraceLog(models.Model):
    """Who traced whom, for which period and why (EP-7; a person's movements are personal data). The traced
    person is shown masked; the digest is kept to find all traces of one person, never the number."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("traced by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    employee = models.ForeignKey(
        "epidemic.Employee", verbose_name=_("employee"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(_("person traced"), max_length=128)
    id_digest = models.CharField(max_length=64, editable=False, db_index=True)
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))
    purpose = models.CharField(_("purpose"), max_length=255)
    visit_count = models.PositiveIntegerField(_("visits"), default=0)
    contact_count = models.PositiveIntegerField(_("contacts"), default=0)
    created_at = models.DateTimeField(_("traced at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("trace")
        verbose_name_plural = _("traces")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.subject
