"""EP-1: the people of each enterprise. Later parts of EP (tests, codes, scans …) hang off ``Employee``."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sibao.core.scope import EnterpriseScopedQuerySet, ScopedQuerySet


class PostType(models.TextChoices):
    """001 annex 2: mobile and contact posts are tested every 24 h instead of every 48 h (EP-2)."""

    NORMAL = "normal", _("Normal post")
    LOGISTICS = "logistics", _("Logistics / driver")
    SALES = "sales", _("Sales / purchasing (travels out)")
    CONTACT = "contact", _("Contact with outsiders (reception, delivery)")


MOBILE_POST_TYPES = (PostType.LOGISTICS, PostType.SALES, PostType.CONTACT)


class Zone(models.TextChoices):
    """EP-8, 003#一.15: where a person works and lives inside the enterprise."""

    GREEN = "green", _("Green zone (normal production)")
    BLUE = "blue", _("Blue zone (new arrivals under observation)")
    YELLOW = "yellow", _("Yellow zone (close and secondary contacts)")
    RED = "red", _("Red zone (abnormal test or infected)")


class CodeColour(models.TextChoices):
    """EP-4: the health-code colour of a person."""

    GREEN = "green", _("Green code")
    YELLOW = "yellow", _("Yellow code")
    RED = "red", _("Red code")


class ZoneMoveQuerySet(EnterpriseScopedQuerySet, through="employee__enterprise"): ...


