"""EP-1: the people of each enterprise. Later parts of EP (tests, codes, scans …) hang off ``Employee``."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sibao.core.scope import ScopedQuerySet


class PostType(models.TextChoices):
    """001 annex 2: mobile and contact posts are tested every 24 h instead of every 48 h (EP-2)."""

    NORMAL = "normal", _("Normal post")
    LOGISTICS = "logistics", _("Logistics / driver")
    SALES = "sales", _("Sales / purchasing (travels out)")
    CONTACT = "contact", _("Contact with outsiders (reception, delivery)")


MOBILE_POST_TYPES = (PostType.LOGISTICS, PostType.SALES, PostType.CONTACT)


class EmployeeQuerySet(ScopedQuerySet):
    scope_region_path = "enterprise__region__path"
    scope_sector = "enterprise__sector"
    scope_enterprise = "enterprise_id"


class Employee(models.Model):
    """A person working at an enterprise. The ID number exists only encrypted (``id_cipher``), as a keyed
    digest for lookups (``id_digest``) and masked for display (``id_masked``)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="employees"
    )
    name = models.CharField(_("name"), max_length=64)
    id_cipher = models.TextField(editable=False)
    id_digest = models.CharField(max_length=64, editable=False, db_index=True)
    id_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    post_type = models.CharField(_("post type"), max_length=16, choices=PostType.choices, default=PostType.NORMAL)
    team = models.CharField(_("team"), max_length=64, blank=True)
    dormitory = models.CharField(_("dormitory"), max_length=64, blank=True)
    management_unit = models.CharField(_("management unit"), max_length=64, blank=True)
    arrival_date = models.DateField(_("arrival date"), null=True, blank=True)
    is_active = models.BooleanField(_("employed"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # EP-2: kept by the test ingest in the same transaction, so "who is overdue" never scans the results
    # (ARCHITECTURE: ~0.25 s for 5M people instead of 3–7 s for "latest test per person").
    last_test_at = models.DateTimeField(_("last test"), null=True, blank=True, editable=False)
    last_negative_test_at = models.DateTimeField(
        _("last negative test"), null=True, blank=True, editable=False, db_index=True
    )

    objects = EmployeeQuerySet.as_manager()

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["enterprise", "name", "pk"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "id_digest"], name="employee_once_per_enterprise")]

    def __str__(self) -> str:
        return f"{self.name} {self.id_masked}"


class TestImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class TestImport(models.Model):
    """One file of results from a testing institution (EP-2). The file's SHA-256 is unique per institution,
    so uploading the same file again is recognised and adds nothing."""

    institution = models.CharField(_("testing institution"), max_length=128)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64, editable=False)
    content = models.BinaryField(editable=False, default=b"")  # kept until the (background) import has run
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    added_count = models.PositiveIntegerField(_("results added"), default=0)
    status = models.CharField(
        _("status"), max_length=16, choices=TestImportStatus.choices, default=TestImportStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("errors"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("test result import")
        verbose_name_plural = _("test result imports")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["institution", "sha256"], name="test_import_file_once")]

    def __str__(self) -> str:
        return f"{self.institution} {self.file_name}"


class TestOutcome(models.TextChoices):
    NEGATIVE = "negative", _("Negative")
    POSITIVE = "positive", _("Positive")


class TestResult(models.Model):
    """One nucleic-acid test of one person, keyed by the ID digest (results arrive before or without an
    employee record). Big table: partition by day in production (ARCHITECTURE "Scale")."""

    id_digest = models.CharField(max_length=64)
    sampled_at = models.DateTimeField(_("sampled at"))
    result = models.CharField(_("result"), max_length=8, choices=TestOutcome.choices)
    institution = models.CharField(_("testing institution"), max_length=128)
    # No index on the import: it would cost every ingested row, and imports are never deleted (audit trail).
    test_import = models.ForeignKey(
        TestImport, null=True, on_delete=models.PROTECT, related_name="results", db_index=False
    )

    class Meta:
        verbose_name = _("test result")
        verbose_name_plural = _("test results")
        # The unique index on (id_digest, sampled_at) also answers "latest test of a person" (index scan
        # backwards), so no second index is needed on the hot ingest path.
        constraints = [models.UniqueConstraint(fields=["id_digest", "sampled_at"], name="test_result_once")]

    def __str__(self) -> str:
        return f"{self.sampled_at:%Y-%m-%d %H:%M} {self.result}"