class Employee(models.Model):
    """A person working at an enterprise. The ID number exists only encrypted (``id_cipher``), as a keyed
    digest for lookups (``id_digest``) and masked for display (``id_masked``)."""

    # Indexes are few on purpose: the test ingest updates this table in bulk, and with spare room on each
    # page (fillfactor, migration 0004) and no index on the updated columns PostgreSQL updates in place
    # (HOT) without touching any index. The unique (enterprise, id_digest) index also serves the FK.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="employees",
        db_index=False,
    )
    name = models.CharField(_("name"), max_length=64)
    id_cipher = models.TextField(editable=False)
    id_digest = models.CharField(max_length=64, editable=False)
    id_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    post_type = models.CharField(_("post type"), max_length=16, choices=PostType.choices, default=PostType.NORMAL)
    team = models.CharField(_("team"), max_length=64, blank=True)
    dormitory = models.CharField(_("dormitory"), max_length=64, blank=True)
    management_unit = models.CharField(_("management unit"), max_length=64, blank=True)
    arrival_date = models.DateField(_("arrival date"), null=True, blank=True)
    is_active = models.BooleanField(_("employed"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # EP-8: changed only through ``employee_move_zone`` (each move is a ZoneMove row).
    zone = models.CharField(_("zone"), max_length=8, choices=Zone.choices, default=Zone.GREEN, editable=False)
    # EP-4: the current colour; its history and the rules that set it live in the health app.
    health_code = models.CharField(
        _("health code"), max_length=8, choices=CodeColour.choices, default=CodeColour.GREEN, editable=False
    )
    # EP-2/EP-9: until then the person is tested daily (new arrival in the blue zone, cleared suspected case).
    quiet_period_until = models.DateTimeField(_("quiet period until"), null=True, blank=True, editable=False)
    # EP-2: kept by the test ingest in the same transaction, so "who is overdue" never scans the results
    # (ARCHITECTURE: ~0.25 s for 5M people instead of 3–7 s for "latest test per person").
    last_test_at = models.DateTimeField(_("last test"), null=True, blank=True, editable=False)
    last_negative_test_at = models.DateTimeField(_("last negative test"), null=True, blank=True, editable=False)

    objects = EnterpriseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["enterprise", "name", "pk"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "id_digest"], name="employee_once_per_enterprise")]
        indexes = [
            models.Index(fields=["id_digest"], name="employee_id_digest"),
            # EP-2's overdue list, most overdue first: walked in order and stopped at a page (issue 10: a province's
            # page went from 3.1 s to 0.14 s); it costs the ingest's update of the column an index entry.
            models.Index(fields=["last_negative_test_at", "id"], name="employee_last_negative_test"),
            # EP-4's list of red and yellow codes: the few coded people, not a scan of a province's million (issue
            # 10: 0.44 s → an index probe); the ingest never changes the code, so its updates stay in place (HOT).
            models.Index(
                fields=["health_code"],
                condition=models.Q(health_code__in=["red", "yellow"]),
                name="employee_red_yellow_code",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.id_masked}"


class OverdueTally(models.Model):
    """Issue 10: how many employed people of an enterprise are overdue for a test (EP-2), as of the last pass
    of the ``epidemic.overdue`` summary (``epidemic.summaries``). The overdue page's per-enterprise table reads
    these rows instead of grouping a province's million employees on every request; a row exists only for an
    enterprise with someone overdue."""

    enterprise = models.OneToOneField(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    overdue = models.PositiveIntegerField(_("overdue"))

    objects = EnterpriseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("overdue tally")
        verbose_name_plural = _("overdue tallies")
        # The table's order, most overdue first: walked in order and stopped after a page.
        indexes = [models.Index(fields=["-overdue"], name="overdue_tally_most")]

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.overdue}"


class TestImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class TestImportQuerySet(ScopedQuerySet):
    # A file of results is the uploading task force's: visible in the uploader's region subtree.
    scope_region_path = "created_by__region__path"


class TestImport(models.Model):
    """One file of results from a testing institution (EP-2). The file's SHA-256 is unique per institution,
    so uploading the same file again is recognised and adds nothing."""

    institution = models.CharField(_("testing institution"), max_length=128)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64, editable=False)
    # The file, encrypted, until its run ends (core.uploads); never kept in clear (issue 8 #2).
    upload = models.ForeignKey(
        "core.StoredUpload", null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
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
    # Run bookkeeping (core.jobs): when last queued and started, and how many runs were interrupted.
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = TestImportQuerySet.as_manager()

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
    employee record). Big table: partition by day in production (ARCHITECTURE "Scale").

    The key (person, sampling time) is the primary key: one index, which makes a repeated result add
    nothing and answers "latest test of a person" (index scan backwards); a surrogate id would cost a
    second index on every ingested row."""

    pk = models.CompositePrimaryKey("id_digest", "sampled_at")
    id_digest = models.CharField(max_length=64)
    sampled_at = models.DateTimeField(_("sampled at"))
    result = models.CharField(_("result"), max_length=8, choices=TestOutcome.choices)
    institution = models.CharField(_("testing institution"), max_length=128)
    # No index on the import: it would cost every ingested row, and imports are never deleted (audit trail).
    # No database constraint either: PostgreSQL checks a deferred foreign key row by row at commit (2 of 10 s
    # of a 100,000-row file); the id is the import the ingest itself runs, and Django still protects it.
    test_import = models.ForeignKey(
        TestImport, null=True, on_delete=models.PROTECT, related_name="results", db_index=False, db_constraint=False
    )

    class Meta:
        verbose_name = _("test result")
        verbose_name_plural = _("test results")

    def __str__(self) -> str:
        return f"{self.sampled_at:%Y-%m-%d %H:%M} {self.result}"


class ZoneMove(models.Model):
    """EP-8: one move of one person between zones, with why (arrival, contact, result, end of quiet period)."""

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="zone_moves"
    )
    from_zone = models.CharField(_("from zone"), max_length=8, choices=Zone.choices)
    to_zone = models.CharField(_("to zone"), max_length=8, choices=Zone.choices)
    reason = models.CharField(_("reason"), max_length=255)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("moved by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    moved_at = models.DateTimeField(_("moved at"), auto_now_add=True)

    objects = ZoneMoveQuerySet.as_manager()

    class Meta:
        verbose_name = _("zone move")
        verbose_name_plural = _("zone moves")
        ordering = ["-moved_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.employee_id}: {self.from_zone} → {self.to_zone}"
